/*
 * The declarative thread-state rules (see thread_model.h).  Order matters
 * within one event: sched_switch first updates the previous thread, then
 * the CPU, then the next thread — as Trace Compass's kernel analysis does.
 */
#include <string.h>

#include "thread_model.h"

/* Kernel task state bits that mean "sleeping": TASK_INTERRUPTIBLE,
 * TASK_UNINTERRUPTIBLE, stopped, traced, dead...  A preempted task reports
 * none of them (0, or TASK_REPORT_MAX with newer kernels, above 0xff). */
#define SLEEPING_MASK 0xff

const struct thread_rule thread_rules[] = {
	/* Context switch. */
	{"sched_switch", WHO_FIELD, SET_STATUS, VAL_IF_MASK_ZERO, TS_WAIT_CPU, TS_BLOCKED,
	 "prev_tid", "prev_state", SLEEPING_MASK},
	{"sched_switch", WHO_CPU, SET_CPU_THREAD, VAL_FIELD, 0, 0, NULL, "next_tid", 0},
	{"sched_switch", WHO_FIELD, SET_STATUS, VAL_RESUME, 0, 0, "next_tid", NULL, 0},
	/* Wake-ups make a sleeping thread runnable. */
	{"sched_waking", WHO_FIELD, SET_STATUS, VAL_WAKE, TS_WAIT_CPU, 0, "tid", NULL, 0},
	{"sched_wakeup", WHO_FIELD, SET_STATUS, VAL_WAKE, TS_WAIT_CPU, 0, "tid", NULL, 0},
	{"sched_wakeup_new", WHO_FIELD, SET_STATUS, VAL_WAKE, TS_WAIT_CPU, 0, "tid", NULL, 0},
	/* Thread life. */
	{"sched_process_fork", WHO_FIELD, SET_STATUS, VAL_CONST, TS_WAIT_CPU, 0, "child_tid", NULL, 0},
	{"sched_process_free", WHO_FIELD, SET_STATUS, VAL_CONST, TS_EXITED, 0, "tid", NULL, 0},
	{"lttng_statedump_process_state", WHO_FIELD, SET_STATUS, VAL_STATEDUMP, 0, 0, "tid",
	 "status", 0},
	/* System calls: current and old (lttng-modules < 2.6) names. */
	{"syscall_entry_*", WHO_CURRENT, ENTER_SYSCALL, VAL_CONST, 0, 0, NULL, NULL, 0},
	{"syscall_entry_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_SYSCALL, 0, NULL, NULL, 0},
	{"compat_syscall_entry_*", WHO_CURRENT, ENTER_SYSCALL, VAL_CONST, 0, 0, NULL, NULL, 0},
	{"compat_syscall_entry_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_SYSCALL, 0, NULL, NULL, 0},
	{"sys_*", WHO_CURRENT, ENTER_SYSCALL, VAL_CONST, 0, 0, NULL, NULL, 0},
	{"sys_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_SYSCALL, 0, NULL, NULL, 0},
	{"syscall_exit_*", WHO_CURRENT, LEAVE_SYSCALL, VAL_CONST, 0, 0, NULL, NULL, 0},
	{"syscall_exit_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_USERMODE, 0, NULL, NULL, 0},
	{"compat_syscall_exit_*", WHO_CURRENT, LEAVE_SYSCALL, VAL_CONST, 0, 0, NULL, NULL, 0},
	{"compat_syscall_exit_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_USERMODE, 0, NULL, NULL, 0},
	{"exit_syscall", WHO_CURRENT, LEAVE_SYSCALL, VAL_CONST, 0, 0, NULL, NULL, 0},
	{"exit_syscall", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_USERMODE, 0, NULL, NULL, 0},
	/* Interrupts borrow the running thread's CPU. */
	{"irq_handler_entry", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_INTERRUPTED, 0, NULL, NULL, 0},
	{"irq_handler_exit", WHO_CURRENT, SET_STATUS, VAL_RESUME, 0, 0, NULL, NULL, 0},
	{"irq_softirq_entry", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_INTERRUPTED, 0, NULL, NULL, 0},
	{"irq_softirq_exit", WHO_CURRENT, SET_STATUS, VAL_RESUME, 0, 0, NULL, NULL, 0},
	{"softirq_entry", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_INTERRUPTED, 0, NULL, NULL, 0},
	{"softirq_exit", WHO_CURRENT, SET_STATUS, VAL_RESUME, 0, 0, NULL, NULL, 0},
};

const size_t thread_rule_count = sizeof(thread_rules) / sizeof(thread_rules[0]);

const char *thread_status_name(enum thread_status s)
{
	static const char *const names[TS_COUNT] = {
		"unknown", "running", "syscall", "interrupted", "blocked", "wait-cpu", "exited",
	};
	return s < TS_COUNT ? names[s] : "unknown";
}

int thread_status_tc_value(enum thread_status s)
{
	/* Trace Compass StateValues: WAIT_UNKNOWN 0, WAIT_BLOCKED 1, RUN_USERMODE
	 * 2, RUN_SYSCALL 3, INTERRUPTED 4, WAIT_FOR_CPU 5. */
	static const int tc[TS_COUNT] = {0, 2, 3, 4, 1, 5, 0};
	return s < TS_COUNT ? tc[s] : 0;
}

enum thread_status thread_status_from_statedump(int64_t status)
{
	/* lttng-modules enum lttng_process_status: UNNAMED 0, WAIT_FORK 1,
	 * WAIT_CPU 2, EXIT 3, ZOMBIE 4, WAIT 5, RUN 6, DEAD 7. */
	switch (status) {
	case 1:
	case 2:
		return TS_WAIT_CPU;
	case 5:
		return TS_BLOCKED;
	case 6:
		return TS_USERMODE;
	case 3:
	case 4:
	case 7:
		return TS_EXITED;
	default:
		return TS_UNKNOWN;
	}
}

int thread_rule_matches(const struct thread_rule *r, const char *event)
{
	size_t n = strlen(r->event);
	if (n > 0 && r->event[n - 1] == '*')
		return strncmp(event, r->event, n - 1) == 0;
	return strcmp(event, r->event) == 0;
}
