/*
 * Live state of the syscall-lifecycle analyzer: threads, processes (fd
 * tables), CPUs, and what each subscribed event class means.  Everything
 * here is bounded by what is alive in the traced system, not by trace length.
 */
#ifndef TJ_SYSCALLS_STATE_H
#define TJ_SYSCALLS_STATE_H

#include <stdint.h>

#include "fdtable.h"
#include "tjconv/map.h"
#include "thread_model.h"
#include "tjconv/plugin.h"

#define MAX_ARGS 8
#define ARG_STR_BYTES 192
#define COMM_BYTES 24

/* Event kinds the analyzer treats specially (beyond the declarative rules). */
enum ev_kind {
	K_OTHER = 0,
	K_SYS_ENTRY,
	K_SYS_EXIT,
	K_SCHED_SWITCH,
	K_FORK,
	K_EXEC,
	K_PROCESS_FREE,
	K_SD_PROCESS,
	K_SD_FD,
};

/* Handles of the fields the analyzer reads, by role; < 0 when absent. */
enum field_role {
	F_TID, F_PREV_TID, F_NEXT_TID, F_PREV_COMM, F_NEXT_COMM, F_COMM, F_PREV_STATE,
	F_PID, F_PPID, F_NAME, F_STATUS, F_FD, F_RET, F_ID, F_FAMILY, F_TYPE, F_PROTOCOL,
	F_FILENAME, F_FLAGS, F_SPORT, F_DPORT, F_V4ADDR, F_V6ADDR, F_FILDES, F_OLDFD, F_NEWFD,
	F_CMD, F_COUNT, F_PARENT_TID, F_PARENT_PID, F_CHILD_TID, F_CHILD_PID, F_CHILD_COMM,
	F_OLD_TID, F_FILE_TABLE, F_VTID, F_VPID, F_NFDS, F_CPU,
	F_ROLE_COUNT
};

/* What a syscall does to descriptors or how to read its result, decided
 * once per event class so the per-event path compares no names. */
enum sys_op {
	OP_NONE = 0, OP_CLOSE, OP_CONNECT, OP_SOCKET, OP_LISTEN, OP_ACCEPT, OP_OPEN, OP_PIPE,
	OP_DUP, OP_DUP2, OP_FCNTL, OP_ANON, OP_READ, OP_WRITE, OP_WAIT,
};

struct cls_info {
	enum ev_kind kind;
	uint8_t op;                /* enum sys_op */
	const char *anon_desc;     /* OP_ANON: "eventfd", "epoll"... */
	char sysname[48];          /* syscalls: "accept4"; "" for exit_syscall */
	tj_field f[F_ROLE_COUNT];
	/* Entry arguments carried into the span: top-level ints and strings. */
	uint32_t nargs;
	const char *arg_names[MAX_ARGS];
	char arg_out_names[MAX_ARGS][48]; /* "NAME_out": an exit value whose entry
					     argument has the same name */
	tj_field arg_fields[MAX_ARGS];
	uint8_t task_enc;          /* enum task_encoding of the class's trace */
	/* Declarative rules that apply to this class, in table order. */
	uint32_t nrules;
	const struct thread_rule *rules[8];
	tj_field rule_who[8];      /* handle of rules[i]->who_field */
	tj_field rule_val[8];      /* handle of rules[i]->field */
};

struct sys_arg {
	const char *name;          /* borrowed from cls_info (lives all run) */
	uint8_t is_str;
	int64_t i;
	uint16_t str_off;          /* into thread.strbuf */
};

struct thread {
	int32_t tid, pid;          /* pid -1 when unknown */
	char comm[COMM_BYTES];
	uint8_t status;            /* enum thread_status */
	const char *state_sys;     /* TS_SYSCALL: the call's name, for the record */
	const char *inherited_sys; /* a new thread's parent's syscall (clone), in
				      which it runs until its own exit of it */
	uint8_t name_sent;         /* a THREAD_NAME record was emitted for comm */
	int64_t since;             /* when status began (TJ_TS_NONE: not yet) */
	int64_t born_ts;           /* sched_process_fork time, TJ_TS_NONE if before */
	uint32_t trace;            /* tj_record.trace of its last event (its host),
				      for records emitted from finish */

