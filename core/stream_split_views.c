/*
 * Writing the views of a stream-window plan (see stream_split.h): per
 * trace and worker, a folder of symbolic links to the metadata and the
 * stream files, and index/FILE.idx listing the worker's packets in LTTng's
 * index format (big-endian, version 1.1), all in one temporary folder
 * that tj_split_free (or the crash guard) removes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "signals.h"
#include "stream_split_impl.h"

#define INDEX_MAGIC 0xC1F1DCC1u
#define INDEX_ENTRY 72          /* bytes of a version 1.1 entry: 9 fields */

static unsigned char *put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static unsigned char *put_be32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

/* index/NAME.idx of a view: the link's packets.  ctf.fs only accepts an
 * index whose packet sizes add up to the file's size (it then reads the
 * packets listed, each by its own header's size), so the last entry's
 * size takes the rest; the times are left 0 (they only serve to sort the
 * packets of several files, and a view has one file per stream). */
static int write_index(const char *path, const struct tj_split_file *f, const struct tj_split_link *l)
{
	FILE *out = fopen(path, "wbe");
	unsigned char e[INDEX_ENTRY], *p = e;
	uint64_t sum = 0;
	uint32_t k = 0, n = 0;
	if (!out)
		return -1;
	p = put_be32(p, INDEX_MAGIC);
	p = put_be32(p, 1);
	p = put_be32(p, 1);
	p = put_be32(p, INDEX_ENTRY);
	fwrite(e, 1, (size_t)(p - e), out);
	for (uint32_t j = 0; j < f->nwin; j++)
		if (f->worker[j] == l->worker)
			n += f->first[j + 1] - f->first[j] + (j > 0);
	for (uint32_t j = 0; j < f->nwin; j++) {
		if (f->worker[j] != l->worker)
			continue;
		for (uint32_t q = f->first[j] - (j > 0); q < f->first[j + 1]; q++, k++) {
			const struct tj_split_packet *pk = &f->p[q];
			uint64_t size = pk->size;
			sum += size;
			if (k + 1 == n)
				size += f->fsize - sum;
			p = put_be64(e, pk->offset);
			p = put_be64(p, size * 8);
			p = put_be64(p, pk->content);
			p = put_be64(p, 0);
			p = put_be64(p, 0);
			p = put_be64(p, 0);
			p = put_be64(p, f->class_id);
			p = put_be64(p, f->instance_id);
			p = put_be64(p, q);
			fwrite(e, 1, (size_t)(p - e), out);
		}
	}
	int bad = ferror(out);
	return fclose(out) || bad ? -1 : 0;
}

static int made(struct tj_split *s, const char *path)
{
	return tj_strvec_push(&s->made, path) ? TJ_ENOMEM : TJ_OK;
}

const struct tj_split_file *tj_split_file_of(const struct tj_split *s, uint32_t up)
{
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].up == up)
			return &s->f[i];
	return NULL;
}

int tj_split_make_views(struct tj_split *s)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX], sub[64];
	snprintf(tmpl, sizeof(tmpl), "%s/tjconv-split-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl)) {
		tj_error_append_errno(errno, "cannot make a folder for the stream windows in '%s'",
				      tmp && *tmp ? tmp : "/tmp");
		return TJ_EIO;
	}
	s->top = strdup(tmpl);
	s->top_slot = tj_signals_register_dir(tmpl);
	if (!s->top)
		return TJ_ENOMEM;
	for (size_t v = 0; v < s->nviews; v++) {
		struct tj_split_vdir *vw = &s->views[v];
		snprintf(sub, sizeof(sub), "t%zu-w%u", vw->ti, (unsigned)vw->worker);
		vw->dir = tj_split_join(s->top, sub);
		char *meta = vw->dir ? tj_split_join(vw->dir, "metadata") : NULL;
		char *from = tj_split_join(vw->trace_dir, "metadata");
		char *idx = vw->dir ? tj_split_join(vw->dir, "index") : NULL;
		int rc = !meta || !from || !idx ? TJ_ENOMEM : TJ_OK;
		if (rc == TJ_OK && (mkdir(vw->dir, 0700) || made(s, vw->dir) ||
				    symlink(from, meta) || made(s, meta) || mkdir(idx, 0700) ||
				    made(s, idx)))
			rc = TJ_EIO;
		for (size_t i = 0; rc == TJ_OK && i < s->nlinks; i++) {
			const struct tj_split_link *l = &s->links[i];
			const struct tj_split_file *f = tj_split_file_of(s, l->up);
			if (l->view != v)
				continue;
			char *link = tj_split_join(vw->dir, f->name);
			size_t n = strlen(f->name) + 8;
			char *iname = malloc(n);
			char *ipath = NULL;
			if (iname) {
				snprintf(iname, n, "%s.idx", f->name);
				ipath = tj_split_join(idx, iname);
			}
			if (!link || !ipath)
				rc = TJ_ENOMEM;
			else if (symlink(f->path, link) || made(s, link) || write_index(ipath, f, l) ||
				 made(s, ipath))
				rc = TJ_EIO;
			free(link);
			free(iname);
			free(ipath);
		}
		int e = errno;
		free(meta);
		free(from);
		free(idx);
		if (rc == TJ_EIO)
			tj_error_append_errno(tj_signal_caught() ? EINTR : e,
					      "cannot write the stream windows of '%s' in '%s'",
					      vw->trace_dir, s->top);
		if (rc)
			return rc;
	}
	return TJ_OK;
}
