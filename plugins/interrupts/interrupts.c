/*
 * Analyzer "interrupts": hardware IRQ and softirq intervals per CPU, the
 * latency from a softirq's raise to its entry, and lttng-analyses style
 * statistics (count, min/avg/max/stddev per IRQ line and per softirq
 * vector, raise latency).
 *
 * Reads irq_handler_entry/exit {irq, name, ret} and irq_softirq_raise/
 * entry/exit {vec} (also the kernel's softirq_* spellings), as the rule
 * table of irq_model.c says (the model exported to Trace Compass).  Each CPU has a
 * small stack of open handlers, so an IRQ that interrupts a softirq nests
 * inside it.  Every completed handler becomes a span on its CPU's track
 * (tid -1: not about a thread) and an annotation on the exit event; the
 * thread's "interrupted" state stays the syscalls analyzer's business.
 * Live state only: one stack per CPU and one statistics slot per IRQ line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irq_model.h"
#include "tjconv/fmt.h"
#include "tjconv/map.h"
#include "tjconv/plugin.h"

#define NVEC 10
#define STACK 8
#define IRQ_NAME 32

static const char *const vec_names[NVEC] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
};

enum kind { K_IRQ_ENTRY, K_IRQ_EXIT, K_SOFT_RAISE, K_SOFT_ENTRY, K_SOFT_EXIT };

struct cls {
	enum kind kind;
	tj_field num; /* irq or vec */
	tj_field name, ret;
};

struct frame {
	uint8_t soft;
	int32_t num;
	int64_t ts;
	int64_t raise_lat; /* softirq: raise -> entry, -1 unknown */
	char name[IRQ_NAME];
};

struct cpu {
	int depth;
	struct frame st[STACK];
	int64_t raised[NVEC]; /* pending raise time per vector, TJ_TS_NONE if none */
};

struct stat {
	uint64_t n;
	int64_t min, max;
	double sum, sumsq;
};

struct irq_stat {
	char name[IRQ_NAME];
	struct stat dur;
};

struct irqs {
	const struct tj_host *host;
	struct tj_plugin *self;
	int annotate, summary;
	struct cpu *cpus;
	uint32_t ncpus;
	struct tj_map classes;  /* class id -> struct cls (freed in fini) */
	struct tj_map irq_stats; /* irq + 1 -> struct irq_stat */
	struct stat soft[NVEC], raise[NVEC];
	uint64_t unmatched_exits, overflow, open_at_end;
	int64_t last_ts;
};

static void stat_add(struct stat *s, int64_t v)
{
	if (!s->n || v < s->min)
		s->min = v;
	if (!s->n || v > s->max)
		s->max = v;
	s->n++;
	s->sum += (double)v;
	s->sumsq += (double)v * (double)v;
}

static struct cpu *cpu_get(struct irqs *q, int32_t cpu)
{
	if (cpu < 0 || cpu > 65535)
		return NULL;
	if ((uint32_t)cpu >= q->ncpus) {
		uint32_t n = (uint32_t)cpu + 1;
		struct cpu *v = realloc(q->cpus, n * sizeof(*v));
		if (!v)
			return NULL;
		for (uint32_t i = q->ncpus; i < n; i++) {
			memset(&v[i], 0, sizeof(v[i]));
			for (int k = 0; k < NVEC; k++)
				v[i].raised[k] = TJ_TS_NONE;
		}
		q->cpus = v;
		q->ncpus = n;
	}
	return &q->cpus[cpu];
}

static const char *vec_name(int32_t vec)
{
	return vec >= 0 && vec < NVEC ? vec_names[vec] : "?";
}

/* "irq 1 timer" or "softirq NET_RX". */
static void frame_label(const struct frame *f, char *buf, size_t cap)
{
	struct tj_fmt o;
	tj_fmt_init(&o, buf, cap);
	if (f->soft) {
		tj_fmt_str(&o, "softirq ");
		tj_fmt_str(&o, vec_name(f->num));
	} else {
		tj_fmt_str(&o, "irq ");
		tj_fmt_i64(&o, (int)f->num);
		tj_fmt_char(&o, ' ');
		tj_fmt_str(&o, f->name[0] ? f->name : "?");
	}
	tj_fmt_end(&o);
}


