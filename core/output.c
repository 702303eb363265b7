/*
 * The output sink exporters write to: stdout, or a file written under a
 * temporary name in its own directory (mkstemp at open time) and renamed into
 * place on commit, optionally gzip-compressed with zlib.  Writes are gathered
 * in a large buffer; the first failed write (ENOSPC, EPIPE...) is reported
 * once and every later call fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "output.h"
#include "signals.h"

#define TJ_OUTPUT_BUF_SIZE (1u << 20)  /* bytes gathered before a write(2)/deflate */
/* An exporter that buffers itself hands over blocks at least this big:
 * they go straight out instead of being copied into buf first. */
#define TJ_OUTPUT_DIRECT_MIN (1u << 16)
#define TJ_OUTPUT_ZBUF_SIZE (1u << 18) /* compressed bytes per write(2) */
#define TJ_OUTPUT_GZIP_LEVEL 6         /* gzip's default */
#define TJ_OUTPUT_STDOUT_NAME "<stdout>"

struct tj_output {
	char *name;       /* what the user asked for, or "<stdout>" */
	char *final_path; /* rename target (symlinks resolved); NULL: no rename */
	char *tmp_path;   /* temporary file; NULL for stdout and devices */
	int fd;
	int is_stdout;
	int gzip;
	int zs_ready;     /* deflateInit2 succeeded, deflateEnd pending */
	int quiet;        /* aborting: do not report failures */
	int err;          /* errno of the first failure, 0 if none */
	int sig_slot;     /* tj_signals_register_path slot of tmp_path, or -1 */
	z_stream zs;
	unsigned char *buf;
	size_t len;
	unsigned char *zbuf;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* The process umask, read without changing it when /proc allows. */
static mode_t current_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned int mask;
	mode_t m;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "Umask: %o", &mask) == 1) {
				fclose(f);
				return (mode_t)mask;
			}
		}
		fclose(f);
	}
	m = umask(022);
	umask(m);
	return m;
}

/* Record a failure (once) and append its cause unless aborting. */
static int fail(struct tj_output *out, int e, const char *what)
{
	char ebuf[128];

	if (!out->err)
		out->err = e ? e : EIO;
	if (!out->quiet)
		tj_error_append("cannot %s '%s': %s", what, out->name,
				tj_strerror(out->err, ebuf, sizeof(ebuf)));
	return TJ_EIO;
}

static int write_all(struct tj_output *out, const unsigned char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(out->fd, p, n > (size_t)SSIZE_MAX ? (size_t)SSIZE_MAX : n);
		if (k < 0) {
			if (errno == EINTR && !tj_signal_caught())
				continue;
			return fail(out, errno, "write");
		}
		if (k == 0)
			return fail(out, EIO, "write");
		p += k;
		n -= (size_t)k;
	}
	return TJ_OK;
}

/* Compress n bytes (flush = Z_NO_FLUSH) or finish the stream (Z_FINISH). */
static int deflate_feed(struct tj_output *out, const unsigned char *p, size_t n, int flush)
{
	int zret, ret;

	do {
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
		int mode = chunk == n ? flush : Z_NO_FLUSH;

		out->zs.next_in = (Bytef *)p;
		out->zs.avail_in = chunk;
		do {
			out->zs.next_out = out->zbuf;
			out->zs.avail_out = TJ_OUTPUT_ZBUF_SIZE;
			zret = deflate(&out->zs, mode);
			if (zret == Z_STREAM_ERROR)
				return fail(out, EIO, "compress");
			ret = write_all(out, out->zbuf, TJ_OUTPUT_ZBUF_SIZE - out->zs.avail_out);
			if (ret)
				return ret;
		} while (out->zs.avail_out == 0 || (mode == Z_FINISH && zret != Z_STREAM_END));
		p += chunk;
		n -= chunk;
	} while (n > 0);
	return TJ_OK;
}

