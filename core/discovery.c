/*
 * Trace discovery: a recursive walk below the input path collecting every
 * folder that holds a 'metadata' file, sorted.  It reproduces what
 * nftw(FTW_PHYS) gave the reader before, without nftw's need for a global
 * (its callback has no user pointer): trailing slashes of the top path are
 * dropped, symbolic links are never followed, unreadable folders are
 * skipped, and a trace's path is its parent path as the walk spelled it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discovery.h"
#include "error.h"

struct walk {
	struct tj_strvec *out;
	int err; /* errno of a failure that stops the walk */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "dir/name", or "/name" when dir is "/" (as nftw spells it). */
static char *join(const char *dir, size_t dlen, const char *name)
{
	size_t nlen = strlen(name);
	int slash = dlen == 0 || dir[dlen - 1] != '/';
	char *p = malloc(dlen + (size_t)slash + nlen + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dlen);
	if (slash)
		p[dlen] = '/';
	memcpy(p + dlen + (size_t)slash, name, nlen + 1);
	return p;
}

/* The entries of dir are read first and the stream closed before going
 * down, so the depth of the tree costs no file descriptors. */
static int walk_dir(struct walk *w, const char *dir)
{
	struct tj_strvec subdirs = {0};
	size_t dlen = strlen(dir);
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == EACCES)
			return 0; /* unreadable: skipped, like nftw's FTW_DNR */
		w->err = errno;
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p = join(dir, dlen, de->d_name);
		struct stat st;
		if (!p) {
			w->err = ENOMEM;
			rc = -1;
			break;
		}
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (tj_strvec_push(&subdirs, p)) {
					w->err = ENOMEM;
					rc = -1;
				}
			} else if (!S_ISLNK(st.st_mode) && strcmp(de->d_name, "metadata") == 0) {
				/* The trace is the parent, "" for "/metadata". */
				char *t = strndup(dir, dlen > 1 || dir[0] != '/' ? dlen : 0);
				if (!t || tj_strvec_push(w->out, t)) {
					w->err = ENOMEM;
					rc = -1;
				}
				free(t);
			}
		}
		free(p);
	}
	closedir(d);
	for (size_t i = 0; rc == 0 && i < subdirs.n; i++)
		rc = walk_dir(w, subdirs.v[i]);
	tj_strvec_release(&subdirs);
	return rc;
}

int tj_discover_traces(const char *path, struct tj_strvec *out)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		tj_error_append("cannot open trace '%s': %s", path, strerror(errno));
		return TJ_EIO;
	}
	if (!S_ISDIR(st.st_mode)) {
		tj_error_append("cannot open trace '%s': not a directory (give the folder that "
				"holds the 'metadata' file)", path);
		return TJ_EINVAL;
	}
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	char *top = strndup(path, len);
	struct walk w = {.out = out};
	int rc = top ? 0 : -1;
	if (!top)
		w.err = ENOMEM;
	/* A symbolic link given as the path is not followed either. */
	else if (lstat(top, &st) != 0) {
		w.err = errno;
		rc = -1;
	} else if (S_ISDIR(st.st_mode)) {
		rc = walk_dir(&w, top);
	}
	free(top);
	if (rc) {
		tj_error_append("cannot scan '%s': %s", path, strerror(w.err));
		return TJ_EIO;
	}
	if (out->n == 0) {
		tj_error_append("no CTF trace in '%s': no 'metadata' file found below it", path);
		return TJ_EINVAL;
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return TJ_OK;
}

int tj_trace_files(const char *dir, int with_metadata, struct tj_strvec *names)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct stat st;
		char path[PATH_MAX];
		if (de->d_name[0] == '.' || (!with_metadata && strcmp(de->d_name, "metadata") == 0))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			tj_strvec_push(names, de->d_name);
	}
	closedir(d);
	return 0;
}
