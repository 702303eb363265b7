/*
 * Finding torn stream files and making a readable view of their trace (see
 * salvage.h).  A stream file is a run of packets, each packet_size bytes as
 * its context says; the first packet that does not fit in what remains of
 * the file (or whose header is cut, or holds an impossible size or a wrong
 * magic) ends the part that can be read.  Whole files are linked into the
 * view; a torn one is replaced by a copy of its complete packets
 * (copy_file_range, so the kernel may share the blocks), or left out when
 * not even one packet is complete.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discovery.h"
#include "error.h"
#include "log.h"
#include "salvage.h"
#include "signals.h"
#include "strvec.h"
#include "tsdl_layout.h"

#define TJ_CTF_MAGIC 0xC1FC1FC1u
#define TJ_SALVAGE_MAX_HEADER 65536 /* bytes of header + context we read per packet */
/* Padding we put back after a whole last packet content: more than this is
 * a corrupt packet_size, not a cut (LTTng sub-buffers are a few MB). */
#define TJ_SALVAGE_MAX_PADDING (64u << 20)

struct torn_file {
	char *name;        /* in the trace folder */
	uint64_t dropped;  /* bytes */
	int have_ids;      /* the packets name their stream class and instance */
	uint64_t class_id, instance_id;
};

struct view {
	char *dir;             /* NULL: the trace is read as it is */
	struct tj_strvec made; /* entries created in dir */
	int sig_slots[4];
	int dir_slot;          /* tj_signals_register_dir of dir */
	struct torn_file *torn;
	size_t ntorn;
};

struct tj_salvage {
	struct view *views;
	size_t n;
};

struct scan {
	uint64_t size, kept, packets;
	uint64_t pad_to;  /* > size: the last packet's content is whole, its padding cut */
	int have_ids;
	uint64_t class_id, instance_id; /* of the first packet */
	char why[200];
};

