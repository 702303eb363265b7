/*
 * Scheduling statistics of the "stats" exporter: wakeup latency (the
 * first sched_waking, else sched_wakeup, to the sched_switch that runs the
 * thread) per thread and overall with the N longest, and CPU time per
 * thread and per CPU between the first and last event of the window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static void set_comm(struct sthread *t, const char *comm)
{
	if (comm && *comm)
		snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

/* Where the window starts: a CPU's first interval runs from there. */
static int64_t win_begin(const struct stats *s)
{
	if (s->info && s->info->begin_ts != TJ_TS_NONE)
		return s->info->begin_ts;
	if (s->info && s->info->first_ts != TJ_TS_NONE)
		return s->info->first_ts;
	return s->first_ts;
}

/* Time a CPU spent on its current thread up to ts. */
static void account(struct stats *s, struct cpu_state *cs, int64_t ts)
{
	int64_t since = cs->since != TJ_TS_NONE ? cs->since : win_begin(s);
	if (cs->cur_tid < 0 || ts <= since)
		return;
	if (cs->cur_tid > 0) {
		struct sthread *t = thread_get(s, cs->cur_tid);
		if (t)
			t->cpu_time += ts - since;
		cs->busy += ts - since;
	}
}

int sched_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	const struct tj_host *h = s->h;
	int64_t tid;
	if (ev->ts == TJ_TS_NONE)
		return TJ_OK;
	if (c->kind == K_WAKING || c->kind == K_WAKEUP) {
		if (c->f_tid < 0 || !h->field_int(ev, c->f_tid, &tid) || tid <= 0)
			return TJ_OK;
		struct sthread *t = thread_get(s, (int32_t)tid);
		if (!t)
			return TJ_ENOMEM;
		if (c->f_comm >= 0)
			set_comm(t, h->field_str(ev, c->f_comm));
		/* sched_waking comes first when both are traced: keep the earliest */
		if (t->wake_ts == TJ_TS_NONE)
			t->wake_ts = ev->ts;
		return TJ_OK;
	}
	int64_t prev = -1, next = -1;
	struct cpu_state *cs = cpu_get(s, ev->cpu);
	if (c->f_next_tid < 0 || !h->field_int(ev, c->f_next_tid, &next))
		return TJ_OK;
	if (c->f_prev_tid < 0 || !h->field_int(ev, c->f_prev_tid, &prev))
		prev = ev->tid;
	if (!cs)
		return TJ_ENOMEM;
	/* The switched-out thread ran since the last switch, or since the
	 * window began when this is the CPU's first switch. */
	cs->cur_tid = (int32_t)prev;
	account(s, cs, ev->ts);
	cs->cur_tid = (int32_t)next;
	cs->since = ev->ts;
	if (prev > 0) {
		struct sthread *p = thread_get(s, (int32_t)prev);
		if (!p)
			return TJ_ENOMEM;
		if (ev->tid == prev) {
			if (ev->pid >= 0)
				p->pid = ev->pid;
			set_comm(p, ev->comm);
		}
	}
	if (next <= 0)
		return TJ_OK;
	struct sthread *t = thread_get(s, (int32_t)next);
	if (!t)
		return TJ_ENOMEM;
	if (c->f_next_comm >= 0)
		set_comm(t, h->field_str(ev, c->f_next_comm));
	if (t->wake_ts != TJ_TS_NONE) {
		int64_t lat = ev->ts - t->wake_ts;
		t->wake_ts = TJ_TS_NONE;
		if (lat < 0)
			return TJ_OK;
		acc_add(&t->wake, lat);
		acc_add(&s->wake_all, lat);
		if (top_wants(&s->wake_top, lat)) {
			struct top_item it = {.dur = lat, .ts = ev->ts - lat, .tid = t->tid,
					      .pid = t->pid, .cpu = ev->cpu};
			snprintf(it.comm, sizeof(it.comm), "%s", t->comm);
			top_add(&s->wake_top, &it);
		}
	}
	return TJ_OK;
}

