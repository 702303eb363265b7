/*
 * Internal model of the "load" scenario, shared by scenario_load.c (the
 * episodes and the driver) and load_threads.c (the thread table, initial
 * state and statedump): threads, CPUs, run queues, the set of sleeping
 * threads, and the PRNG and per-CPU clock helpers.
 */
#ifndef TJGEN_LOAD_H
#define TJGEN_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "emit.h"
#include "tjgen.h"

#define LOAD_MAX_THREADS 64
#define LOAD_MAX_CPUS 128 /* ksoftirqd tids stay clear of the process table */
#define LOAD_TIMER_IRQ 0
#define LOAD_SERVER_ADDR TJG_IPV4(10, 0, 0, 5)
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define O_RDONLY_CLOEXEC 02000000
#define AT_FDCWD_ (-100)
#define EAGAIN_ 11
#define ENOENT_ 2
#define ETIMEDOUT_ 110

enum load_sys { LS_NONE, LS_READ, LS_WRITE, LS_POLL, LS_OPENAT, LS_CLOSE, LS_FUTEX, LS_EPOLL };
enum load_state { LT_RUNNING, LT_RUNNABLE, LT_BLOCKED };

struct lthread {
	struct tjg_thread t;
	unsigned cpu;       /* home CPU: where it runs and is woken */
	uint8_t state;      /* enum load_state */
	uint8_t pending;    /* syscall it is inside (exit not emitted yet), or LS_NONE */
	uint8_t kernel;     /* kernel thread */
	int32_t fd;         /* fd of the pending syscall */
	int32_t epfd;       /* its process's epoll fd */
	uint16_t port;      /* its process's listening port */
	uint64_t ubuf;      /* user buffer address */
	uint64_t futex;     /* futex word address */
	const char *file;   /* a file its process opens */
	int blocked_pos;    /* index in load.blocked, -1 if not blocked */
	uint64_t blocked_at; /* when it went to sleep (its CPU's clock) */
};

struct lcpu {
	struct tjg_stream *s;
	uint64_t now;       /* clock of the next event on this CPU */
	int curr;           /* running thread index, -1 = idle (swapper) */
	struct tjg_thread swapper;
	struct tjg_thread ksoftirqd;
	int rq[LOAD_MAX_THREADS]; /* runnable threads, FIFO ring */
	unsigned rq_head;
	unsigned rq_len;
	char irq_name[24];
};

struct load {
	struct lcpu *cpus;
	unsigned ncpus;
	struct lthread th[LOAD_MAX_THREADS];
	unsigned nth;
	int blocked[LOAD_MAX_THREADS];
	unsigned nblocked;
	uint64_t rng;
	uint64_t skb;       /* the skb slab's first address */
	uint64_t skb_next;  /* skbs handed out so far */
	uint32_t tcp_seq;
	uint16_t ip_id;
};

/* xorshift64*: fast, good enough, fixed by the seed. */
static inline uint64_t rnd64(struct load *L)
{
	L->rng ^= L->rng >> 12;
	L->rng ^= L->rng << 25;
	L->rng ^= L->rng >> 27;
	return L->rng * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n). */
static inline uint32_t rnd(struct load *L, uint32_t n)
{
	return (uint32_t)(((rnd64(L) >> 32) * (uint64_t)n) >> 32);
}

/* Timestamp for the next event on c, then move c's clock on by lo + [0, span). */
static inline uint64_t at(struct load *L, struct lcpu *c, uint32_t lo, uint32_t span)
{
	uint64_t ts = c->now;

	c->now += lo + rnd(L, span);
	return ts;
}

static inline const struct tjg_thread *curr_thread(struct load *L, struct lcpu *c)
{
	return c->curr < 0 ? &c->swapper : &L->th[c->curr].t;
}

/* ---- run queues and blocked set ----------------------------------------- */

static inline void rq_push(struct lcpu *c, int t)
{
	c->rq[(c->rq_head + c->rq_len) % LOAD_MAX_THREADS] = t;
	c->rq_len++;
}

static inline int rq_pop(struct lcpu *c)
{
	int t;

	if (c->rq_len == 0)
		return -1;
	t = c->rq[c->rq_head];
	c->rq_head = (c->rq_head + 1) % LOAD_MAX_THREADS;
	c->rq_len--;
	return t;
}

static inline void blocked_add(struct load *L, int t)
{
	L->th[t].blocked_pos = (int)L->nblocked;
	L->blocked[L->nblocked++] = t;
}

static inline void blocked_remove(struct load *L, int t)
{
	int pos = L->th[t].blocked_pos;
	int last = L->blocked[--L->nblocked];

	L->blocked[pos] = last;
	L->th[last].blocked_pos = pos;
	L->th[t].blocked_pos = -1;
}

static inline int32_t sock_fd(struct load *L)
{
	return 12 + (int32_t)rnd(L, 48);
}

/* load_threads.c */
void load_add_threads(struct load *L);
/* Who runs, waits or sleeps when tracing starts; thread 0 is lttng-sessiond. */
void load_init_state(struct load *L, bool statedump);
/* LTTng's statedump, run by lttng-sessiond on CPU 0. */
void load_statedump(struct load *L);

#endif /* TJGEN_LOAD_H */