/* Walk the packets of one stream file: kept = bytes of complete packets. */
static void scan_file(const struct tj_tsdl_layout *l, int fd, struct scan *sc, unsigned char *buf,
		      size_t need)
{
	uint64_t off = 0;
	size_t hdr = (size_t)((l->header_bits + 7) / 8);
	while (off < sc->size) {
		uint64_t left = sc->size - off;
		size_t want = left < need ? (size_t)left : need;
		ssize_t n = pread(fd, buf, want, (off_t)off);
		uint64_t v, psz, csz;
		if (n < 0) {
			snprintf(sc->why, sizeof(sc->why), "cannot be read at offset %llu (%s)",
				 (unsigned long long)off, strerror(errno));
			break;
		}
		if ((size_t)n < hdr) {
			snprintf(sc->why, sizeof(sc->why), "ends inside the header of the packet at offset %llu",
				 (unsigned long long)off);
			break;
		}
		if (l->magic.present && (tj_tsdl_read(&l->magic, buf, (size_t)n, &v) || v != TJ_CTF_MAGIC)) {
			snprintf(sc->why, sizeof(sc->why), "has no packet magic at offset %llu",
				 (unsigned long long)off);
			break;
		}
		uint64_t sid = l->nstreams == 1 ? l->streams[0].id : 0;
		if (l->stream_id.present && tj_tsdl_read(&l->stream_id, buf, (size_t)n, &sid) == 0 &&
		    !tj_tsdl_layout_stream(l, sid) && l->nstreams == 1)
			sid = ~l->streams[0].id; /* an unknown id even with one class */
		const struct tj_tsdl_stream *st = tj_tsdl_layout_stream(l, sid);
		if (!st) {
			snprintf(sc->why, sizeof(sc->why), "names an unknown stream class (%llu) at offset %llu",
				 (unsigned long long)sid, (unsigned long long)off);
			break;
		}
		if (off == 0 && l->stream_id.present &&
		    tj_tsdl_read(&l->stream_instance_id, buf, (size_t)n, &sc->instance_id) == 0) {
			sc->have_ids = 1;
			sc->class_id = sid;
		}
		if ((uint64_t)n * 8 < st->end_bits) {
			snprintf(sc->why, sizeof(sc->why), "ends inside the header of the packet at offset %llu",
				 (unsigned long long)off);
			break;
		}
		int have_p = tj_tsdl_read(&st->packet_size, buf, (size_t)n, &psz) == 0;
		int have_c = tj_tsdl_read(&st->content_size, buf, (size_t)n, &csz) == 0;
		if (!have_p)
			psz = have_c ? csz : left * 8;
		if (!have_c)
			csz = psz;
		if (psz == 0 || psz % 8 || csz > psz || psz / 8 < (st->end_bits + 7) / 8) {
			snprintf(sc->why, sizeof(sc->why),
				 "holds an impossible packet size at offset %llu (packet %llu bits, content %llu bits)",
				 (unsigned long long)off, (unsigned long long)psz, (unsigned long long)csz);
			break;
		}
		if (psz / 8 > left && have_c && (csz + 7) / 8 <= left &&
		    psz / 8 - left <= TJ_SALVAGE_MAX_PADDING) {
			/* Only padding is missing: restore it, lose nothing. */
			snprintf(sc->why, sizeof(sc->why),
				 "ends in the padding of the packet at offset %llu (packet-size-bytes %llu, "
				 "%llu bytes left, content-size-bytes %llu)",
				 (unsigned long long)off, (unsigned long long)(psz / 8),
				 (unsigned long long)left, (unsigned long long)((csz + 7) / 8));
			sc->pad_to = off + psz / 8;
			sc->packets++;
			off = sc->size;
			break;
		}
		if (psz / 8 > left) {
			snprintf(sc->why, sizeof(sc->why),
				 "ends inside the packet at offset %llu (packet-size-bytes %llu, %llu bytes left)",
				 (unsigned long long)off, (unsigned long long)(psz / 8),
				 (unsigned long long)left);
			break;
		}
		off += psz / 8;
		sc->packets++;
	}
	sc->kept = off;
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

static int copy_prefix(const char *from, const char *to, uint64_t len)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		goto done;
	off_t ioff = 0;
	while ((uint64_t)ioff < len) {
		ssize_t k = copy_file_range(in, &ioff, out, NULL, (size_t)(len - (uint64_t)ioff), 0);
		if (k < 0 && errno == EINTR && !tj_signal_caught())
			continue;
		if (k <= 0) {
			/* No copy_file_range here (EXDEV, ENOSYS...): read and write. */
			char buf[65536];
			ssize_t r = pread(in, buf, sizeof(buf) < len - (uint64_t)ioff ? sizeof(buf)
							   : (size_t)(len - (uint64_t)ioff), ioff);
			if (r <= 0 || write(out, buf, (size_t)r) != r || tj_signal_caught())
				goto done;
			ioff += r;
		}
	}
	rc = 0;
done:
	if (out >= 0 && close(out) < 0)
		rc = -1;
	close(in);
	return rc;
}

static void view_release(struct view *v)
{
	for (size_t i = 0; i < 4; i++)
		tj_signals_forget_path(v->sig_slots[i]);
	tj_signals_forget_path(v->dir_slot);
	for (size_t i = 0; v->dir && i < v->made.n; i++) {
		char *p = join(v->dir, v->made.v[i]);
		if (p)
			unlink(p);
		free(p);
	}
	if (v->dir)
		rmdir(v->dir);
	free(v->dir);
	tj_strvec_release(&v->made);
	for (size_t i = 0; i < v->ntorn; i++)
		free(v->torn[i].name);
	free(v->torn);
	memset(v, 0, sizeof(*v));
}