static int emit_bytes(struct tj_output *out, const unsigned char *p, size_t n)
{
	if (out->gzip)
		return deflate_feed(out, p, n, Z_NO_FLUSH);
	return write_all(out, p, n);
}

static int flush_buf(struct tj_output *out)
{
	int ret;

	if (out->len == 0)
		return TJ_OK;
	ret = emit_bytes(out, out->buf, out->len);
	out->len = 0;
	return ret;
}

/* Flush everything and end the gzip stream. */
static int finish(struct tj_output *out)
{
	int ret;

	if (out->err)
		return TJ_EIO;
	ret = flush_buf(out);
	if (ret == TJ_OK && out->gzip)
		ret = deflate_feed(out, NULL, 0, Z_FINISH);
	return ret;
}

static void destroy(struct tj_output *out)
{
	if (out->zs_ready)
		deflateEnd(&out->zs);
	if (!out->is_stdout && out->fd >= 0)
		close(out->fd);
	if (out->tmp_path)
		unlink(out->tmp_path);
	tj_signals_forget_path(out->sig_slot);
	free(out->name);
	free(out->final_path);
	free(out->tmp_path);
	free(out->buf);
	free(out->zbuf);
	free(out);
}

/* Where the file really goes: a symlink is followed so that it keeps
 * pointing at the new file; a dangling one is replaced. */
static char *resolve_target(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (real)
			return real;
	}
	return strdup(path);
}

static int open_file(struct tj_output *out, const char *path)
{
	char ebuf[128];
	struct stat st;
	size_t n;
	int e;

	if (*path == '\0') {
		tj_error_append("cannot create '': %s", tj_strerror(ENOENT, ebuf, sizeof(ebuf)));
		return TJ_EIO;
	}
	out->final_path = resolve_target(path);
	if (!out->final_path)
		return TJ_ENOMEM;
	if (stat(out->final_path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			tj_error_append("cannot create '%s': %s", path,
					tj_strerror(EISDIR, ebuf, sizeof(ebuf)));
			return TJ_EIO;
		}
		if (!S_ISREG(st.st_mode)) {
			/* /dev/null, a FIFO, a terminal: write to it in place. */
			free(out->final_path);
			out->final_path = NULL;
			out->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
			if (out->fd < 0) {
				tj_error_append_errno(errno, "cannot open '%s'", path);
				return TJ_EIO;
			}
			return TJ_OK;
		}
	}
	n = strlen(out->final_path) + sizeof(".tmp-XXXXXX");
	out->tmp_path = malloc(n);
	if (!out->tmp_path)
		return TJ_ENOMEM;
	snprintf(out->tmp_path, n, "%s.tmp-XXXXXX", out->final_path);
	out->fd = mkstemp(out->tmp_path);
	if (out->fd < 0) {
		e = errno;
		free(out->tmp_path);
		out->tmp_path = NULL;
		tj_error_append_errno(e, "cannot create '%s'", path);
		return TJ_EIO;
	}
	out->sig_slot = tj_signals_register_path(out->tmp_path);
	/* mkstemp makes 0600; give the file the mode open(2) would have. */
	if (fchmod(out->fd, 0666 & ~current_umask()) < 0 ||
	    fcntl(out->fd, F_SETFD, FD_CLOEXEC) < 0) {
		tj_error_append_errno(errno, "cannot create '%s'", path);
		return TJ_EIO;
	}
	return TJ_OK;
}

