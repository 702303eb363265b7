/*
 * Live state of the "stats" exporter: per-thread open syscalls and pending
 * wakeups, per-CPU interrupt and scheduling state, per-process fd tables,
 * and the accumulators (acc.h) the result tables are built from.  All of it
 * is bounded by what is alive in the traced system (threads, CPUs, fds,
 * in-flight socket buffers, capped target and connection tables), never by
 * trace length.
 */
#ifndef TJ_STATS_H
#define TJ_STATS_H

#include <stdint.h>

#include "acc.h"
#include "table.h"
#include "tjconv/map.h"
#include "tjconv/plugin.h"

#define COMM_LEN 24
#define MAX_SYSCALLS 1024
#define NERRNO 134        /* errno 1..133; 0 collects the others */
#define SYS_ARGS 6
#define SOFTIRQ_VECS 10
#define MAX_TARGETS 4096  /* io targets and connections kept by name */
#define MAX_INFLIGHT 65536 /* socket buffers followed at once */
#define SYSID_BY_ID (-3)

enum ev_kind {
	K_NONE = 0, K_SYS_ENTRY, K_SYS_EXIT, K_WAKING, K_WAKEUP, K_SWITCH, K_FORK,
	K_IRQ_ENTRY, K_IRQ_EXIT, K_SOFT_RAISE, K_SOFT_ENTRY, K_SOFT_EXIT,
	K_NET_QUEUE, K_NET_XMIT, K_NET_RECEIVE, K_SKB_COPY, K_SD_FD, K_SD_PROCESS,
};

/* What a syscall does for the io tables. */
enum io_op {
	IO_NONE = 0, IO_READ, IO_WRITE, IO_OPEN, IO_SOCKET, IO_ACCEPT, IO_PIPE, IO_DUP, IO_CLOSE,
};

struct hdr_fields; /* plugins/packets/packets.h */
struct fdtable;    /* plugins/syscalls/fdtable.h */

struct stats_class {
	enum ev_kind kind;
	uint8_t io;          /* enum io_op */
	int32_t sysid;       /* syscalls: index into stats.sysnames, -1 exit_syscall,
			        SYSID_BY_ID: syscall_entry_unknown, named by its id */
	tj_field f_id;
	tj_field f_tid, f_comm, f_prev_tid, f_next_tid, f_next_comm, f_prio;
	tj_field f_irq, f_name, f_ret, f_vec, f_skb, f_len, f_rc;
	tj_field f_sport, f_v4addr, f_fd, f_filename, f_fildes, f_oldfd, f_ftable, f_newfd, f_pid, f_child_pid, f_parent_pid;
	uint32_t nargs;
	const char *arg_names[SYS_ARGS];
	tj_field args[SYS_ARGS];
	struct hdr_fields *hdr; /* network_header, NULL when the class has none */
};

struct sys_open {
	int32_t sysid;       /* -1: none open */
	uint8_t io;
	int64_t ts, fd;
	int32_t cpu;
	char arg_text[TOP_TEXT]; /* "fd=3, count=8" (only the top table reads it) */
	char path[96];           /* open*: the file name */
	char args_str[SYS_ARGS][32];
	int64_t args_int[SYS_ARGS];
	uint8_t args_kind[SYS_ARGS]; /* 0 absent, 1 int, 2 string */
	uint32_t nargs;
	const struct stats_class *cls;
};

struct sthread {
	int32_t tid, pid;
	char comm[COMM_LEN];
	struct sys_open sys;
	int64_t wake_ts;     /* pending wakeup, TJ_TS_NONE if none */
	int64_t cpu_time;
	struct acc wake;
	uint64_t syscalls;
};

struct sys_stat {
	struct acc acc;
	uint64_t errors;
	uint32_t errno_count[NERRNO];
};

/* Per (thread, syscall). */
struct tid_sys {
	int32_t tid, sysid;
	struct acc acc;
	uint64_t errors;
};

struct cpu_state {
	int32_t cur_tid;     /* -2: not seen yet */
	int64_t since;
	int64_t busy;
	int64_t irq_ts;      /* open hard irq, TJ_TS_NONE if none */
	int64_t irq_nr;
	int64_t soft_ts[SOFTIRQ_VECS], raise_ts[SOFTIRQ_VECS];
};

struct irq_stat {
	int64_t nr;
	char name[32];
	struct acc acc;
};

struct io_acc {
	uint64_t reads, writes, rbytes, wbytes;
	struct acc acc;
};

