/*
 * `tjconv new-plugin NAME [--exporter] [--dir DIR]`: starts a third-party
 * plugin.  The templates are the SDK examples themselves (share/examples/
 * plugin-skeleton and exporter-skeleton, installed under DATADIR/examples and
 * copied next to the build's binary by make), so the example and what this
 * writes cannot drift: every file of the example is copied into DIR (default
 * ./NAME) with the example's plugin name ("fdbytes", "evcount") replaced by
 * NAME in its contents and file name.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "error.h"
#include "sbuf.h"
#include "strvec.h"

struct template {
	const char *dir;  /* under .../examples */
	const char *name; /* the example's plugin name, replaced by NAME */
};

static const struct template analyzer_tpl = {"plugin-skeleton", "fdbytes"};
static const struct template exporter_tpl = {"exporter-skeleton", "evcount"};

/* A plugin name: a C identifier in lowercase, since it names the .c file,
 * the functions and the --to/--enable argument. */
static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32 || !(*s == '_' || (*s >= 'a' && *s <= 'z')))
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The template folder: ../share/tjconv/examples/T next to the executable
 * (build tree and relocated installs), else the configured DATADIR. */
static int find_template(const struct template *t, char *out, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(out, cap, "%s/../share/tjconv/examples/%s", exe, t->dir) < cap &&
			    stat(out, &st) == 0 && S_ISDIR(st.st_mode))
				return TJ_OK;
		}
	}
	if ((size_t)snprintf(out, cap, "%s/examples/%s", TJ_DATADIR, t->dir) < cap &&
	    stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return TJ_OK;
	tj_error_append("no plugin template '%s' found next to tjconv or in '%s/examples'", t->dir,
			TJ_DATADIR);
	return TJ_ERROR;
}

static const char *sb_str(const struct tj_sbuf *sb)
{
	return sb->data ? sb->data : "";
}

/* s with every `from` replaced by `to`, appended to sb. */
static int replace_all(struct tj_sbuf *sb, const char *s, size_t len, const char *from,
		       const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to);
	const char *end = s + len;
	int rc = TJ_OK;

	while (rc == TJ_OK && s < end) {
		const char *hit = memmem(s, (size_t)(end - s), from, flen);
		size_t upto = hit ? (size_t)(hit - s) : (size_t)(end - s);
		rc = tj_sbuf_append(sb, s, upto);
		if (rc == TJ_OK && hit)
			rc = tj_sbuf_append(sb, to, tlen);
		s += upto + (hit ? flen : 0);
	}
	return rc;
}

static int read_file(const char *path, struct tj_sbuf *sb)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;
	int rc = TJ_OK;

	if (!f) {
		tj_error_append_errno(errno, "cannot open '%s'", path);
		return TJ_EIO;
	}
	while (rc == TJ_OK && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		rc = tj_sbuf_append(sb, buf, n);
	if (rc == TJ_OK && ferror(f)) {
		tj_error_append("cannot read '%s'", path);
		rc = TJ_EIO;
	}
	fclose(f);
	return rc;
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wx");
	if (!f) {
		tj_error_append_errno(errno, "cannot create '%s'", path);
		return TJ_EIO;
	}
	int bad = fwrite(data, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad) {
		tj_error_append("cannot write '%s'", path);
		return TJ_EIO;
	}
	return TJ_OK;
}