static int emit_frame(struct irqs *q, int32_t cpu, const struct frame *f, int64_t end,
		      int64_t ret, uint32_t flags)
{
	char label[64], attr[64];
	frame_label(f, label, sizeof(label));
	/* tc.*: the model's attribute and the value it holds meanwhile. */
	irq_attribute(f->soft, cpu, f->num, attr, sizeof(attr));
	int third = !((f->soft && f->raise_lat < 0) || (flags & TJ_REC_F_CUT_END));
	struct tj_arg args[5] = {
		TJ_ARG_I(f->soft ? "vec" : "irq", f->num),
		TJ_ARG_S("handler", f->soft ? vec_name(f->num) : f->name),
		TJ_ARG_I(f->soft ? "raise_latency_ns" : "ret", f->soft ? f->raise_lat : ret),
		TJ_ARG_S("tc.attribute", attr),
		TJ_ARG_I("tc.value", f->soft ? IRQ_VALUE_SOFT : IRQ_VALUE_HARD),
	};
	if (!third)
		args[2] = args[3], args[3] = args[4];
	/* A handler that ran in no time leaves Trace Compass no interval. */
	uint32_t ntc = end > f->ts ? 2 : 0;
	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_SPAN,
		.category = f->soft ? "softirq" : "irq",
		.name = label,
		.ts = f->ts,
		.dur = end - f->ts,
		.pid = -1,
		.tid = -1,
		.cpu = cpu,
		.track = TJ_TRACK_CPU,
		.flags = flags,
		.nargs = (third ? 3 : 2) + ntc,
		.args = args,
	};
	return q->host->emit(q->self, &r);
}

static struct irq_stat *irq_stat_get(struct irqs *q, int32_t irq, const char *name)
{
	struct irq_stat *s = tj_map_get(&q->irq_stats, (int64_t)irq + 1);
	if (!s) {
		if (!(s = calloc(1, sizeof(*s))))
			return NULL;
		if (tj_map_put(&q->irq_stats, (int64_t)irq + 1, s)) {
			free(s);
			return NULL;
		}
	}
	if (name && name[0] && !s->name[0])
		snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

static int on_entry(struct irqs *q, struct cpu *c, const struct tj_event *ev, int soft,
		    int32_t num, const char *name)
{
	if (c->depth >= STACK) {
		q->overflow++;
		return TJ_OK;
	}
	struct frame *f = &c->st[c->depth++];
	memset(f, 0, sizeof(*f));
	f->soft = (uint8_t)soft;
	f->num = num;
	f->ts = ev->ts;
	f->raise_lat = -1;
	if (name)
		snprintf(f->name, sizeof(f->name), "%s", name);
	if (soft && num >= 0 && num < NVEC && c->raised[num] != TJ_TS_NONE) {
		f->raise_lat = ev->ts - c->raised[num];
		c->raised[num] = TJ_TS_NONE;
		stat_add(&q->raise[num], f->raise_lat);
	}
	return TJ_OK;
}

static int on_exit(struct irqs *q, struct cpu *c, const struct tj_event *ev, int soft,
		   int32_t num, int64_t ret)
{
	int i = c->depth - 1;
	while (i >= 0 && !(c->st[i].soft == soft && c->st[i].num == num))
		i--;
	if (i < 0) {
		q->unmatched_exits++;
		return TJ_OK;
	}
	/* Frames above the match lost their exit: close them here. */
	int rc = TJ_OK;
	for (int k = c->depth - 1; rc == TJ_OK && k > i; k--)
		rc = emit_frame(q, ev->cpu, &c->st[k], ev->ts, 0, TJ_REC_F_CUT_END);
	struct frame f = c->st[i];
	c->depth = i;
	int64_t dur = ev->ts - f.ts;
	if (soft) {
		if (num >= 0 && num < NVEC)
			stat_add(&q->soft[num], dur);
	} else {
		struct irq_stat *s = irq_stat_get(q, num, f.name);
		if (!s)
			return TJ_ENOMEM;
		stat_add(&s->dur, dur);
	}
	if (rc == TJ_OK)
		rc = emit_frame(q, ev->cpu, &f, ev->ts, ret, 0);
	if (rc == TJ_OK && q->annotate) {
		char label[64], d[32], note[160];
		frame_label(&f, label, sizeof(label));
		tj_fmt_duration(dur, d, sizeof(d));
		struct tj_fmt o;
		tj_fmt_init(&o, note, sizeof(note));
		tj_fmt_str(&o, label);
		tj_fmt_str(&o, " on cpu ");
		tj_fmt_i64(&o, (int)ev->cpu);
		if (soft) {
			tj_fmt_str(&o, " ran ");
			tj_fmt_str(&o, d);
			if (f.raise_lat >= 0) {
				char r[32];
				tj_fmt_duration(f.raise_lat, r, sizeof(r));
				tj_fmt_str(&o, ", ");
				tj_fmt_str(&o, r);
				tj_fmt_str(&o, " after its raise");
			}
		} else {
			tj_fmt_str(&o, " handled in ");
			tj_fmt_str(&o, d);
			tj_fmt_str(&o, ", ret ");
			tj_fmt_i64(&o, ret);
			tj_fmt_str(&o, ret == 1 ? " (handled)" : ret == 0 ? " (none)" : "");
		}
		tj_fmt_end(&o);
		rc = q->host->annotate(q->self, ev, note);
	}
	return rc;
}

static enum tj_status irq_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct irqs *q = state;
	const struct cls *k = class_data;
	const struct tj_host *h = q->host;
	int64_t num = -1, ret = 0;
	struct cpu *c;