/* Make the view of trace dir: links to every file but the torn ones. */
static int make_view(struct view *v, const char *dir, struct scan *scans, char **names, size_t n)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	char *abs = realpath(dir, NULL);
	int nslots = 0;
	snprintf(tmpl, sizeof(tmpl), "%s/tjconv-salvage-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!abs || !mkdtemp(tmpl)) {
		tj_error_append_errno(errno, "cannot make a salvage folder for '%s'", dir);
		free(abs);
		return TJ_EIO;
	}
	v->dir = strdup(tmpl);
	v->dir_slot = tj_signals_register_dir(tmpl);
	for (size_t i = 0; v->dir && i < n; i++) {
		char *to = join(v->dir, names[i]), *from = join(abs, names[i]);
		int rc = 0;
		if (!to || !from) {
			rc = -1;
		} else if (scans[i].kept < scans[i].size || scans[i].pad_to > scans[i].size) {
			if (scans[i].kept > 0) {
				rc = copy_prefix(from, to, scans[i].kept);
				if (rc == 0 && scans[i].pad_to > scans[i].kept)
					rc = truncate(to, (off_t)scans[i].pad_to);
				if (rc == 0 && nslots < 4)
					v->sig_slots[nslots++] = tj_signals_register_path(to);
				if (rc == 0 || errno != EEXIST)
					tj_strvec_push(&v->made, names[i]);
			}
		} else {
			rc = symlink(from, to);
			if (rc == 0)
				tj_strvec_push(&v->made, names[i]);
		}
		int e = errno;
		free(to);
		free(from);
		if (rc) {
			tj_error_append_errno(tj_signal_caught() ? EINTR : e,
					      "cannot make the salvage view of '%s' in '%s'", dir, v->dir);
			free(abs);
			return TJ_EIO;
		}
	}
	free(abs);
	return v->dir ? TJ_OK : TJ_ENOMEM;
}

static int salvage_trace(struct view *v, const char *dir, unsigned flags)
{
	struct tj_tsdl_layout l;
	struct tj_strvec names = {0};
	struct scan *scans = NULL;
	unsigned char *buf = NULL;
	char *mpath = join(dir, "metadata");
	int rc = TJ_OK, torn = 0;
	size_t need = 0;

	if (!mpath || tj_tsdl_layout_load(mpath, &l)) {
		free(mpath);
		return TJ_OK; /* a layout we cannot read: libbabeltrace2 decides */
	}
	need = (size_t)((l.header_bits + 7) / 8);
	for (size_t i = 0; i < l.nstreams; i++)
		if ((l.streams[i].end_bits + 7) / 8 > need)
			need = (size_t)((l.streams[i].end_bits + 7) / 8);
	if (need == 0 || need > TJ_SALVAGE_MAX_HEADER || tj_trace_files(dir, 1, &names))
		goto out;
	scans = calloc(names.n ? names.n : 1, sizeof(*scans));
	buf = malloc(need);
	if (!scans || !buf) {
		rc = TJ_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;
		char *p = join(dir, names.v[i]);
		int fd = p && strcmp(names.v[i], "metadata") ? open(p, O_RDONLY | O_CLOEXEC) : -1;
		if (fd >= 0 && fstat(fd, &st) == 0) {
			scans[i].size = (uint64_t)st.st_size;
			scan_file(&l, fd, &scans[i], buf, need);
		} else {
			scans[i].size = scans[i].kept = 0;
		}
		if (fd >= 0)
			close(fd);
		if (scans[i].pad_to > scans[i].size) {
			torn++;
			if (flags & TJ_SALVAGE_STRICT)
				tj_error_append("stream file '%s' (%llu bytes) %s: refusing it with --strict",
						p, (unsigned long long)scans[i].size, scans[i].why);
			else if (!(flags & TJ_SALVAGE_QUIET))
				tj_log(TJ_LOG_WARNING, NULL,
				       "stream file '%s' (%llu bytes) %s: every event is read, the padding "
				       "is restored", p, (unsigned long long)scans[i].size, scans[i].why);
		} else if (scans[i].kept < scans[i].size) {
			uint64_t dropped = scans[i].size - scans[i].kept;
			torn++;
			if (flags & TJ_SALVAGE_STRICT)
				tj_error_append("stream file '%s' (%llu bytes) %s: %llu bytes cannot be read "
						"(without --strict its %llu complete packets are)",
						p, (unsigned long long)scans[i].size, scans[i].why,
						(unsigned long long)dropped, (unsigned long long)scans[i].packets);
			else if (!(flags & TJ_SALVAGE_QUIET))
				tj_log(TJ_LOG_WARNING, NULL,
				       "stream file '%s' (%llu bytes) %s: reading its %llu complete packets "
				       "(%llu bytes), %llu bytes dropped",
				       p, (unsigned long long)scans[i].size, scans[i].why,
				       (unsigned long long)scans[i].packets, (unsigned long long)scans[i].kept,
				       (unsigned long long)dropped);
			struct torn_file *t = realloc(v->torn, (v->ntorn + 1) * sizeof(*t));
			if (t) {
				v->torn = t;
				t[v->ntorn].name = strdup(names.v[i]);
				t[v->ntorn].dropped = dropped;
				t[v->ntorn].have_ids = scans[i].have_ids;
				t[v->ntorn].class_id = scans[i].class_id;
				t[v->ntorn].instance_id = scans[i].instance_id;
				if (t[v->ntorn].name)
					v->ntorn++;
			}
		}
		free(p);
		if (torn && (flags & TJ_SALVAGE_STRICT)) {
			rc = TJ_EINVAL;
			goto out;
		}
	}
	if (torn)
		rc = make_view(v, dir, scans, names.v, names.n);
out:
	tj_tsdl_layout_release(&l);
	tj_strvec_release(&names);
	free(scans);
	free(buf);
	free(mpath);
	return rc;
}

