/*
 * The thread-state machine as data: which event sets which attribute of
 * which thread or CPU to what, in the spirit of Trace Compass's data-driven
 * state providers (attribute paths Threads/<tid>/Status, CPUs/<cpu>/
 * Current_thread).  The analyzer runs these rules natively; a Trace Compass
 * XML exporter can serialize the same table, so both show the same states.
 * Semantics follow Trace Compass's Control Flow view.
 */
#ifndef TJ_SYSCALLS_THREAD_MODEL_H
#define TJ_SYSCALLS_THREAD_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum thread_status {
	TS_UNKNOWN = 0,
	TS_USERMODE,    /* running in user mode */
	TS_SYSCALL,     /* running in a system call */
	TS_INTERRUPTED, /* an IRQ or softirq runs on its CPU */
	TS_BLOCKED,     /* switched out in a sleeping state */
	TS_WAIT_CPU,    /* runnable (preempted or woken), waiting for a CPU */
	TS_EXITED,      /* no longer exists: no more state intervals */
	TS_COUNT
};

/* Which thread a rule changes. */
enum rule_who {
	WHO_CURRENT,   /* the thread running on the event's CPU */
	WHO_FIELD,     /* the thread whose tid is in who_field */
	WHO_CPU,       /* the event's CPU itself */
};

/* What a rule changes. */
enum rule_what {
	SET_STATUS,        /* Threads/<tid>/Status */
	SET_CPU_THREAD,    /* CPUs/<cpu>/Current_thread = value of field */
	ENTER_SYSCALL,     /* Threads/<tid>/System_call = the syscall name */
	LEAVE_SYSCALL,     /* Threads/<tid>/System_call = null */
};

/* How the new value is computed. */
enum rule_how {
	VAL_CONST,          /* value */
	VAL_FIELD,          /* the integer in field */
	VAL_IF_MASK_ZERO,   /* (field & mask) == 0 ? value : else_value */
	VAL_RESUME,         /* System_call set ? SYSCALL : USERMODE */
	VAL_WAKE,           /* BLOCKED/UNKNOWN become value; others unchanged */
	VAL_STATEDUMP,      /* LTTng statedump status enum mapped to a status */
};

struct thread_rule {
	const char *event;      /* exact name, or prefix ending in '*' */
	uint8_t who;
	uint8_t what;
	uint8_t how;
	uint8_t value;          /* enum thread_status */
	uint8_t else_value;
	const char *who_field;  /* WHO_FIELD */
	const char *field;      /* VAL_FIELD, VAL_IF_MASK_ZERO, VAL_STATEDUMP */
	int64_t mask;
};

extern const struct thread_rule thread_rules[];
extern const size_t thread_rule_count;

/* "running", "syscall", "interrupted", "blocked", "wait-cpu", "unknown". */
const char *thread_status_name(enum thread_status s);
/* Trace Compass state values (its StateValues constants) for the export. */
int thread_status_tc_value(enum thread_status s);
/* LTTng's lttng_statedump_process_state status enum to a thread status. */
enum thread_status thread_status_from_statedump(int64_t status);
/* Whether an event name matches a rule's pattern. */
int thread_rule_matches(const struct thread_rule *r, const char *event);

#endif