	if (!k || ev->ts == TJ_TS_NONE || !(c = cpu_get(q, ev->cpu)))
		return TJ_OK;
	q->last_ts = ev->ts;
	if (k->num < 0 || !h->field_int(ev, k->num, &num) || num < INT32_MIN || num > INT32_MAX)
		return TJ_OK;
	switch (k->kind) {
	case K_IRQ_ENTRY:
		return on_entry(q, c, ev, 0, (int32_t)num, k->name >= 0 ? h->field_str(ev, k->name) : NULL);
	case K_IRQ_EXIT:
		if (k->ret >= 0)
			h->field_int(ev, k->ret, &ret);
		return on_exit(q, c, ev, 0, (int32_t)num, ret);
	case K_SOFT_RAISE:
		if (num >= 0 && num < NVEC && c->raised[num] == TJ_TS_NONE)
			c->raised[num] = ev->ts;
		return TJ_OK;
	case K_SOFT_ENTRY:
		return on_entry(q, c, ev, 1, (int32_t)num, NULL);
	case K_SOFT_EXIT:
		return on_exit(q, c, ev, 1, (int32_t)num, 0);
	}
	return TJ_OK;
}

static enum tj_status irq_class(void *state, const struct tj_event_class *cls, void **class_data)
{
	struct irqs *q = state;
	const char *n = cls->name;
	struct cls *k = calloc(1, sizeof(*k));
	if (!k)
		return TJ_ENOMEM;
	const struct irq_rule *r = irq_rule_of(n);
	if (!r) {
		free(k);
		return TJ_OK; /* subscribed to but not in the table: ignored */
	}
	if (r->action == IRQ_RAISE)
		k->kind = K_SOFT_RAISE;
	else if (r->action == IRQ_ENTER)
		k->kind = r->soft ? K_SOFT_ENTRY : K_IRQ_ENTRY;
	else
		k->kind = r->soft ? K_SOFT_EXIT : K_IRQ_EXIT;
	char path[64];
	snprintf(path, sizeof(path), "payload:%s", r->num);
	k->num = q->host->field_lookup(cls, path);
	k->name = q->host->field_lookup(cls, "payload:name");
	k->ret = q->host->field_lookup(cls, "payload:ret");
	*class_data = k;
	return tj_map_put(&q->classes, (int64_t)cls->id, k) ? TJ_ENOMEM : TJ_OK;
}

/* Square root by Newton's method: no libm for a plugin loaded into a host
 * that may not link it. */
static double root(double x)
{
	double r = x > 1 ? x : 1;
	for (int i = 0; i < 200 && r > 0; i++) {
		double n = 0.5 * (r + x / r);
		if (n == r)
			break;
		r = n;
	}
	return r;
}

