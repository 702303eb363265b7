/*
 * Unit tests for core/output.c: plain and gzip files read back (gzip through
 * zlib's gzopen/gzread), the temporary file and what commit/abort leave in
 * the directory, atomic replacement of an existing file, the final mode,
 * unwritable destinations, write failures (ENOSPC through /dev/full, EFBIG
 * through RLIMIT_FSIZE), FIFOs written in place, stdout and symlinks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "error.h"
#include "output.h"

struct fixture {
	char dir[256];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/tj-output-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	tj_error_clear();
	*state = fx;
	return 0;
}

/* Remove the directory; its entries are plain files or one level of dirs. */
static void remove_tree(const char *dir)
{
	char path[512];
	struct dirent *de;
	struct stat st;
	DIR *d;

	chmod(dir, 0700);
	d = opendir(dir);
	if (d) {
		while ((de = readdir(d))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(path);
			else
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	remove_tree(fx->dir);
	free(fx);
	tj_error_clear();
	return 0;
}

static void path_in(const struct fixture *fx, const char *name, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", fx->dir, name);
}

/* Names in the fixture directory, sorted, joined with "|". */
static void list_dir(const struct fixture *fx, char *buf, size_t cap)
{
	struct dirent **names;
	int n, i;
	size_t used = 0;

	buf[0] = '\0';
	n = scandir(fx->dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0 &&
		    used < cap)
			used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? "|" : "",
						 names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char *gunzip_all(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int k;

	assert_non_null(gz);
	assert_non_null(buf);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		k = gzread(gz, buf + n, (unsigned)(cap - n));
		assert_true(k >= 0);
		if (k == 0)
			break;
		n += (size_t)k;
	}
	assert_int_equal(gzclose(gz), Z_OK);
	*len = n;
	return buf;
}

/* Deterministic test data: text lines, so gzip has something to chew on. */
static char *make_data(size_t len)
{
	char *d = malloc(len);
	size_t i;
	uint32_t x = 12345;

	assert_non_null(d);
	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		d[i] = (i % 61 == 60) ? '\n' : (char)('a' + (x >> 16) % 26);
	}
	return d;
}

/* Write data in a mix of tiny, medium and larger-than-buffer pieces. */
static void write_pieces(struct tj_output *out, const char *data, size_t len)
{
	static const size_t sizes[] = { 1, 7, 0, 4096, 100000, 3u << 20, 13, 65536 };
	size_t off = 0, i = 0, n;

	while (off < len) {
		n = sizes[i++ % (sizeof(sizes) / sizeof(sizes[0]))];
		if (n > len - off)
			n = len - off;
		assert_int_equal(tj_output_write(out, data + off, n), TJ_OK);
		off += n;
	}
}

static void test_plain_file(void **state)
{
	struct fixture *fx = *state;
	struct tj_output *out;
	size_t len = (5u << 20) + 12345, got;
	char path[512], names[512];
	char *data = make_data(len), *back;

	path_in(fx, "out.txt", path, sizeof(path));
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	assert_string_equal(tj_output_borrow_name(out), path);
	write_pieces(out, data, len);
	/* Still under its temporary name, next to the destination. */
	list_dir(fx, names, sizeof(names));
	assert_int_equal(strncmp(names, "out.txt.", 8), 0);
	assert_null(strchr(names, '|'));
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "out.txt");
	back = read_all(path, &got);
	assert_non_null(back);
	assert_int_equal(got, len);
	assert_memory_equal(back, data, len);
	assert_false(tj_error_has());
	free(back);
	free(data);
}

static void test_gzip_auto(void **state)
{
	struct fixture *fx = *state;
	struct tj_output *out;
	size_t len = (3u << 20) + 777, got, rawlen;
	char path[512], names[512];
	char *data = make_data(len), *back, *raw;

	path_in(fx, "out.txt.gz", path, sizeof(path));
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	write_pieces(out, data, len);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "out.txt.gz");
	raw = read_all(path, &rawlen);
	assert_non_null(raw);
	assert_true(rawlen > 18 && rawlen < len); /* compressed */
	assert_int_equal((unsigned char)raw[0], 0x1f);
	assert_int_equal((unsigned char)raw[1], 0x8b);
	back = gunzip_all(path, &got);
	assert_int_equal(got, len);
	assert_memory_equal(back, data, len);
	free(raw);
	free(back);
	free(data);
}

