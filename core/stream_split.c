/*
 * Planning packet windows of big streams for --jobs (see stream_split.h
 * for why; stream_split_views.c writes the views): which stream file each
 * port reads, where its packets are, which streams to cut, and which
 * worker reads each window.  Packets are found by walking each stream file
 * with the sizes its packet headers claim (tsdl_layout.h), so traces
 * without an index/ folder are cut too.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discovery.h"
#include "error.h"
#include "log.h"
#include "signals.h"
#include "stream_split_impl.h"
#include "strvec.h"
#include "tsdl_layout.h"

#define WINDOW_BYTES (1u << 20) /* a window is about this much stream file */
#define MIN_WINDOW_PACKETS 8    /* so the primer costs at most 1/8 more decoding */

#define CTF_MAGIC 0xC1FC1FC1u

char *tj_split_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

int tj_split_port_ids(const char *port, uint64_t *class_id, uint64_t *instance_id)
{
	const char *b2 = port ? strrchr(port, '|') : NULL;
	if (!b2 || b2 == port)
		return -1;
	const char *b1 = b2 - 1;
	while (b1 > port && *b1 != '|')
		b1--;
	if (*b1 != '|')
		return -1;
	char *end;
	errno = 0;
	unsigned long long sc = strtoull(b1 + 1, &end, 10);
	while (*end == ' ')
		end++;
	if (errno || end != b2)
		return -1;
	unsigned long long id = strtoull(b2 + 1, &end, 10);
	if (errno || *end || !b2[1])
		return -1;
	*class_id = sc;
	*instance_id = id;
	return 0;
}

int tj_split_new(struct tj_split **out, uint32_t nworkers, uint32_t nups)
{
	struct tj_split *s = calloc(1, sizeof(*s));
	*out = NULL;
	if (!s || !(s->bytes = calloc(nups ? nups : 1, sizeof(*s->bytes)))) {
		free(s);
		return TJ_ENOMEM;
	}
	s->nw = nworkers;
	s->nups = s->nsegs = nups;
	s->top_slot = -1;
	*out = s;
	return TJ_OK;
}

/* The packets of one stream file; 0, or -1 when a header cannot be read
 * or does not hold together (the stream is then read whole). */
static int scan_file(const struct tj_tsdl_layout *l, struct tj_split_file *f)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char buf[4096];
	size_t cap = 0;
	int rc = -1;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		goto out;
	f->fsize = (uint64_t)st.st_size;
	for (uint64_t off = 0; off < f->fsize;) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);
		uint64_t v, sid, iid, psz, csz;
		if (n <= 0)
			goto out;
		if (l->magic.present && (tj_tsdl_read(&l->magic, buf, (size_t)n, &v) || v != CTF_MAGIC))
			goto out;
		sid = l->nstreams == 1 ? l->streams[0].id : 0;
		if (l->stream_id.present && tj_tsdl_read(&l->stream_id, buf, (size_t)n, &sid))
			goto out;
		const struct tj_tsdl_stream *sc = tj_tsdl_layout_stream(l, sid);
		iid = 0;
		if (!sc || (l->stream_instance_id.present &&
			    tj_tsdl_read(&l->stream_instance_id, buf, (size_t)n, &iid)) ||
		    tj_tsdl_read(&sc->packet_size, buf, (size_t)n, &psz))
			goto out;
		if (tj_tsdl_read(&sc->content_size, buf, (size_t)n, &csz))
			csz = psz;
		if (off == 0) {
			f->class_id = sid;
			f->instance_id = iid;
		} else if (sid != f->class_id || iid != f->instance_id) {
			goto out; /* not one stream: leave it to ctf.fs */
		}
		if (psz == 0 || psz % 8 || csz > psz || psz / 8 > f->fsize - off)
			goto out;
		if (f->np == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct tj_split_packet *np = realloc(f->p, nc * sizeof(*np));
			if (!np)
				goto out;
			f->p = np;
			cap = nc;
		}
		f->p[f->np++] = (struct tj_split_packet){.offset = off, .size = psz / 8, .content = csz};
		off += psz / 8;
	}
	rc = f->np ? 0 : -1;
out:
	close(fd);
	return rc;
}

static void sfile_release(struct tj_split_file *f)
{
	free(f->path);
	free(f->name);
	free(f->p);
	free(f->first);
	free(f->worker);
	free(f->seg);
	memset(f, 0, sizeof(*f));
}