int tj_salvage_prepare(struct tj_salvage **out, char *const *dirs, size_t n, unsigned flags)
{
	struct tj_salvage *s = calloc(1, sizeof(*s));
	int rc = TJ_OK, any = 0;
	*out = NULL;
	if (!s || !(s->views = calloc(n ? n : 1, sizeof(*s->views)))) {
		free(s);
		return TJ_ENOMEM;
	}
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		s->views[i].dir_slot = -1;
		for (int k = 0; k < 4; k++)
			s->views[i].sig_slots[k] = -1;
	}
	for (size_t i = 0; rc == TJ_OK && i < n; i++) {
		rc = salvage_trace(&s->views[i], dirs[i], flags);
		any |= s->views[i].dir != NULL;
	}
	if (rc || !any) {
		tj_salvage_free(s);
		return rc;
	}
	*out = s;
	return TJ_OK;
}

const char *tj_salvage_borrow_source(const struct tj_salvage *s, size_t ti, const char *dir)
{
	return s && ti < s->n && s->views[ti].dir ? s->views[ti].dir : dir;
}

char *tj_salvage_port_name(const struct tj_salvage *s, size_t ti, const char *port,
			   const char *trace_dir)
{
	const char *vd = s && ti < s->n ? s->views[ti].dir : NULL;
	const char *at = vd && port ? strstr(port, vd) : NULL;
	if (!at)
		return NULL;
	size_t pre = (size_t)(at - port), vn = strlen(vd), tn = strlen(trace_dir);
	size_t n = strlen(port) - vn + tn + 1;
	char *r = malloc(n);
	if (r)
		snprintf(r, n, "%.*s%s%s", (int)pre, port, trace_dir, at + vn);
	return r;
}

uint64_t tj_salvage_dropped(const struct tj_salvage *s, size_t ti, uint64_t class_id,
			    uint64_t instance_id, const char *stream_name)
{
	if (!s || ti >= s->n)
		return 0;
	const char *base = stream_name ? strrchr(stream_name, '/') : NULL;
	base = base ? base + 1 : stream_name;
	for (size_t i = 0; i < s->views[ti].ntorn; i++) {
		const struct torn_file *t = &s->views[ti].torn[i];
		if (t->have_ids ? t->class_id == class_id && t->instance_id == instance_id
				: base && strcmp(t->name, base) == 0)
			return t->dropped;
	}
	return 0;
}

void tj_salvage_free(struct tj_salvage *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		view_release(&s->views[i]);
	free(s->views);
	free(s);
}