/* Copy one template file into dir, renamed. */
static int copy_one(const char *src_dir, const char *file, const char *dir,
		    const struct template *t, const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct tj_sbuf in = {0}, out = {0}, fname = {0};
	int rc;

	if ((size_t)snprintf(src, sizeof(src), "%s/%s", src_dir, file) >= sizeof(src)) {
		tj_error_append("path too long in '%s'", src_dir);
		return TJ_EINVAL;
	}
	rc = read_file(src, &in);
	if (rc == TJ_OK)
		rc = replace_all(&out, sb_str(&in), in.len, t->name, name);
	if (rc == TJ_OK)
		rc = replace_all(&fname, file, strlen(file), t->name, name);
	if (rc == TJ_OK &&
	    (size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, sb_str(&fname)) >= sizeof(dst)) {
		tj_error_append("path too long in '%s'", dir);
		rc = TJ_EINVAL;
	}
	if (rc == TJ_OK)
		rc = write_file(dst, sb_str(&out), out.len);
	if (rc == TJ_OK)
		printf("  %s\n", dst);
	tj_sbuf_release(&in);
	tj_sbuf_release(&out);
	tj_sbuf_release(&fname);
	if (rc == TJ_ENOMEM)
		tj_error_append("out of memory");
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int generate(const struct template *t, const char *name, const char *dir)
{
	char src[PATH_MAX];
	struct tj_strvec files = {0};
	struct dirent *de;
	DIR *d;
	int rc = find_template(t, src, sizeof(src));

	if (rc)
		return rc;
	if (!(d = opendir(src))) {
		tj_error_append_errno(errno, "cannot open '%s'", src);
		return TJ_EIO;
	}
	while (rc == TJ_OK && (de = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;
		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(p, sizeof(p), "%s/%s", src, de->d_name) >= sizeof(p) ||
		    stat(p, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (tj_strvec_push(&files, de->d_name))
			rc = TJ_ENOMEM;
	}
	closedir(d);
	if (rc == TJ_OK && files.n == 0) {
		tj_error_append("plugin template '%s' is empty", src);
		rc = TJ_ERROR;
	}
	if (rc == TJ_OK && mkdir(dir, 0777) != 0) {
		tj_error_append_errno(errno, "cannot create directory '%s'", dir);
		rc = TJ_EIO;
	}
	if (rc == TJ_OK) {
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
		printf("new %s '%s' from '%s':\n", t == &exporter_tpl ? "exporter" : "analyzer", name,
		       src);
	}
	for (size_t i = 0; rc == TJ_OK && i < files.n; i++)
		rc = copy_one(src, files.v[i], dir, t, name);
	if (rc == TJ_OK)
		printf("build it with 'make -C %s'; try it with "
		       "'tjconv --plugin-path %s %s%s%sTRACE_DIR'\n",
		       dir, dir, t == &exporter_tpl ? "--to " : "", t == &exporter_tpl ? name : "",
		       t == &exporter_tpl ? " " : "");
	tj_strvec_release(&files);
	if (rc == TJ_ENOMEM)
		tj_error_append("out of memory");
	return rc;
}

int tj_new_plugin_main(int argc, char **argv)
{
	const struct template *t = &analyzer_tpl;
	const char *name = NULL, *dir = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--exporter") == 0) {
			t = &exporter_tpl;
		} else if (strcmp(argv[i], "--dir") == 0) {
			if (++i >= argc) {
				tj_error_append("option '--dir' needs a value");
				goto usage;
			}
			dir = argv[i];
		} else if (strncmp(argv[i], "--dir=", 6) == 0) {
			dir = argv[i] + 6;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: tjconv new-plugin NAME [--exporter] [--dir DIR]\n"
			       "Write a plugin skeleton (an analyzer, or an exporter) into DIR\n"
			       "(default ./NAME), ready to 'make'.  See tjconv-plugin(7).\n");
			return 0;
		} else if (argv[i][0] == '-') {
			tj_error_append("unknown option '%s' for new-plugin", argv[i]);
			goto usage;
		} else if (name) {
			tj_error_append("unexpected argument '%s' after new-plugin %s", argv[i], name);
			goto usage;
		} else {
			name = argv[i];
		}
	}
	if (!name) {
		tj_error_append("new-plugin needs a NAME");
		goto usage;
	}
	if (!valid_name(name)) {
		tj_error_append("invalid plugin name '%s' (lowercase letters, digits and '_', "
				"not starting with a digit, at most 32)",
				name);
		goto usage;
	}
	rc = generate(t, name, dir ? dir : name);
	if (rc) {
		tj_error_print(stderr, "tjconv");
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
usage:
	tj_error_append("usage: tjconv new-plugin NAME [--exporter] [--dir DIR]");
	tj_error_print(stderr, "tjconv");
	return 2;
}
