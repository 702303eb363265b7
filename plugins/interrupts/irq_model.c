/*
 * The interrupts rule table (irq_model.h) and the same table as a
 * tjconv/model.h model: a stateProvider with one attribute per CPU and
 * handler, a per-CPU time graph, an XY view of IRQ counts, and the softirq
 * raise -> entry latency as a segment.
 */
#include <stdio.h>
#include <string.h>

#include "irq_model.h"
#include "tjconv/fmt.h"
#include "tjconv/model.h"

const struct irq_rule irq_rules[] = {
	{"irq_handler_entry", 0, IRQ_ENTER, "irq"},
	{"irq_handler_exit", 0, IRQ_LEAVE, "irq"},
	/* lttng-modules' names, then the kernel's tracepoint names. */
	{"irq_softirq_raise", 1, IRQ_RAISE, "vec"},
	{"irq_softirq_entry", 1, IRQ_ENTER, "vec"},
	{"irq_softirq_exit", 1, IRQ_LEAVE, "vec"},
	{"softirq_raise", 1, IRQ_RAISE, "vec"},
	{"softirq_entry", 1, IRQ_ENTER, "vec"},
	{"softirq_exit", 1, IRQ_LEAVE, "vec"},
};

const unsigned irq_rule_count = sizeof(irq_rules) / sizeof(irq_rules[0]);

const struct irq_rule *irq_rule_of(const char *event)
{
	for (unsigned i = 0; i < irq_rule_count; i++)
		if (strcmp(irq_rules[i].event, event) == 0)
			return &irq_rules[i];
	return NULL;
}

void irq_attribute(int soft, int32_t cpu, int32_t num, char *buf, unsigned cap)
{
	struct tj_fmt o;
	tj_fmt_init(&o, buf, cap);
	tj_fmt_str(&o, "CPUs/");
	tj_fmt_i64(&o, (int)cpu);
	tj_fmt_str(&o, soft ? "/Soft_IRQs/" : "/IRQs/");
	tj_fmt_i64(&o, (int)num);
	tj_fmt_end(&o);
}

/* One handler per rule; every change derived from the rule. */
#define CH(attr, type, val, flags) {sizeof(struct tj_mchange), (flags), (attr), {(type), (val), NULL}, 0, NULL}

static const struct tj_mchange hard_enter[] = {
	CH("CPUs/{cpu}/IRQs/{irq}", TJ_MV_INT, IRQ_VALUE_HARD, 0),
	/* A counter for the XY view: how many times each line fired. */
	CH("Counts/IRQs/{irq}", TJ_MV_INT, 1, TJ_MCH_INCREMENT),
};
static const struct tj_mchange hard_leave[] = {CH("CPUs/{cpu}/IRQs/{irq}", TJ_MV_NULL, 0, 0)};
static const struct tj_mchange soft_enter[] = {
	CH("CPUs/{cpu}/Soft_IRQs/{vec}", TJ_MV_INT, IRQ_VALUE_SOFT, 0),
};
static const struct tj_mchange soft_leave[] = {CH("CPUs/{cpu}/Soft_IRQs/{vec}", TJ_MV_NULL, 0, 0)};

static struct tj_mhandler handlers[sizeof(irq_rules) / sizeof(irq_rules[0])];
static const char *events[sizeof(irq_rules) / sizeof(irq_rules[0])][2];

static const struct tj_mstate states[] = {
	{sizeof(struct tj_mstate), "IRQ", IRQ_VALUE_HARD, "#EE0000"},
	{sizeof(struct tj_mstate), "SOFT_IRQ", IRQ_VALUE_SOFT, "#EE8800"},
};

static const struct tj_mview views[] = {
	{sizeof(struct tj_mview), TJ_MVIEW_TIMEGRAPH, "cpus", "IRQs and softirqs per CPU", "CPUs/*/*/*",
	 NULL, TJ_MVIEW_STATES},
	{sizeof(struct tj_mview), TJ_MVIEW_XY, "counts", "IRQs per line", "Counts/IRQs/*", NULL,
	 TJ_MVIEW_DELTA},
};

static const char *const raise_start[] = {"irq_softirq_raise", "softirq_raise", NULL};
static const char *const raise_end[] = {"irq_softirq_entry", "softirq_entry", NULL};
static const char *const raise_keys[] = {"{cpu}", "{vec}", NULL};

static const struct tj_msegment segments[] = {
	{sizeof(struct tj_msegment), "softirq_raise", "Softirq raise to entry", raise_start, raise_end,
	 raise_keys, "vec"},
};

static struct tj_model model;

const struct tj_model *irq_model(void *state)
{
	(void)state;
	if (model.size)
		return &model;
	for (unsigned i = 0; i < irq_rule_count; i++) {
		const struct irq_rule *r = &irq_rules[i];
		events[i][0] = r->event;
		handlers[i].size = sizeof(handlers[i]);
		handlers[i].events = events[i];
		if (r->action == IRQ_ENTER) {
			handlers[i].changes = r->soft ? soft_enter : hard_enter;
			handlers[i].nchanges = r->soft ? 1 : 2;
		} else if (r->action == IRQ_LEAVE) {
			handlers[i].changes = r->soft ? soft_leave : hard_leave;
			handlers[i].nchanges = 1;
		} /* a raise changes no state: it is the segment's start */
	}
	model = (struct tj_model){
		.size = sizeof(model),
		.id = "tjconv.interrupts",
		.label = "tjconv interrupts",
		.nstates = sizeof(states) / sizeof(states[0]),
		.states = states,
		.nhandlers = irq_rule_count,
		.handlers = handlers,
		.nviews = sizeof(views) / sizeof(views[0]),
		.views = views,
		.nsegments = sizeof(segments) / sizeof(segments[0]),
		.segments = segments,
	};
	return &model;
}
