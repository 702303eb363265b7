/*
 * --jobs auto: the number of decoding threads for a trace (the rule is in
 * jobs_auto.h).
 */
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobs_auto.h"

uint32_t tj_jobs_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	/* taskset, cgroups' cpusets, containers: the mask is what we get */
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		long c = CPU_COUNT(&set);
		if (c > 0 && (n < 1 || c < n))
			n = c;
	}
	return n < 1 ? 1 : (uint32_t)n;
}

uint64_t tj_jobs_stream_bytes(const char *dir, uint64_t *metadata)
{
	DIR *d = opendir(dir);
	uint64_t total = 0;
	struct dirent *de;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (strcmp(de->d_name, "metadata") == 0)
			*metadata += (uint64_t)st.st_size;
		else
			total += (uint64_t)st.st_size;
	}
	closedir(d);
	return total;
}

uint32_t tj_jobs_auto(uint32_t nstreams, uint64_t bytes, uint64_t metadata, char *why,
		      size_t cap)
{
	uint32_t cores = tj_jobs_cores();
	uint32_t jobs = cores > 2 ? cores - 1 : 2;
	const char *one = NULL;
	if (cores < 2)
		one = "1 core";
	else if (nstreams < 2 && bytes < TJ_JOBS_AUTO_SPLIT_BYTES)
		one = "1 stream";
	else if (bytes < TJ_JOBS_AUTO_MIN_BYTES)
		one = "under 1 MiB of streams";
	if (one) {
		snprintf(why, cap, "auto: %s", one);
		return 1;
	}
	if (bytes < TJ_JOBS_AUTO_FIXED_BYTES || bytes < TJ_JOBS_AUTO_PER_METADATA * metadata) {
		snprintf(why, cap, "auto: %llu MiB of streams for %llu KiB of metadata",
			 (unsigned long long)(bytes >> 20), (unsigned long long)(metadata >> 10));
		return 1;
	}
	if (nstreams < 2) {
		/* one big stream: a worker decodes it (in packet windows,
		 * stream_split.c) while the main thread analyzes */
		snprintf(why, cap, "auto: 1 stream of %llu MiB, %u cores",
			 (unsigned long long)(bytes >> 20), (unsigned)cores);
		return 2;
	}
	if (jobs > nstreams)
		jobs = nstreams;
	if (jobs > TJ_JOBS_AUTO_MAX)
		jobs = TJ_JOBS_AUTO_MAX;
	snprintf(why, cap, "auto: %u streams, %u cores", (unsigned)nstreams, (unsigned)cores);
	return jobs;
}
