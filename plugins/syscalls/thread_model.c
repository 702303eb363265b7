/*
 * The declarative thread-state rules (see thread_model.h).  Order matters
 * within one event: sched_switch first updates the previous thread, then
 * the CPU, then the next thread — as Trace Compass's kernel analysis does.
 */
#include <string.h>

#include "thread_model.h"

#define ENC_STATE (1u << TASK_ENC_STATE)
#define ENC_REPORT (1u << TASK_ENC_REPORT)
#define ENC_ALL (ENC_STATE | ENC_REPORT)

/*
 * sched_switch prev_state, first matching row wins; a value matching no
 * row (0, or only the "preempted" flag: TASK_REPORT_MAX 256 since 4.14,
 * TASK_STATE_MAX 1024/2048 before, TASK_WAKING 256 before) is runnable.
 * Trace Compass reads every trace the old way, masked with TASK_NOLOAD - 1:
 * it agrees on exits and sleeps but calls 128 and 256 of newer kernels
 * WAIT_UNKNOWN, and 64 (TASK_PARKED since 4.14) an exit.
 */
const struct task_state_row task_state_rows[] = {
	{ENC_ALL, TS_EXITED, 0x30, "EXIT_DEAD 16, EXIT_ZOMBIE 32"},
	{ENC_STATE, TS_EXITED, 0x40, "TASK_DEAD 64 (before 4.14)"},
	{ENC_ALL, TS_BLOCKED, 0x0f, "INTERRUPTIBLE 1, UNINTERRUPTIBLE 2, STOPPED 4, TRACED 8"},
	{ENC_REPORT, TS_BLOCKED, 0xc0, "PARKED 64, IDLE 128 (4.14 and later)"},
	{ENC_STATE, TS_BLOCKED, 0x280, "WAKEKILL 128, PARKED 512 (before 4.14)"},
};

const size_t task_state_row_count = sizeof(task_state_rows) / sizeof(task_state_rows[0]);