static int by_tid(const void *a, const void *b)
{
	const struct sthread *x = *(const struct sthread *const *)a;
	const struct sthread *y = *(const struct sthread *const *)b;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int by_wake_count(const void *a, const void *b)
{
	const struct sthread *x = *(const struct sthread *const *)a;
	const struct sthread *y = *(const struct sthread *const *)b;
	if (x->wake.count != y->wake.count)
		return x->wake.count < y->wake.count ? 1 : -1;
	return by_tid(a, b);
}

static int by_cpu_time(const void *a, const void *b)
{
	const struct sthread *x = *(const struct sthread *const *)a;
	const struct sthread *y = *(const struct sthread *const *)b;
	if (x->cpu_time != y->cpu_time)
		return x->cpu_time < y->cpu_time ? 1 : -1;
	return by_tid(a, b);
}

static void stat_cells(struct table *t, const struct acc *a)
{
	cell_int(t, (int64_t)a->count);
	cell_dur(t, a->min);
	cell_durf(t, acc_avg(a));
	cell_dur(t, a->max);
	cell_durf(t, acc_stdev(a));
}

int sched_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap)
{
	int64_t b, e;
	stats_window(s, &b, &e);
	/* close the intervals still running at the end */
	for (uint32_t i = 0; i < s->ncpus; i++)
		if (s->last_ts != TJ_TS_NONE) {
			account(s, &s->cpus[i], s->last_ts);
			s->cpus[i].since = s->last_ts;
		}
	size_t nt = s->threads.n, k = 0;
	struct sthread **v = calloc(nt ? nt : 1, sizeof(*v));
	void *p;
	if (!v)
		return -1;
	for (size_t it = 0; (p = tj_map_next(&s->threads, &it, NULL)) && k < nt;)
		v[k++] = p;
	int rc = -1;
	struct table *t = table_new(table_class_named("sched-wakeup-total"), b, e);
	if (table_push(out, n, cap, t) || table_row(t))
		goto out;
	stat_cells(t, &s->wake_all);

	t = table_new(table_class_named("sched-wakeup-per-tid"), b, e);
	if (table_push(out, n, cap, t))
		goto out;
	qsort(v, k, sizeof(*v), by_wake_count);
	for (size_t i = 0; i < k && v[i]->wake.count; i++) {
		if (table_row(t))
			goto out;
		cell_proc(t, v[i]->comm, v[i]->pid, v[i]->tid);
		stat_cells(t, &v[i]->wake);
	}

	t = table_new(table_class_named("sched-wakeup-top"), b, e);
	if (table_push(out, n, cap, t))
		goto out;
	top_sort(&s->wake_top);
	for (uint32_t i = 0; i < s->wake_top.n; i++) {
		const struct top_item *it = &s->wake_top.v[i];
		if (table_row(t))
			goto out;
		cell_ts(t, it->ts);
		cell_ts(t, it->ts + it->dur);
		cell_dur(t, it->dur);
		cell_proc(t, it->comm, it->pid, it->tid);
		cell_cpu(t, it->cpu);
	}

	double span = e > b ? (double)(e - b) : 0.0;
	t = table_new(table_class_named("cpu-usage-per-tid"), b, e);
	if (table_push(out, n, cap, t))
		goto out;
	qsort(v, k, sizeof(*v), by_cpu_time);
	for (size_t i = 0; i < k && v[i]->cpu_time; i++) {
		if (table_row(t))
			goto out;
		cell_proc(t, v[i]->comm, v[i]->pid, v[i]->tid);
		cell_dur(t, v[i]->cpu_time);
		cell_ratio(t, span > 0 ? (double)v[i]->cpu_time / span : 0.0);
	}

	t = table_new(table_class_named("cpu-usage-per-cpu"), b, e);
	if (table_push(out, n, cap, t))
		goto out;
	for (uint32_t i = 0; i < s->ncpus; i++) {
		if (s->cpus[i].cur_tid == -2)
			continue;
		if (table_row(t))
			goto out;
		cell_cpu(t, i);
		cell_dur(t, s->cpus[i].busy);
		cell_ratio(t, span > 0 ? (double)s->cpus[i].busy / span : 0.0);
	}
	rc = 0;
out:
	free(v);
	return rc;
}