int tj_split_add_trace(struct tj_split *s, size_t ti, const char *dir, const char *const *ports,
		       uint32_t nports, uint32_t first_up)
{
	struct tj_tsdl_layout l;
	struct tj_strvec names = {0};
	char *mpath = tj_split_join(dir, "metadata");
	char *real = realpath(dir, NULL);
	struct tj_split_file *files = NULL;
	size_t nfiles = 0;
	int rc = TJ_OK;

	if (!mpath || !real) {
		rc = mpath ? TJ_OK : TJ_ENOMEM; /* a folder realpath refuses is read whole */
		goto out_nolayout;
	}
	if (tj_tsdl_layout_load(mpath, &l))
		goto out_nolayout;
	/* Without instance ids ctf.fs numbers streams in the order it lists
	 * the files, which a view does not keep: only a trace of one stream
	 * (numbered 0 either way) is cut then. */
	if (tj_trace_files(real, 0, &names) || (!l.stream_instance_id.present && (names.n != 1 || nports != 1)))
		goto out;
	files = calloc(names.n ? names.n : 1, sizeof(*files));
	if (!files) {
		rc = TJ_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < names.n; i++) {
		struct tj_split_file *f = &files[nfiles];
		f->ti = ti;
		f->path = tj_split_join(real, names.v[i]);
		f->name = strdup(names.v[i]);
		if (!f->path || !f->name) {
			sfile_release(f);
			rc = TJ_ENOMEM;
			goto out;
		}
		if (scan_file(&l, f))
			sfile_release(f);
		else
			nfiles++;
	}
	for (uint32_t j = 0; j < nports; j++) {
		uint64_t sc, id;
		struct tj_split_file *match = NULL;
		int nmatch = 0;
		if (!l.stream_instance_id.present && nfiles == 1) {
			sc = files[0].class_id;
			id = files[0].instance_id;
		} else if (tj_split_port_ids(ports[j], &sc, &id)) {
			continue;
		}
		for (size_t i = 0; i < nfiles; i++)
			if (files[i].path && files[i].class_id == sc && files[i].instance_id == id) {
				match = &files[i];
				nmatch++;
			}
		if (nmatch != 1)
			continue; /* several files (rotated), or none readable: whole */
		s->bytes[first_up + j] = match->fsize;
		struct tj_split_file *v = realloc(s->f, (s->nf + 1) * sizeof(*v));
		if (!v) {
			rc = TJ_ENOMEM;
			goto out;
		}
		s->f = v;
		s->f[s->nf] = *match;
		s->f[s->nf].up = first_up + j;
		memset(match, 0, sizeof(*match));
		s->nf++;
	}
	if (ti >= s->ntrace_dirs) {
		char **td = realloc(s->trace_dirs, (ti + 1) * sizeof(*td));
		if (!td) {
			rc = TJ_ENOMEM;
			goto out;
		}
		for (size_t i = s->ntrace_dirs; i <= ti; i++)
			td[i] = NULL;
		s->trace_dirs = td;
		s->ntrace_dirs = ti + 1;
	}
	s->trace_dirs[ti] = real;
	real = NULL;
out:
	tj_tsdl_layout_release(&l);
out_nolayout:
	for (size_t i = 0; files && i < names.n; i++)
		sfile_release(&files[i]);
	free(files);
	tj_strvec_release(&names);
	free(mpath);
	free(real);
	return rc;
}

/* Packets per window: TJCONV_SPLIT_PACKETS (0: never split) or about
 * WINDOW_BYTES of file. */
static uint32_t window_packets(const struct tj_split_file *f, int *forced)
{
	const char *env = getenv("TJCONV_SPLIT_PACKETS");
	*forced = 0;
	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);
		if (!*end) {
			*forced = 1;
			return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		}
	}
	uint64_t avg = f->fsize / f->np;
	uint64_t n = avg ? (WINDOW_BYTES + avg - 1) / avg : MIN_WINDOW_PACKETS;
	return n < MIN_WINDOW_PACKETS ? MIN_WINDOW_PACKETS : n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static int push_link(struct tj_split *s, const struct tj_split_file *f, uint32_t w)
{
	/* Its view: one per trace and worker. */
	size_t v = 0;
	while (v < s->nviews && !(s->views[v].ti == f->ti && s->views[v].worker == w))
		v++;
	if (v == s->nviews) {
		struct tj_split_vdir *nv = realloc(s->views, (s->nviews + 1) * sizeof(*nv));
		if (!nv)
			return TJ_ENOMEM;
		s->views = nv;
		s->views[s->nviews++] = (struct tj_split_vdir){.ti = f->ti, .worker = w,
						      .trace_dir = s->trace_dirs[f->ti]};
	}
	/* Its packets: each of its windows, led by the packet before. */
	uint32_t n = 0;
	for (uint32_t j = 0; j < f->nwin; j++)
		if (f->worker[j] == w)
			n += f->first[j + 1] - f->first[j] + (j > 0);
	struct tj_split_link *nl = realloc(s->links, (s->nlinks + 1) * sizeof(*nl));
	if (!nl)
		return TJ_ENOMEM;
	s->links = nl;
	struct tj_split_link *l = &s->links[s->nlinks];
	memset(l, 0, sizeof(*l));
	l->route.seg_of = malloc(n * sizeof(*l->route.seg_of));
	if (!l->route.seg_of)
		return TJ_ENOMEM;
	s->nlinks++;
	l->up = f->up;
	l->worker = w;
	l->view = v;
	l->class_id = f->class_id;
	l->instance_id = f->instance_id;
	l->route.end_seg = f->worker[f->nwin - 1] == w ? (int32_t)f->seg[f->nwin - 1] : -1;
	for (uint32_t j = 0; j < f->nwin; j++) {
		if (f->worker[j] != w)
			continue;
		if (j > 0)
			l->route.seg_of[l->route.npackets++] = -1;
		for (uint32_t p = f->first[j]; p < f->first[j + 1]; p++)
			l->route.seg_of[l->route.npackets++] = (int32_t)f->seg[j];
	}
	return TJ_OK;
}

