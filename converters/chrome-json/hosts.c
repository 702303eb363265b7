/*
 * Several hosts in one document (live sessions of a fleet, a relay's
 * output folder): each host gets its own process group.  Thread and process
 * ids of host k > 0 (hosts ranked by name) are moved up by k * 2^22, above
 * any Linux pid (pid_max is at most 2^22), so that pid 1234 of two hosts
 * are two processes; each process is named after its host.  A single-host
 * trace keeps its ids as they are.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cj.h"

#define CJ_HOST_STRIDE (INT32_C(1) << 22)
/* Hosts past this rank keep their ids: 200 * 2^22 stays below the
 * synthetic track ids (TID_STATE_BASE + tid < TID_IDLE_BASE). */
#define CJ_MAX_HOST_RANK 200

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cj_hosts_init(struct cj *c, const struct tj_trace_info *info)
{
	uint32_t n = info->ntraces;
	const char **names = calloc(n ? n : 1, sizeof(*names));
	c->host_rank = calloc(n ? n : 1, sizeof(*c->host_rank));
	c->host_names = calloc(n ? n : 1, sizeof(*c->host_names));
	if (!names || !c->host_rank || !c->host_names) {
		free(names);
		return TJ_ENOMEM;
	}
	c->nhost_traces = n;
	uint32_t k = 0;
	const char *base = (const char *)info->traces;
	size_t stride = n ? info->traces[0].size : 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct tj_trace_desc *t = (const void *)(base + i * stride);
		if (t->hostname)
			names[k++] = t->hostname;
	}
	qsort(names, k, sizeof(*names), by_name);
	uint32_t distinct = 0;
	for (uint32_t i = 0; i < k; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			names[distinct++] = names[i];
	c->multi_host = distinct > 1;
	for (uint32_t i = 0; c->multi_host && i < n; i++) {
		const struct tj_trace_desc *t = (const void *)(base + i * stride);
		for (uint32_t j = 0; t->hostname && j < distinct; j++)
			if (strcmp(names[j], t->hostname) == 0)
				c->host_rank[i] = j;
		if (t->hostname && !(c->host_names[i] = strdup(t->hostname))) {
			free(names);
			return TJ_ENOMEM;
		}
	}
	free(names);
	return TJ_OK;
}

int cj_hosts_place(struct cj *c, const struct tj_event *ev, struct tj_record *r)
{
	uint32_t t = ev->cls ? ev->cls->trace_index : 0;
	if (!c->multi_host || t >= c->nhost_traces || ev->pid < 0 ||
	    c->host_rank[t] >= CJ_MAX_HOST_RANK)
		return TJ_OK;
	int32_t off = (int32_t)c->host_rank[t] * CJ_HOST_STRIDE;
	if (ev->pid >= CJ_HOST_STRIDE || ev->tid >= CJ_HOST_STRIDE)
		return TJ_OK;
	r->pid = ev->pid + off;
	if (r->tid >= 0)
		r->tid = ev->tid + off;
	const char *host = c->host_names[t] ? c->host_names[t] : "?";
	char name[256];
	if (ev->comm && *ev->comm && ev->tid == ev->pid)
		snprintf(name, sizeof(name), "%s (%s)", ev->comm, host);
	else
		snprintf(name, sizeof(name), "pid %d (%s)", (int)ev->pid, host);
	struct tj_record n = *r;
	n.kind = TJ_REC_PROCESS_NAME;
	n.name = name;
	return cj_process_name(c, &n);
}

/* A record of host k's trace: the same move as its events', so a thread's
 * syscalls and states sit with its events; its process name gets the host.
 * name is the caller's buffer for that name (cap bytes). */
void cj_hosts_place_record(struct cj *c, struct tj_record *r, char *name, size_t cap)
{
	uint32_t t = r->trace - 1;
	if (!c->multi_host || !r->trace || t >= c->nhost_traces || c->host_rank[t] >= CJ_MAX_HOST_RANK ||
	    r->pid >= CJ_HOST_STRIDE || r->tid >= CJ_HOST_STRIDE)
		return;
	/* per-CPU, global and connection tracks are not a process's */
	if (r->kind != TJ_REC_PROCESS_NAME && r->kind != TJ_REC_THREAD_NAME &&
	    r->track != TJ_TRACK_THREAD && r->track != TJ_TRACK_THREAD_STATE)
		return;
	int32_t off = (int32_t)c->host_rank[t] * CJ_HOST_STRIDE;
	if (r->pid >= 0)
		r->pid += off;
	if (r->tid >= 0)
		r->tid += off;
	if (r->kind == TJ_REC_PROCESS_NAME && r->name && c->host_names[t]) {
		snprintf(name, cap, "%s (%s)", r->name, c->host_names[t]);
		r->name = name;
	}
}

void cj_hosts_release(struct cj *c)
{
	for (uint32_t i = 0; c->host_names && i < c->nhost_traces; i++)
		free(c->host_names[i]);
	free(c->host_names);
	free(c->host_rank);
	c->host_names = NULL;
	c->host_rank = NULL;
}
