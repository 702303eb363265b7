/*
 * The interrupts analyzer's declarative model: which event opens or closes
 * which per-CPU handler attribute (CPUs/<cpu>/IRQs/<irq>, CPUs/<cpu>/
 * Soft_IRQs/<vec>), which raises a softirq, in every LTTng spelling.  The
 * analyzer runs this table natively (interrupts.c); irq_model.c also hands
 * it to exporters as a tjconv/model.h model (Trace Compass XML).
 */
#ifndef TJ_IRQ_MODEL_H
#define TJ_IRQ_MODEL_H

#include <stdint.h>

enum irq_action {
	IRQ_ENTER, /* the handler starts: attribute = its state value */
	IRQ_LEAVE, /* the handler ends: attribute = null */
	IRQ_RAISE, /* a softirq is raised (the start of its raise latency) */
};

/* Trace Compass values of the handler attributes (definedValues). */
#define IRQ_VALUE_HARD 1
#define IRQ_VALUE_SOFT 2

struct irq_rule {
	const char *event;
	uint8_t soft;      /* 0: hardware IRQ, 1: softirq */
	uint8_t action;    /* enum irq_action */
	const char *num;   /* field: the IRQ line or softirq vector */
};

extern const struct irq_rule irq_rules[];
extern const unsigned irq_rule_count;

/* The rule of an event name, NULL if none. */
const struct irq_rule *irq_rule_of(const char *event);
/* The handler attribute path, "CPUs/0/IRQs/17", as the exported model
 * builds it (tc.attribute of the analyzer's records). */
void irq_attribute(int soft, int32_t cpu, int32_t num, char *buf, unsigned cap);

struct tj_model;
const struct tj_model *irq_model(void *state);

#endif