static void log_stat(struct irqs *q, const char *what, const struct stat *s)
{
	double avg = s->sum / (double)s->n;
	double var = s->sumsq / (double)s->n - avg * avg;
	q->host->log(q->self, TJ_LOG_NOTICE,
		     "%-22s count %8llu  min %9.3f  avg %9.3f  max %9.3f  stdev %9.3f µs", what,
		     (unsigned long long)s->n, (double)s->min / 1e3, avg / 1e3, (double)s->max / 1e3,
		     var > 0 ? root(var) / 1e3 : 0.0);
}

static enum tj_status irq_finish(void *state, const struct tj_run_stats *stats)
{
	struct irqs *q = state;
	int rc = TJ_OK;
	(void)stats;
	for (uint32_t i = 0; i < q->ncpus; i++) {
		struct cpu *c = &q->cpus[i];
		for (int k = c->depth - 1; rc == TJ_OK && k >= 0; k--) {
			q->open_at_end++;
			rc = emit_frame(q, (int32_t)i, &c->st[k], q->last_ts, 0, TJ_REC_F_CUT_END);
		}
		c->depth = 0;
	}
	if (!q->summary)
		return rc;
	size_t it = 0;
	int64_t key;
	struct irq_stat *s;
	char what[64];
	q->host->log(q->self, TJ_LOG_NOTICE, "hardware IRQ handler durations:");
	while ((s = tj_map_next(&q->irq_stats, &it, &key))) {
		snprintf(what, sizeof(what), "irq %lld %s", (long long)key - 1, s->name);
		log_stat(q, what, &s->dur);
	}
	q->host->log(q->self, TJ_LOG_NOTICE, "softirq durations and raise -> entry latencies:");
	for (int v = 0; v < NVEC; v++) {
		if (q->soft[v].n) {
			snprintf(what, sizeof(what), "softirq %s", vec_names[v]);
			log_stat(q, what, &q->soft[v]);
		}
		if (q->raise[v].n) {
			snprintf(what, sizeof(what), "  raise latency %s", vec_names[v]);
			log_stat(q, what, &q->raise[v]);
		}
	}
	if (q->unmatched_exits || q->overflow || q->open_at_end)
		q->host->log(q->self, TJ_LOG_NOTICE,
			     "%llu exits without entry, %llu handlers nested too deep, %llu open at the end",
			     (unsigned long long)q->unmatched_exits, (unsigned long long)q->overflow,
			     (unsigned long long)q->open_at_end);
	return rc;
}

static enum tj_status irq_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct irqs *q = calloc(1, sizeof(*q));
	if (!q)
		return TJ_ENOMEM;
	q->host = host;
	q->self = self;
	q->annotate = tj_param_bool(host, self, "annotations", 1);
	q->summary = tj_param_bool(host, self, "summary", 0);
	q->last_ts = TJ_TS_NONE;
	*state = q;
	return TJ_OK;
}

static void irq_fini(void *state)
{
	struct irqs *q = state;
	size_t it = 0;
	void *v;
	while ((v = tj_map_next(&q->classes, &it, NULL)))
		free(v);
	it = 0;
	while ((v = tj_map_next(&q->irq_stats, &it, NULL)))
		free(v);
	tj_map_release(&q->classes);
	tj_map_release(&q->irq_stats);
	free(q->cpus);
	free(q);
}

static const char *const subscriptions[] = {
	"irq_handler_entry", "irq_handler_exit", "irq_softirq_raise", "irq_softirq_entry",
	"irq_softirq_exit",  "softirq_raise",    "softirq_entry",     "softirq_exit",
	NULL,
};

static const char *const param_help[] = {
	"annotations: attach a note to each handler's exit (default true)",
	"summary: print IRQ and softirq statistics on stderr at the end (--summary sets it)",
	NULL,
};

TJ_PLUGIN_DEFINE(.name = "interrupts", .version = "1.0",
		 .description = "hardware IRQ and softirq intervals per CPU, raise latency, statistics",
		 .kind = TJ_KIND_ANALYZER, .subscriptions = subscriptions, .init = irq_init,
		 .on_class = irq_class, .on_event = irq_event, .finish = irq_finish,
		 .fini = irq_fini, .param_help = param_help, .model = irq_model)