static void test_gzip_forced_and_refused(void **state)
{
	struct fixture *fx = *state;
	struct tj_output *out;
	char path[512];
	char *back;
	size_t got;
	static const char text[] = "hello, gzip\n";

	/* Asked for gzip without the suffix. */
	path_in(fx, "forced.txt", path, sizeof(path));
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_GZIP), TJ_OK);
	assert_int_equal(tj_output_write(out, text, strlen(text)), TJ_OK);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	back = read_all(path, &got);
	assert_int_equal((unsigned char)back[0], 0x1f);
	free(back);
	back = gunzip_all(path, &got);
	assert_int_equal(got, strlen(text));
	assert_memory_equal(back, text, got);
	free(back);

	/* Not compressed although the name ends in .gz. */
	path_in(fx, "plain.gz", path, sizeof(path));
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_NONE), TJ_OK);
	assert_int_equal(tj_output_write(out, text, strlen(text)), TJ_OK);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	back = read_all(path, &got);
	assert_int_equal(got, strlen(text));
	assert_memory_equal(back, text, got);
	free(back);

	/* An empty gzip file is still a valid gzip stream. */
	path_in(fx, "empty.gz", path, sizeof(path));
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	back = gunzip_all(path, &got);
	assert_int_equal(got, 0);
	free(back);
}

static void test_abort_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	struct tj_output *out;
	char path[512], names[512];
	char *data = make_data(3u << 20);

	path_in(fx, "gone.txt", path, sizeof(path));
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	write_pieces(out, data, 3u << 20);
	list_dir(fx, names, sizeof(names));
	assert_string_not_equal(names, "");
	tj_output_abort(out);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "");

	path_in(fx, "gone.txt.gz", path, sizeof(path));
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	write_pieces(out, data, 3u << 20);
	tj_output_abort(out);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "");
	assert_false(tj_error_has());
	tj_output_abort(NULL);
	free(data);
}

static void test_commit_replaces_atomically(void **state)
{
	struct fixture *fx = *state;
	struct tj_output *out;
	char path[512], names[512], buf[64];
	struct stat before, after;
	char *back;
	size_t got;
	FILE *f;
	int oldfd;

	path_in(fx, "result.txt", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old contents\n", f);
	fclose(f);
	assert_int_equal(stat(path, &before), 0);
	oldfd = open(path, O_RDONLY);
	assert_true(oldfd >= 0);

	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	assert_int_equal(tj_output_write(out, "new contents\n", 13), TJ_OK);
	/* Until commit the old file is untouched. */
	back = read_all(path, &got);
	assert_string_equal(back, "old contents\n");
	free(back);
	assert_int_equal(tj_output_commit(out), TJ_OK);

	back = read_all(path, &got);
	assert_string_equal(back, "new contents\n");
	free(back);
	assert_int_equal(stat(path, &after), 0);
	/* Replaced by rename: a new inode; readers of the old one see it whole. */
	assert_true(before.st_ino != after.st_ino);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(pread(oldfd, buf, sizeof(buf) - 1, 0), 13);
	assert_string_equal(buf, "old contents\n");
	close(oldfd);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "result.txt");

	/* An aborted run keeps the previous file. */
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	assert_int_equal(tj_output_write(out, "partial", 7), TJ_OK);
	tj_output_abort(out);
	back = read_all(path, &got);
	assert_string_equal(back, "new contents\n");
	free(back);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "result.txt");
}

static void check_mode(const struct fixture *fx, mode_t mask, mode_t want)
{
	struct tj_output *out;
	struct stat st;
	char path[512];
	mode_t old = umask(mask);

	path_in(fx, "mode.txt", path, sizeof(path));
	unlink(path);
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	assert_int_equal(tj_output_write(out, "x", 1), TJ_OK);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, want);
}

static void test_mode_follows_umask(void **state)
{
	struct fixture *fx = *state;

	check_mode(fx, 022, 0644);
	check_mode(fx, 027, 0640);
	check_mode(fx, 0, 0666);
	check_mode(fx, 077, 0600);
}

static void expect_open_error(const char *path, const char *want)
{
	struct tj_output *out = (struct tj_output *)&out;
	char msg[1024];

	tj_error_clear();
	assert_true(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO) < 0);
	assert_null(out);
	assert_true(tj_error_has());
	tj_error_format(msg, sizeof(msg));
	assert_string_equal(msg, want);
	tj_error_clear();
}

