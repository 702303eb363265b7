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
	TS_WAIT_UNKNOWN, /* waiting, cause unknown (statedump "WAIT": Trace
			    Compass's WAIT_UNKNOWN) until an event tells more */
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
	INHERIT_SYSCALL,   /* Threads/<tid>/System_call = that of the thread
			      whose tid is in field (a child at fork) */
};

/* How the new value is computed. */
enum rule_how {
	VAL_CONST,          /* value */
	VAL_FIELD,          /* the integer in field */
	VAL_TASK_STATE,     /* sched_switch prev_state through task_state_rows,
			       read in the trace's kernel encoding */
	VAL_RESUME,         /* System_call set (own or inherited at fork) ?
			       SYSCALL : USERMODE */
	VAL_WAKE,           /* a thread not on a CPU and not runnable (BLOCKED,
			       WAIT_UNKNOWN, UNKNOWN, EXITED) becomes value */
	VAL_STATEDUMP,      /* LTTng statedump status enum mapped to a status,
			       only for a thread with no state yet; with
			       SET_CPU_THREAD: a thread the dump found running
			       (STATEDUMP_STATUS_FIELD is STATEDUMP_RUNNING) on
			       the CPU in who_field, if that CPU has none yet */
};

#define STATEDUMP_STATUS_FIELD "status"
#define STATEDUMP_RUNNING 6 /* lttng_process_status RUN */

/* How sched_switch's prev_state encodes the task state, by kernel version. */
enum task_encoding {
	TASK_ENC_STATE = 0,  /* before 4.14 (and unknown): p->state, with
				TASK_STATE_MAX (1024/2048) or-ed in when preempted */
	TASK_ENC_REPORT = 1, /* 4.14 and later: 1 << (task_state_index - 1),
				TASK_REPORT_MAX (256) when preempted */
	TASK_ENC_COUNT
};

/* One row of the prev_state decoding: the first row of the trace's
 * encoding with a bit in common with prev_state wins; none: WAIT_CPU. */
struct task_state_row {
	uint8_t encodings;      /* 1 << enum task_encoding, or-ed */
	uint8_t status;         /* enum thread_status */
	int64_t bits;
	const char *why;        /* the kernel names of the bits */
};

extern const struct task_state_row task_state_rows[];
extern const size_t task_state_row_count;

struct thread_rule {
	const char *event;      /* exact name, or prefix ending in '*' */
	uint8_t who;
	uint8_t what;
	uint8_t how;
	uint8_t value;          /* enum thread_status */
	const char *who_field;  /* WHO_FIELD */
	const char *field;      /* VAL_FIELD, VAL_TASK_STATE, VAL_STATEDUMP */
};

extern const struct thread_rule thread_rules[];
extern const size_t thread_rule_count;

/* "running", "syscall", "interrupted", "blocked", "wait-cpu", "wait",
 * "exited", "unknown". */
const char *thread_status_name(enum thread_status s);
/* Trace Compass state values (its StateValues constants) for the export. */
int thread_status_tc_value(enum thread_status s);
/* LTTng's lttng_statedump_process_state status enum to a thread status. */
enum thread_status thread_status_from_statedump(int64_t status);
/* sched_switch prev_state to the switched-out thread's status. */
enum thread_status thread_status_from_task_state(int64_t prev_state, enum task_encoding enc);
/* The encoding of a kernel release string ("4.4.0-116-generic"); NULL or
 * unparsable: TASK_ENC_STATE, Trace Compass's reading. */
enum task_encoding task_encoding_of_release(const char *kernel_release);
/* Whether an event name matches a rule's pattern. */
int thread_rule_matches(const struct thread_rule *r, const char *event);

#endif