const struct thread_rule thread_rules[] = {
	/* Context switch. */
	{"sched_switch", WHO_FIELD, SET_STATUS, VAL_TASK_STATE, 0, "prev_tid", "prev_state"},
	{"sched_switch", WHO_CPU, SET_CPU_THREAD, VAL_FIELD, 0, NULL, "next_tid"},
	{"sched_switch", WHO_FIELD, SET_STATUS, VAL_RESUME, 0, "next_tid", NULL},
	/* Wake-ups make a sleeping thread runnable. */
	{"sched_waking", WHO_FIELD, SET_STATUS, VAL_WAKE, TS_WAIT_CPU, "tid", NULL},
	{"sched_wakeup", WHO_FIELD, SET_STATUS, VAL_WAKE, TS_WAIT_CPU, "tid", NULL},
	{"sched_wakeup_new", WHO_FIELD, SET_STATUS, VAL_WAKE, TS_WAIT_CPU, "tid", NULL},
	/* Moved to another run queue: runnable there (as Trace Compass does). */
	{"sched_migrate_task", WHO_FIELD, SET_STATUS, VAL_CONST, TS_WAIT_CPU, "tid", NULL},
	/* Thread life.  A child runs in its parent's system call (clone) until
	 * its own exit of it (Trace Compass's ProcessForkHandler does too). */
	{"sched_process_fork", WHO_FIELD, INHERIT_SYSCALL, VAL_FIELD, 0, "child_tid", "parent_tid"},
	{"sched_process_fork", WHO_FIELD, SET_STATUS, VAL_CONST, TS_WAIT_CPU, "child_tid", NULL},
	{"sched_process_free", WHO_FIELD, SET_STATUS, VAL_CONST, TS_EXITED, "tid", NULL},
	{"lttng_statedump_process_state", WHO_FIELD, SET_STATUS, VAL_STATEDUMP, 0, "tid",
	 "status"},
	/* The dump tells a CPU's current thread before its first sched_switch. */
	{"lttng_statedump_process_state", WHO_FIELD, SET_CPU_THREAD, VAL_STATEDUMP, 0, "cpu", "tid"},
	/* System calls: current and old (lttng-modules < 2.6) names. */
	{"syscall_entry_*", WHO_CURRENT, ENTER_SYSCALL, VAL_CONST, 0, NULL, NULL},
	{"syscall_entry_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_SYSCALL, NULL, NULL},
	{"compat_syscall_entry_*", WHO_CURRENT, ENTER_SYSCALL, VAL_CONST, 0, NULL, NULL},
	{"compat_syscall_entry_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_SYSCALL, NULL, NULL},
	{"sys_*", WHO_CURRENT, ENTER_SYSCALL, VAL_CONST, 0, NULL, NULL},
	{"sys_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_SYSCALL, NULL, NULL},
	{"syscall_exit_*", WHO_CURRENT, LEAVE_SYSCALL, VAL_CONST, 0, NULL, NULL},
	{"syscall_exit_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_USERMODE, NULL, NULL},
	{"compat_syscall_exit_*", WHO_CURRENT, LEAVE_SYSCALL, VAL_CONST, 0, NULL, NULL},
	{"compat_syscall_exit_*", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_USERMODE, NULL, NULL},
	{"exit_syscall", WHO_CURRENT, LEAVE_SYSCALL, VAL_CONST, 0, NULL, NULL},
	{"exit_syscall", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_USERMODE, NULL, NULL},
	/* Interrupts borrow the running thread's CPU. */
	{"irq_handler_entry", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_INTERRUPTED, NULL, NULL},
	{"irq_handler_exit", WHO_CURRENT, SET_STATUS, VAL_RESUME, 0, NULL, NULL},
	{"irq_softirq_entry", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_INTERRUPTED, NULL, NULL},
	{"irq_softirq_exit", WHO_CURRENT, SET_STATUS, VAL_RESUME, 0, NULL, NULL},
	{"softirq_entry", WHO_CURRENT, SET_STATUS, VAL_CONST, TS_INTERRUPTED, NULL, NULL},
	{"softirq_exit", WHO_CURRENT, SET_STATUS, VAL_RESUME, 0, NULL, NULL},
};

const size_t thread_rule_count = sizeof(thread_rules) / sizeof(thread_rules[0]);

const char *thread_status_name(enum thread_status s)
{
	static const char *const names[TS_COUNT] = {
		"unknown", "running", "syscall", "interrupted", "blocked", "wait-cpu", "wait",
		"exited",
	};
	return s < TS_COUNT ? names[s] : "unknown";
}

int thread_status_tc_value(enum thread_status s)
{
	/* Trace Compass StateValues: UNKNOWN 0, WAIT_BLOCKED 1, RUN_USERMODE 2,
	 * RUN_SYSCALL 3, INTERRUPTED 4, WAIT_FOR_CPU 5, WAIT_UNKNOWN 6; an
	 * exited thread has no value (null), shown here as UNKNOWN. */
	static const int tc[TS_COUNT] = {0, 2, 3, 4, 1, 5, 6, 0};
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
		return TS_WAIT_UNKNOWN; /* asleep, but on what the dump does not say */
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

enum thread_status thread_status_from_task_state(int64_t prev_state, enum task_encoding enc)
{
	unsigned bit = 1u << (enc < TASK_ENC_COUNT ? enc : TASK_ENC_STATE);
	for (size_t i = 0; i < task_state_row_count; i++)
		if ((task_state_rows[i].encodings & bit) && (prev_state & task_state_rows[i].bits))
			return (enum thread_status)task_state_rows[i].status;
	return TS_WAIT_CPU;
}

enum task_encoding task_encoding_of_release(const char *rel)
{
	long major = 0, minor = 0;
	if (!rel || *rel < '0' || *rel > '9')
		return TASK_ENC_STATE;
	for (; *rel >= '0' && *rel <= '9'; rel++)
		if (major < 100000)
			major = major * 10 + (*rel - '0');
	if (*rel == '.')
		for (rel++; *rel >= '0' && *rel <= '9'; rel++)
			if (minor < 100000)
				minor = minor * 10 + (*rel - '0');
	return major > 4 || (major == 4 && minor >= 14) ? TASK_ENC_REPORT : TASK_ENC_STATE;
}

int thread_rule_matches(const struct thread_rule *r, const char *event)
{
	size_t n = strlen(r->event);
	if (n > 0 && r->event[n - 1] == '*')
		return strncmp(event, r->event, n - 1) == 0;
	return strcmp(event, r->event) == 0;
}