static void test_unwritable(void **state)
{
	struct fixture *fx = *state;
	char dir[512], path[600], want[700], names[512];
	int fd;

	path_in(fx, "locked", dir, sizeof(dir));
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0500), 0);
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	/* Root ignores the mode bits: find out whether this process does. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		close(fd);
		unlink(path);
		/* Root: a missing directory, /proc and /sys refuse instead. */
		snprintf(path, sizeof(path), "%s/missing/out.txt", fx->dir);
		snprintf(want, sizeof(want), "cannot create '%s': No such file or directory",
			 path);
		expect_open_error(path, want);
		assert_true(geteuid() == 0);
		tj_error_clear();
		{
			struct tj_output *out;

			assert_true(tj_output_open(&out, "/proc/tjconv-test-out.txt",
						   TJ_OUTPUT_COMPRESS_AUTO) < 0);
			tj_error_format(want, sizeof(want));
			assert_int_equal(strncmp(want, "cannot create '/proc/tjconv-test-out.txt': ",
						 43), 0);
			tj_error_clear();
			/* The read-only-directory case for root: sysfs refuses new
			 * files to root too (EACCES; EROFS where /sys is mounted
			 * read-only, as in containers). */
			assert_true(tj_output_open(&out, "/sys/tjconv-test-out.txt",
						   TJ_OUTPUT_COMPRESS_AUTO) < 0);
			tj_error_format(want, sizeof(want));
			if (strcmp(want, "cannot create '/sys/tjconv-test-out.txt': Permission denied") != 0)
				assert_string_equal(want, "cannot create '/sys/tjconv-test-out.txt': "
							  "Read-only file system");
			tj_error_clear();
		}
	} else {
		assert_int_equal(errno, EACCES);
		snprintf(want, sizeof(want), "cannot create '%s': Permission denied", path);
		expect_open_error(path, want);
		snprintf(path, sizeof(path), "%s/missing/out.txt", fx->dir);
		snprintf(want, sizeof(want), "cannot create '%s': No such file or directory",
			 path);
		expect_open_error(path, want);
	}
	expect_open_error("", "cannot create '': No such file or directory");
	/* A directory is not a file. */
	snprintf(want, sizeof(want), "cannot create '%s': Is a directory", fx->dir);
	expect_open_error(fx->dir, want);
	/* Nothing was left behind anywhere. */
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "locked");
}

/*
 * A FIFO (like /dev/null or a terminal) is written in place, never replaced
 * by a rename.  Checked on a FIFO of our own before any test goes near a
 * real device, so a regression cannot clobber /dev/full when run as root.
 */
static void check_written_in_place(const struct fixture *fx)
{
	struct tj_output *out;
	char path[512], names[512], buf[32];
	struct stat st;
	int rfd;

	path_in(fx, "fifo", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0600), 0);
	rfd = open(path, O_RDONLY | O_NONBLOCK); /* a reader, so opening to write won't block */
	assert_true(rfd >= 0);
	assert_int_equal(tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "fifo");
	assert_int_equal(tj_output_write(out, "through the pipe", 16), TJ_OK);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(read(rfd, buf, sizeof(buf) - 1), 16);
	assert_string_equal(buf, "through the pipe");
	close(rfd);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "fifo");
	unlink(path);
}

static void test_device_written_in_place(void **state)
{
	check_written_in_place(*state);
}

