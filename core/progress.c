/*
 * The self-updating progress line (see progress.h).  The total is the size
 * of the stream files of every trace below the input (files beside a
 * "metadata" file, not the metadata itself).  How far the decoder is comes
 * from /proc/self/maps: libbabeltrace2's CTF source reads a stream file
 * through a window it mmaps and slides forward, so the furthest mapped
 * offset of each file is the part of it already read (babeltrace2 exposes
 * no byte position, and the packet context it delivers drops packet_size).
 * A window is counted up to its middle (the decoder is somewhere in it; the
 * windows are 8 MiB, so the estimate is good for the long runs that show the
 * line), and in full once the window that reached the end is unmapped.
 * Where /proc is missing the line shows events and events/s only.  The
 * clock is looked at every 4096 events, so the per-event cost is an
 * increment.
 */
#define _XOPEN_SOURCE 700 /* nftw, realpath */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define MAX_FILES 4096

struct stream_file {
	char *path;      /* resolved, as /proc/self/maps names it */
	uint64_t size, done;
	int at_end;      /* the last window seen reached the end of the file */
	int seen;        /* mapped in the current sample */
};

uint64_t tj_progress_events_;
static struct stream_file files[MAX_FILES];
static size_t nfiles;
static uint64_t total_bytes;
static int mode;              /* 0 off, 1 the line on stderr, 2 LAMI lines on stdout */
static int drawn;
static double t_start, t_last;
static double after = 1.0;    /* seconds of run before the line may appear */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int in_trace_dir(const char *path)
{
	char meta[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;
	if (!slash || (size_t)(slash - path) + 10 >= sizeof(meta))
		return 0;
	snprintf(meta, sizeof(meta), "%.*s/metadata", (int)(slash - path), path);
	return stat(meta, &st) == 0;
}

static int add_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode) || nfiles == MAX_FILES)
		return 0;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strcmp(base, "metadata") == 0 || base[0] == '.' || !in_trace_dir(path))
		return 0;
	char *real = realpath(path, NULL);
	if (!real)
		return 0;
	files[nfiles++] = (struct stream_file){.path = real, .size = (uint64_t)st->st_size};
	total_bytes += (uint64_t)st->st_size;
	return 0;
}

void tj_progress_start(int m, const char *input)
{
	mode = m < 0 ? isatty(STDERR_FILENO) : m;
	tj_progress_events_ = 0;
	drawn = 0;
	if (!mode)
		return;
	nftw(input, add_file, 16, FTW_PHYS);
	/* TJCONV_PROGRESS_AFTER: the delay before the first line (default 1 s);
	 * tests set 0 to see the line on a trace of any size */
	const char *env = getenv("TJCONV_PROGRESS_AFTER");
	char *end;
	double a = env ? strtod(env, &end) : 1.0;
	after = env && end != env && !*end && a >= 0 ? a : 1.0;
	t_start = now();
	t_last = t_start - 1.0; /* the first line needs no quarter second of wait */
}

/* Advance each file's furthest mapped offset; the bytes read so far. */
static uint64_t bytes_read(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4608];
	uint64_t sum = 0;
	if (!f)
		return 0;
	for (size_t i = 0; i < nfiles; i++)
		files[i].seen = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi, off;
		int path_at = 0;
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &lo, &hi, &off, &path_at) < 3 ||
		    !path_at || line[path_at] != '/')
			continue;
		line[strcspn(line, "\n")] = 0;
		for (size_t i = 0; i < nfiles; i++)
			if (strcmp(files[i].path, line + path_at) == 0) {
				uint64_t end = off + (hi - lo), mid = off + (hi - lo) / 2;
				files[i].seen = 1;
				files[i].at_end = end >= files[i].size;
				mid = mid > files[i].size ? files[i].size : mid;
				if (mid > files[i].done)
					files[i].done = mid;
				break;
			}
	}
	fclose(f);
	for (size_t i = 0; i < nfiles; i++) {
		if (!files[i].seen && files[i].at_end)
			files[i].done = files[i].size;
		sum += files[i].done;
	}
	return sum;
}

static void clock_text(double s, char *buf, size_t cap)
{
	unsigned long v = s > 0 ? (unsigned long)(s + 0.5) : 0;
	if (v >= 3600)
		snprintf(buf, cap, "%lu:%02lu:%02lu", v / 3600, v / 60 % 60, v % 60);
	else
		snprintf(buf, cap, "%lu:%02lu", v / 60, v % 60);
}

void tj_progress_event_slow(void)
{
	if (!mode)
		return;
	double t = now(), el = t - t_start;
	if ((mode == 1 && el < after) || t - t_last < 0.25)
		return;
	t_last = t;
	double rate = el > 0 ? (double)tj_progress_events_ / el : 0.0;
	uint64_t done = total_bytes ? bytes_read() : 0;
	char line[160], eta[32];
	if (mode == 2) {
		/* LAMI 1.x: "FRACTION MESSAGE" lines before the results object */
		printf("%.3f %llu events read\n", done ? (double)done / (double)total_bytes : 0.0,
		       (unsigned long long)tj_progress_events_);
		fflush(stdout);
		return;
	}
	if (done) {
		double share = (double)done / (double)total_bytes;
		clock_text(share > 0 ? el * (1.0 - share) / share : 0.0, eta, sizeof(eta));
		snprintf(line, sizeof(line),
			 "tjconv: %3.0f%% of %.1f MB read, %.2f M events/s, ETA %s", share * 100.0,
			 (double)total_bytes / 1e6, rate / 1e6, eta);
	} else {
		snprintf(line, sizeof(line), "tjconv: %llu events, %.2f M events/s",
			 (unsigned long long)tj_progress_events_, rate / 1e6);
	}
	/* carriage return and erase to the end of the line: rewritten in place */
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	drawn = 1;
}

void tj_progress_stop(void)
{
	if (drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	for (size_t i = 0; i < nfiles; i++)
		free(files[i].path);
	nfiles = 0;
	total_bytes = 0;
	drawn = 0;
	mode = 0;
}