struct io_target {
	char *desc;          /* the fd's description ("file:/etc/passwd"), or NULL: */
	int32_t pid;         /* ... an fd nothing named, by process and number */
	int64_t fd;
	const char *kind;
	char *name;          /* what the table shows */
	struct io_acc io;
};

struct netif_stat {
	char name[32];
	uint64_t txp, txb, rxp, rxb;
	struct acc txlat, rxlat;
};

struct conn_stat {
	uint8_t a[16], b[16]; /* endpoints, the smaller first (both directions share it) */
	uint16_t pa, pb;
	uint8_t family, proto_nr;
	const char *proto;
	uint64_t txp, txb, rxp, rxb;
	struct acc lat;
};

struct inflight {
	int64_t ts;          /* queue or receive time */
	int rx;              /* 1: received, waits for its copy */
	struct netif_stat *nif;
	struct conn_stat *conn;
	int64_t conn_queue_ts;
};

struct proc {
	int32_t pid;
	struct fdtable *fds;
};

struct stats {
	const struct tj_host *h;
	struct tj_plugin *self;
	unsigned what;
	int lami, metadata_only;
	unsigned gmt;        /* TJ_TIME_GMT or 0 */
	uint32_t topn;
	const struct tj_trace_info *info;
	int64_t first_ts, last_ts;

	struct tj_map threads;   /* tid -> sthread */
	struct tj_map procs;     /* pid -> proc */
	struct tj_map ftables;   /* statedump file_table_address -> pid + 1 */
	char *sysnames[MAX_SYSCALLS];
	uint32_t nsys;
	struct sys_stat *sys[MAX_SYSCALLS];
	struct tj_map tid_sys;   /* (tid << 12 | sysid) -> tid_sys */
	struct tj_map unknown_ids; /* syscall_entry_unknown id -> sysid + 1 */
	struct hist sys_hist;
	struct top sys_top;
	uint64_t sys_unmatched_exits;

	struct acc wake_all;
	struct top wake_top;
	struct cpu_state *cpus;
	uint32_t ncpus;

	struct tj_map hard;      /* irq nr -> irq_stat */
	struct acc soft[SOFTIRQ_VECS], raise[SOFTIRQ_VECS];

	struct io_acc io_kind[5];  /* file, socket, pipe, other, unknown */
	struct tj_map targets;     /* hash(name) -> io_target */
	uint64_t targets_dropped;

	struct netif_stat *netifs;
	uint32_t nnetifs;
	struct tj_map conns;       /* hash(name) -> conn_stat */
	struct tj_map inflight;    /* skbaddr -> inflight */
	uint64_t inflight_dropped;
	struct tj_sbuf *sb;
	const struct stats_class *cur_exit; /* the exit class io_exit is called for */
	struct stats_class **classes; /* every class_data handed out, freed in fini */
	uint32_t nclasses, capclasses;
};

/* main.c */
struct sthread *thread_get(struct stats *s, int32_t tid);
struct cpu_state *cpu_get(struct stats *s, int32_t cpu);
uint64_t name_hash(const char *s);
void stats_window(const struct stats *s, int64_t *b, int64_t *e);

/* sys.c */
int sys_class(struct stats *s, const struct tj_event_class *cls, struct stats_class *c);
int sys_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c);
int sys_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap);
void sys_release(struct stats *s);

/* sched.c */
int sched_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c);
int sched_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap);

/* irq.c */
int irq_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c);
int irq_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap);
void irq_release(struct stats *s);

/* io.c */
int io_exit(struct stats *s, const struct tj_event *ev, struct sthread *t, int64_t ret,
	    int64_t dur);
int io_fork(struct stats *s, const struct tj_event *ev, const struct stats_class *c);
int io_statedump(struct stats *s, const struct tj_event *ev, const struct stats_class *c);
int io_statedump_process(struct stats *s, const struct tj_event *ev, const struct stats_class *c);
int io_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap);
void io_release(struct stats *s);

/* net.c */
int net_class(struct stats *s, const struct tj_event_class *cls, struct stats_class *c);
int net_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c);
int net_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap);
void net_release(struct stats *s);

/* render_text.c, render_lami.c */
int render_text(struct stats *s, struct table *const *t, uint32_t n);
int render_lami(struct stats *s, struct table *const *t, uint32_t n);
int render_lami_metadata(struct stats *s);

/* borrowed.c: one definition shared with other plugins */
const char *errno_name(long err);

#endif