	/* The syscall in progress. */
	uint8_t in_syscall;
	uint8_t seen_entry;        /* an entry was seen: a lone exit lost it */
	const struct cls_info *sys_cls;
	int64_t sys_ts;
	int64_t blocked_ns;        /* time blocked during it */
	int64_t waitcpu_ns;        /* time waiting for a CPU during it */
	uint32_t nargs;
	struct sys_arg args[MAX_ARGS];
	char strbuf[ARG_STR_BYTES];
	uint16_t strused;
};

struct process {
	int32_t pid;
	char comm[COMM_BYTES];
	uint8_t name_sent;
	struct fdtable fds;
};

struct cpu {
	int32_t tid;               /* current thread, -1 unknown */
	int64_t since;
};

#define MAX_TASK_STATES 64

struct thread_export;

struct analyzer {
	const struct tj_host *host;
	struct tj_plugin *self;
	int annotate;              /* an exporter shows annotations */
	int64_t first_ts, last_ts;
	uint8_t task_enc[64];        /* enum task_encoding per trace (begin) */
	struct tj_map threads;       /* tid -> struct thread */
	struct tj_map processes;     /* pid -> struct process */
	struct tj_map file_tables;   /* statedump file_table_address -> pid + 1 */
	struct tj_map class_infos;   /* class id -> struct cls_info, freed in fini */
	struct cpu *cpus;
	uint32_t ncpus;
	struct tj_sbuf *note;        /* annotation scratch */
	uint64_t unknown_thread_events;
	uint64_t syscalls, cut_syscalls;
	/* thread_export.c: prev_state values seen (bounded) and the model. */
	int64_t task_states[MAX_TASK_STATES];
	uint32_t ntask_states;
	struct thread_export *export;
};

/* threads.c */
struct thread *thread_get(struct analyzer *a, int32_t tid, int create);
struct process *process_get(struct analyzer *a, int32_t pid, int create);
struct process *process_of(struct analyzer *a, const struct thread *t);
struct cpu *cpu_get(struct analyzer *a, int32_t cpu);
/* The thread an event belongs to, as the core resolved it; NULL if unknown. */
struct thread *thread_of_event(struct analyzer *a, const struct tj_event *ev);
int thread_set_status(struct analyzer *a, struct thread *t, int64_t ts, enum thread_status s);
int thread_set_comm(struct analyzer *a, struct thread *t, const char *comm);
int thread_set_pid(struct analyzer *a, struct thread *t, int32_t pid);
int cpu_switch(struct analyzer *a, int32_t cpu, int64_t ts, int32_t next_tid);
int apply_rules(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		struct thread *cur);
int threads_finish(struct analyzer *a);
void threads_release(struct analyzer *a);

/* thread_export.c: the thread-state rules as a tjconv/model.h model */
void model_saw_task_state(struct analyzer *a, int64_t prev_state);
const struct tj_model *syscalls_model(void *state);
void syscalls_model_release(struct analyzer *a);

/* syscall_track.c */
int syscall_entry(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		  struct thread *t);
int syscall_exit(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		 struct thread *t);
int syscalls_finish(struct analyzer *a);

/* fd_track.c */
/* Update the fd table for a completed syscall (any ret: close and connect
 * matter even when they fail); for calls that create a descriptor, write
 * "ret 4 = new socket from ..." to a->note. */
int fd_on_exit(struct analyzer *a, const struct cls_info *entry, struct thread *t,
	       const struct cls_info *exit, const struct tj_event *ev, int64_t ret);
int fd_on_statedump(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev);
int fd_on_fork(struct analyzer *a, int32_t parent_pid, int32_t child_pid);
/* "127.0.0.1:4444" from the family, port_role and v4addr/v6addr fields. */
int fd_format_peer(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		   enum field_role port_role, char *buf, size_t cap);
/* The sys_op of a syscall name (and the description of an anonymous fd). */
enum sys_op fd_classify(const char *sysname, const char **anon_desc);
/* "socket fd 4" style description of an fd for annotations, or NULL. */
const char *fd_describe(struct analyzer *a, const struct thread *t, int64_t fd);

#endif
