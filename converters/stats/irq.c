/*
 * Interrupt statistics of the "stats" exporter: hard IRQ handler durations
 * per IRQ number (entry to exit on the same CPU), softirq durations per
 * vector, and softirq raise latency (the first raise of a vector on a CPU
 * to the entry that serves it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static const char *const vec_names[SOFTIRQ_VECS] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
};

static struct irq_stat *hard_get(struct stats *s, int64_t nr)
{
	struct irq_stat *st = tj_map_get(&s->hard, nr);
	if (st)
		return st;
	if (!(st = calloc(1, sizeof(*st))))
		return NULL;
	st->nr = nr;
	if (tj_map_put(&s->hard, nr, st)) {
		free(st);
		return NULL;
	}
	return st;
}

int irq_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	const struct tj_host *h = s->h;
	struct cpu_state *cs = cpu_get(s, ev->cpu);
	int64_t nr = -1;
	if (!cs || ev->ts == TJ_TS_NONE)
		return cs || ev->cpu < 0 ? TJ_OK : TJ_ENOMEM;
	if (c->kind == K_IRQ_ENTRY || c->kind == K_IRQ_EXIT) {
		if (c->f_irq < 0 || !h->field_int(ev, c->f_irq, &nr))
			return TJ_OK;
		if (c->kind == K_IRQ_ENTRY) {
			struct irq_stat *st = hard_get(s, nr);
			const char *name = c->f_name >= 0 ? h->field_str(ev, c->f_name) : NULL;
			if (!st)
				return TJ_ENOMEM;
			if (name && *name)
				snprintf(st->name, sizeof(st->name), "%s", name);
			cs->irq_ts = ev->ts;
			cs->irq_nr = nr;
			return TJ_OK;
		}
		if (cs->irq_ts != TJ_TS_NONE && cs->irq_nr == nr) {
			struct irq_stat *st = hard_get(s, nr);
			if (!st)
				return TJ_ENOMEM;
			acc_add(&st->acc, ev->ts - cs->irq_ts);
		}
		cs->irq_ts = TJ_TS_NONE;
		return TJ_OK;
	}
	if (c->f_vec < 0 || !h->field_int(ev, c->f_vec, &nr) || nr < 0 || nr >= SOFTIRQ_VECS)
		return TJ_OK;
	switch (c->kind) {
	case K_SOFT_RAISE:
		if (cs->raise_ts[nr] == TJ_TS_NONE)
			cs->raise_ts[nr] = ev->ts;
		break;
	case K_SOFT_ENTRY:
		if (cs->raise_ts[nr] != TJ_TS_NONE)
			acc_add(&s->raise[nr], ev->ts - cs->raise_ts[nr]);
		cs->raise_ts[nr] = TJ_TS_NONE;
		cs->soft_ts[nr] = ev->ts;
		break;
	default:
		if (cs->soft_ts[nr] != TJ_TS_NONE)
			acc_add(&s->soft[nr], ev->ts - cs->soft_ts[nr]);
		cs->soft_ts[nr] = TJ_TS_NONE;
		break;
	}
	return TJ_OK;
}

static int by_nr(const void *a, const void *b)
{
	const struct irq_stat *x = *(const struct irq_stat *const *)a;
	const struct irq_stat *y = *(const struct irq_stat *const *)b;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static void stat_cells(struct table *t, const struct acc *a)
{
	cell_int(t, (int64_t)a->count);
	if (!a->count) {
		for (int i = 0; i < 4; i++)
			cell_empty(t);
		return;
	}
	cell_dur(t, a->min);
	cell_durf(t, acc_avg(a));
	cell_dur(t, a->max);
	cell_durf(t, acc_stdev(a));
}

int irq_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap)
{
	int64_t b, e;
	stats_window(s, &b, &e);
	struct table *t = table_new(table_class_named("irq-hard-stats"), b, e);
	size_t nh = s->hard.n, k = 0;
	void *p;
	if (table_push(out, n, cap, t))
		return -1;
	struct irq_stat **v = calloc(nh ? nh : 1, sizeof(*v));
	if (!v)
		return -1;
	for (size_t it = 0; (p = tj_map_next(&s->hard, &it, NULL)) && k < nh;)
		v[k++] = p;
	qsort(v, k, sizeof(*v), by_nr);
	for (size_t i = 0; i < k; i++) {
		if (!v[i]->acc.count)
			continue;
		if (table_row(t)) {
			free(v);
			return -1;
		}
		cell_irq(t, 1, v[i]->nr, v[i]->name[0] ? v[i]->name : NULL);
		stat_cells(t, &v[i]->acc);
	}
	free(v);
	t = table_new(table_class_named("irq-soft-stats"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	for (int vec = 0; vec < SOFTIRQ_VECS; vec++) {
		if (!s->soft[vec].count && !s->raise[vec].count)
			continue;
		if (table_row(t))
			return -1;
		cell_irq(t, 0, vec, vec_names[vec]);
		stat_cells(t, &s->soft[vec]);
		stat_cells(t, &s->raise[vec]);
	}
	return 0;
}

void irq_release(struct stats *s)
{
	void *v;
	for (size_t it = 0; (v = tj_map_next(&s->hard, &it, NULL));)
		free(v);
	tj_map_release(&s->hard);
}