int tj_output_open(struct tj_output **outp, const char *path, int compress)
{
	struct tj_output *out;
	int ret;

	*outp = NULL;
	out = calloc(1, sizeof(*out));
	if (!out) {
		tj_error_append("out of memory");
		return TJ_ENOMEM;
	}
	out->fd = -1;
	out->sig_slot = -1;
	out->is_stdout = !path || strcmp(path, "-") == 0;
	out->name = strdup(out->is_stdout ? TJ_OUTPUT_STDOUT_NAME : path);
	out->buf = malloc(TJ_OUTPUT_BUF_SIZE);
	if (!out->name || !out->buf) {
		ret = TJ_ENOMEM;
		goto fail;
	}
	if (compress == TJ_OUTPUT_COMPRESS_AUTO)
		out->gzip = !out->is_stdout && ends_with(path, ".gz");
	else
		out->gzip = compress == TJ_OUTPUT_COMPRESS_GZIP;

	if (out->is_stdout) {
		fflush(stdout); /* keep anything printed through stdio first */
		out->fd = STDOUT_FILENO;
	} else {
		ret = open_file(out, path);
		if (ret)
			goto fail;
	}
	if (out->gzip) {
		out->zbuf = malloc(TJ_OUTPUT_ZBUF_SIZE);
		if (!out->zbuf) {
			ret = TJ_ENOMEM;
			goto fail;
		}
		/* windowBits 15 + 16: a gzip header and trailer, not raw zlib. */
		if (deflateInit2(&out->zs, TJ_OUTPUT_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			ret = TJ_ENOMEM;
			goto fail;
		}
		out->zs_ready = 1;
	}
	*outp = out;
	return TJ_OK;

fail:
	if (ret == TJ_ENOMEM)
		tj_error_append("out of memory");
	destroy(out);
	return ret;
}

int tj_output_write(struct tj_output *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	int ret;

	if (out->err)
		return TJ_EIO;
	if (len == 0)
		return TJ_OK;
	if (len >= TJ_OUTPUT_DIRECT_MIN) {
		ret = flush_buf(out);
		return ret ? ret : emit_bytes(out, p, len);
	}
	if (len <= TJ_OUTPUT_BUF_SIZE - out->len) {
		memcpy(out->buf + out->len, p, len);
		out->len += len;
		return TJ_OK;
	}
	ret = flush_buf(out);
	if (ret)
		return ret;
	if (len >= TJ_OUTPUT_BUF_SIZE)
		return emit_bytes(out, p, len);
	memcpy(out->buf, p, len);
	out->len = len;
	return TJ_OK;
}

int tj_output_flush(struct tj_output *out)
{
	if (out->err)
		return TJ_EIO;
	return out->len ? flush_buf(out) : TJ_OK;
}

int tj_output_commit(struct tj_output *out)
{
	char ebuf[128];
	int ret, fd;

	ret = finish(out);
	if (ret) {
		/* A failed write was reported when it happened; make sure the
		 * chain says why even if the caller dropped it. */
		if (!tj_error_has())
			tj_error_append("cannot write '%s': %s", out->name,
					tj_strerror(out->err, ebuf, sizeof(ebuf)));
		destroy(out);
		return ret;
	}
	if (out->is_stdout) {
		destroy(out);
		return TJ_OK;
	}
	fd = out->fd;
	out->fd = -1;
	if (close(fd) < 0 && errno != EINTR) {
		ret = fail(out, errno, "write");
		destroy(out);
		return ret;
	}
	if (out->tmp_path) {
		/* Checked last: an interrupted run must not put its file in place. */
		if (tj_signal_caught()) {
			destroy(out);
			return TJ_ERROR;
		}
		tj_signals_forget_path(out->sig_slot);
		out->sig_slot = -1;
		if (rename(out->tmp_path, out->final_path) < 0) {
			tj_error_append("cannot rename '%s' to '%s': %s", out->tmp_path,
					out->final_path, tj_strerror(errno, ebuf, sizeof(ebuf)));
			destroy(out); /* unlinks the temporary file */
			return TJ_EIO;
		}
		free(out->tmp_path);
		out->tmp_path = NULL;
	}
	destroy(out);
	return TJ_OK;
}

void tj_output_abort(struct tj_output *out)
{
	if (!out)
		return;
	out->quiet = 1;
	if (out->is_stdout)
		finish(out); /* show what was produced before the failure */
	destroy(out);
}

const char *tj_output_borrow_name(const struct tj_output *out)
{
	return out->name;
}