int tj_split_decide(struct tj_split *s, uint32_t *nsplit)
{
	uint64_t total = 0;
	uint32_t rr = 0;
	*nsplit = 0;
	for (uint32_t u = 0; u < s->nups; u++)
		total += s->bytes[u];
	if (s->nw < 2 || !total)
		return TJ_OK;
	for (size_t i = 0; i < s->nf; i++) {
		struct tj_split_file *f = &s->f[i];
		int forced;
		uint32_t wp = window_packets(f, &forced);
		/* Cut a stream bigger than 1.5 times a worker's fair share. */
		if (!wp || (!forced && f->fsize * 2 * s->nw <= total * 3))
			continue;
		uint32_t k = (f->np + wp - 1) / wp;
		if (k < 2)
			continue;
		f->first = malloc((k + 1) * sizeof(*f->first));
		f->worker = malloc(k * sizeof(*f->worker));
		f->seg = malloc(k * sizeof(*f->seg));
		if (!f->first || !f->worker || !f->seg)
			return TJ_ENOMEM;
		f->nwin = k;
		for (uint32_t j = 0; j <= k; j++)
			f->first[j] = (uint32_t)((uint64_t)j * f->np / k);
		for (uint32_t j = 0; j < k; j++) {
			f->worker[j] = (rr + j) % s->nw;
			f->seg[j] = j ? s->nsegs++ : f->up;
		}
		tj_log(TJ_LOG_DEBUG, NULL, "stream file '%s' read in %u windows of %u packets by %u workers",
		       f->path, (unsigned)k, (unsigned)((f->np + k - 1) / k),
		       (unsigned)(k < s->nw ? k : s->nw));
		rr = (rr + 1) % s->nw;
		(*nsplit)++;
	}
	/* Segment chains, by upstream: -1 ends one. */
	int32_t *next = realloc(s->next, (s->nsegs ? s->nsegs : 1) * sizeof(*next));
	if (!next)
		return TJ_ENOMEM;
	s->next = next;
	for (uint32_t g = 0; g < s->nsegs; g++)
		next[g] = -1;
	for (size_t i = 0; i < s->nf; i++)
		for (uint32_t j = 0; j + 1 < s->f[i].nwin; j++)
			next[s->f[i].seg[j]] = (int32_t)s->f[i].seg[j + 1];
	for (size_t i = 0; i < s->nf; i++)
		for (uint32_t w = 0; s->f[i].nwin && w < s->nw; w++) {
			int has = 0;
			for (uint32_t j = 0; j < s->f[i].nwin; j++)
				has |= s->f[i].worker[j] == w;
			if (has && push_link(s, &s->f[i], w))
				return TJ_ENOMEM;
		}
	return TJ_OK;
}

int tj_split_is_split(const struct tj_split *s, uint32_t up)
{
	const struct tj_split_file *f = s ? tj_split_file_of(s, up) : NULL;
	return f && f->nwin > 0;
}

size_t tj_split_nviews(const struct tj_split *s)
{
	return s ? s->nviews : 0;
}

const char *tj_split_view(const struct tj_split *s, size_t v, size_t *ti, uint32_t *worker)
{
	*ti = s->views[v].ti;
	*worker = s->views[v].worker;
	return s->views[v].dir;
}

size_t tj_split_nlinks(const struct tj_split *s)
{
	return s ? s->nlinks : 0;
}

const struct tj_split_link *tj_split_borrow_link(const struct tj_split *s, size_t i)
{
	return &s->links[i];
}

uint32_t tj_split_nsegments(const struct tj_split *s)
{
	return s->nsegs;
}

const int32_t *tj_split_borrow_next(const struct tj_split *s)
{
	return s->next;
}

void tj_split_free(struct tj_split *s)
{
	if (!s)
		return;
	tj_signals_forget_path(s->top_slot);
	/* Links and files before their folders: in reverse order of making. */
	for (size_t i = s->made.n; i-- > 0;)
		if (unlink(s->made.v[i]) && errno == EISDIR)
			rmdir(s->made.v[i]);
	if (s->top)
		rmdir(s->top);
	free(s->top);
	for (size_t i = 0; i < s->nf; i++)
		sfile_release(&s->f[i]);
	free(s->f);
	for (size_t i = 0; i < s->nlinks; i++)
		free(s->links[i].route.seg_of);
	free(s->links);
	for (size_t v = 0; v < s->nviews; v++)
		free(s->views[v].dir);
	free(s->views);
	for (size_t i = 0; i < s->ntrace_dirs; i++)
		free(s->trace_dirs[i]);
	free(s->trace_dirs);
	free(s->next);
	free(s->bytes);
	tj_strvec_release(&s->made);
	free(s);
}