static void test_enospc(void **state)
{
	struct tj_output *out;
	struct stat st;
	char msg[512];
	char *data = make_data(3u << 20);

	check_written_in_place(*state);
	if (stat("/dev/full", &st) != 0 || !S_ISCHR(st.st_mode) || access("/dev/full", W_OK) != 0)
		fail_msg("a writable /dev/full character device is needed to test ENOSPC");
	/* Small writes are buffered: the failure surfaces at commit. */
	assert_int_equal(tj_output_open(&out, "/dev/full", TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	assert_int_equal(tj_output_write(out, "abc", 3), TJ_OK);
	assert_int_equal(tj_output_commit(out), TJ_EIO);
	tj_error_format(msg, sizeof(msg));
	assert_string_equal(msg, "cannot write '/dev/full': No space left on device");
	tj_error_clear();

	/* A big write fails at once, is reported once, and later writes fail too. */
	assert_int_equal(tj_output_open(&out, "/dev/full", TJ_OUTPUT_COMPRESS_GZIP), TJ_OK);
	assert_int_equal(tj_output_write(out, data, 3u << 20), TJ_EIO);
	assert_int_equal(tj_output_write(out, "x", 1), TJ_EIO);
	tj_error_format(msg, sizeof(msg));
	assert_string_equal(msg, "cannot write '/dev/full': No space left on device");
	assert_int_equal(tj_output_commit(out), TJ_EIO);
	tj_error_format(msg, sizeof(msg));
	assert_string_equal(msg, "cannot write '/dev/full': No space left on device");
	tj_error_clear();

	/* Commit still reports it if the caller dropped the first error. */
	assert_int_equal(tj_output_open(&out, "/dev/full", TJ_OUTPUT_COMPRESS_NONE), TJ_OK);
	assert_int_equal(tj_output_write(out, data, 3u << 20), TJ_EIO);
	tj_error_clear();
	assert_int_equal(tj_output_commit(out), TJ_EIO);
	tj_error_format(msg, sizeof(msg));
	assert_string_equal(msg, "cannot write '/dev/full': No space left on device");
	tj_error_clear();

	/* Abort is quiet. */
	assert_int_equal(tj_output_open(&out, "/dev/full", TJ_OUTPUT_COMPRESS_NONE), TJ_OK);
	assert_int_equal(tj_output_write(out, "abc", 3), TJ_OK);
	tj_output_abort(out);
	assert_false(tj_error_has());
	assert_int_equal(stat("/dev/full", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	free(data);
}

/* A file that cannot grow (RLIMIT_FSIZE: EFBIG) fails at write, and the
 * failed commit removes the temporary file. */
static void test_write_failure_cleans_up(void **state)
{
	struct fixture *fx = *state;
	struct tj_output *out = NULL;
	struct rlimit old, small;
	char path[512], names[512], msg[1024], want[700];
	char *data = make_data(3u << 20);
	void (*oldsig)(int);
	int ret;

	path_in(fx, "big.txt", path, sizeof(path));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 1u << 20;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	ret = tj_output_open(&out, path, TJ_OUTPUT_COMPRESS_AUTO);
	if (ret == TJ_OK) {
		(void)tj_output_write(out, data, 1u << 19);
		ret = tj_output_write(out, data, 3u << 20);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	assert_int_equal(ret, TJ_EIO);
	snprintf(want, sizeof(want), "cannot write '%s': File too large", path);
	tj_error_format(msg, sizeof(msg));
	assert_string_equal(msg, want);
	assert_int_equal(tj_output_commit(out), TJ_EIO);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "");
	free(data);
}

/* Run fn with stdout redirected to a file; return what it printed. */
static char *capture_stdout(const struct fixture *fx, void (*fn)(void), size_t *len)
{
	char path[512];
	int saved, fd;
	char *s;

	path_in(fx, "stdout.capture", path, sizeof(path));
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	fn();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	s = read_all(path, len);
	unlink(path);
	return s;
}

static int stdout_rc;

static void stdout_plain(void)
{
	struct tj_output *out;

	printf("before ");
	stdout_rc = tj_output_open(&out, NULL, TJ_OUTPUT_COMPRESS_AUTO);
	if (stdout_rc)
		return;
	if (strcmp(tj_output_borrow_name(out), "<stdout>") != 0)
		stdout_rc = -100;
	tj_output_write(out, "to stdout\n", 10);
	stdout_rc |= tj_output_commit(out);
}

static void stdout_dash_abort(void)
{
	struct tj_output *out;

	stdout_rc = tj_output_open(&out, "-", TJ_OUTPUT_COMPRESS_AUTO);
	if (stdout_rc)
		return;
	tj_output_write(out, "partial\n", 8);
	tj_output_abort(out); /* stdout: flushed, not lost */
}

static void stdout_gzip(void)
{
	struct tj_output *out;

	stdout_rc = tj_output_open(&out, "-", TJ_OUTPUT_COMPRESS_GZIP);
	if (stdout_rc)
		return;
	tj_output_write(out, "zipped\n", 7);
	stdout_rc = tj_output_commit(out);
}

static void test_stdout(void **state)
{
	struct fixture *fx = *state;
	char path[512], names[512];
	size_t len;
	char *s;
	FILE *f;

	s = capture_stdout(fx, stdout_plain, &len);
	assert_int_equal(stdout_rc, 0);
	assert_string_equal(s, "before to stdout\n");
	free(s);
	s = capture_stdout(fx, stdout_dash_abort, &len);
	assert_int_equal(stdout_rc, 0);
	assert_string_equal(s, "partial\n");
	free(s);
	s = capture_stdout(fx, stdout_gzip, &len);
	assert_int_equal(stdout_rc, 0);
	path_in(fx, "stdout.gz", path, sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	fclose(f);
	free(s);
	s = gunzip_all(path, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(s, "zipped\n", 7);
	free(s);
	unlink(path);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "");
}

static void test_symlink_kept(void **state)
{
	struct fixture *fx = *state;
	struct tj_output *out;
	char target[512], link[512], names[512], *back;
	struct stat st;
	size_t got;
	FILE *f;

	path_in(fx, "real.txt", target, sizeof(target));
	path_in(fx, "link.txt", link, sizeof(link));
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(symlink("real.txt", link), 0);
	assert_int_equal(tj_output_open(&out, link, TJ_OUTPUT_COMPRESS_AUTO), TJ_OK);
	assert_string_equal(tj_output_borrow_name(out), link);
	assert_int_equal(tj_output_write(out, "new\n", 4), TJ_OK);
	assert_int_equal(tj_output_commit(out), TJ_OK);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	back = read_all(target, &got);
	assert_string_equal(back, "new\n");
	free(back);
	list_dir(fx, names, sizeof(names));
	assert_string_equal(names, "link.txt|real.txt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gzip_auto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gzip_forced_and_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_replaces_atomically, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_follows_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_written_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_cleans_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_kept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
