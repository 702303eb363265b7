/*
 * The "load" scenario: exactly --events N events of a busy server (nginx,
 * postgres, a JVM, redis, containerd... about fifty threads) over --cpus K
 * streams, for benchmarks and volume tests. A small state machine keeps the
 * trace coherent: each thread is running on one CPU, runnable, or blocked
 * inside a syscall whose exit is emitted when it is switched back in;
 * wakeups (futex, network receive, timer) go through sched_waking and
 * sched_wakeup (on the target CPU); interrupts and softirqs nest inside the
 * running thread's context. Time advances per CPU in ns-to-µs steps and the
 * next episode always runs on the CPU that is furthest behind, so streams
 * interleave like a real multi-core trace. A fixed-seed PRNG drives choices.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

/* ---- syscalls ------------------------------------------------------------ */

static void emit_epoll_exit(struct load *L, struct lcpu *c, int64_t n)
{
	struct tjg_epoll_event evs[4];
	int64_t i;

	for (i = 0; i < n; i++) {
		evs[i].fd = sock_fd(L);
		evs[i].events = TJG_EPOLLIN;
	}
	tjg_emit_sys_exit_epoll_wait(c->s, at(L, c, 150, 600), n, evs, (uint32_t)n);
}

/* Exit of the syscall a thread slept in, now that it runs again. */
static void emit_pending_exit(struct load *L, struct lcpu *c, struct lthread *T)
{
	struct tjg_pollfd ready = {T->fd, TJG_POLLIN};

	switch (T->pending) {
	case LS_READ:
		tjg_emit_sys_exit_read(c->s, at(L, c, 200, 1500), 1 + rnd(L, 4096), T->ubuf);
		break;
	case LS_POLL:
		tjg_emit_sys_exit_poll(c->s, at(L, c, 200, 900), 1, 2, &ready, 1);
		break;
	case LS_FUTEX:
		tjg_emit_sys_exit_futex(c->s, at(L, c, 150, 600), 0, T->futex);
		break;
	case LS_EPOLL:
		emit_epoll_exit(L, c, 1 + rnd(L, 3));
		break;
	default:
		break;
	}
	T->pending = LS_NONE;
}

/* A segment between this host's service port and a client (eth0). */
static void make_seg(struct load *L, struct lthread *T, bool outbound, uint16_t payload,
		     struct tjg_tcp_seg *seg)
{
	uint32_t client = TJG_IPV4(10, 0, 1, 2 + rnd(L, 200));
	uint16_t cport = (uint16_t)(32768 + rnd(L, 28000));
	uint16_t sport = T->port ? T->port : 443;

	seg->saddr = outbound ? LOAD_SERVER_ADDR : client;
	seg->daddr = outbound ? client : LOAD_SERVER_ADDR;
	seg->sport = outbound ? sport : cport;
	seg->dport = outbound ? cport : sport;
	seg->seq = L->tcp_seq;
	seg->ack_seq = L->tcp_seq ^ 0x5bd1e995u;
	L->tcp_seq += 1 + payload;
	seg->flags = payload ? (TJG_TCP_PSH | TJG_TCP_ACK) : TJG_TCP_ACK;
	seg->window = 501;
	seg->ip_id = L->ip_id++;
	seg->doff = 8;
	seg->payload_len = payload;
}

/* Kernels take skbs from a slab, so a few addresses carry every packet:
 * reused in turn here, as the packets analyzer meets them in real traces.
 * Sent and received packets come from separate ranges (a sent skb is
 * freed at its TX completion, never received on eth0). */
#define SKB_SLOTS 512
static uint64_t next_skb(struct load *L, bool rx)
{
	return L->skb + (rx ? SKB_SLOTS * 0x100 : 0) + (L->skb_next++ % SKB_SLOTS) * 0x100;
}

/* write() on a socket: the packet goes out on eth0 within the syscall. */
static void emit_socket_write(struct load *L, struct lcpu *c, struct lthread *T)
{
	uint16_t len = (uint16_t)(64 + rnd(L, 1384));
	int32_t fd = sock_fd(L);
	struct tjg_tcp_seg seg;
	uint64_t skb = next_skb(L, false);

	make_seg(L, T, true, len, &seg);
	tjg_emit_sys_entry_write(c->s, at(L, c, 800, 2000), (uint32_t)fd, T->ubuf, len);
	tjg_emit_net_dev(c->s, at(L, c, 300, 700), TJG_EV_NET_DEV_QUEUE, skb,
			 tjg_tcp_seg_ip_len(&seg) + 14, "eth0", &seg);
	tjg_emit_net_dev_xmit(c->s, at(L, c, 400, 1200), skb, 0, tjg_tcp_seg_ip_len(&seg) + 14,
			      "eth0");
	tjg_emit_skb_consume(c->s, at(L, c, 200, 600), skb); /* TX completion */
	tjg_emit_sys_exit_ret(c->s, at(L, c, 300, 900), TJG_EV_SYSCALL_EXIT_WRITE, len);
}

/* A syscall that returns without sleeping. */
static void episode_syscall(struct load *L, struct lcpu *c, struct lthread *T)
{
	uint32_t r = rnd(L, 100);
	struct tjg_stream *s = c->s;
	int32_t fd;
	struct tjg_pollfd pfd;

	if (T->kernel) { /* kernel threads make no syscalls: just spin a little */
		c->now += 2000 + rnd(L, 20000);
		return;
	}
	if (r < 24) {
		uint64_t count = 16384;
		int64_t ret = rnd(L, 8) == 0 ? -EAGAIN_ : (int64_t)(1 + rnd(L, 16384));

		fd = sock_fd(L);
		tjg_emit_sys_entry_read(s, at(L, c, 500, 3000), (uint32_t)fd, count);
		tjg_emit_sys_exit_read(s, at(L, c, 300, 2000), ret, T->ubuf);
	} else if (r < 36) {
		emit_socket_write(L, c, T);
	} else if (r < 44) {
		uint64_t count = 64 + rnd(L, 8192);

		fd = 3 + (int32_t)rnd(L, 9);
		tjg_emit_sys_entry_write(s, at(L, c, 500, 3000), (uint32_t)fd, T->ubuf, count);
		tjg_emit_sys_exit_ret(s, at(L, c, 400, 6000), TJG_EV_SYSCALL_EXIT_WRITE,
				      (int64_t)count);
	} else if (r < 56) {
		int64_t ret = rnd(L, 20) == 0 ? -ENOENT_ : 9 + (int64_t)rnd(L, 50);

		tjg_emit_sys_entry_openat(s, at(L, c, 1000, 4000), AT_FDCWD_, T->file,
					  O_RDONLY_CLOEXEC, 0);
		tjg_emit_sys_exit_ret(s, at(L, c, 1500, 6000), TJG_EV_SYSCALL_EXIT_OPENAT, ret);
	} else if (r < 68) {
		fd = 9 + (int32_t)rnd(L, 50);
		tjg_emit_sys_entry_close(s, at(L, c, 400, 2000), (uint32_t)fd);
		tjg_emit_sys_exit_ret(s, at(L, c, 300, 1200), TJG_EV_SYSCALL_EXIT_CLOSE, 0);
	} else if (r < 80) {
		tjg_emit_sys_entry_epoll_wait(s, at(L, c, 500, 2000), T->epfd, 512, 0);
		emit_epoll_exit(L, c, rnd(L, 4));
	} else if (r < 88) {
		pfd.fd = sock_fd(L);
		pfd.events = TJG_POLLIN;
		tjg_emit_sys_entry_poll(s, at(L, c, 500, 2000), 0, &pfd, 1);
		if (rnd(L, 2)) {
			tjg_emit_sys_exit_poll(s, at(L, c, 300, 900), 1, 1, &pfd, 1);
		} else {
			tjg_emit_sys_exit_poll(s, at(L, c, 300, 900), 0, 1, &pfd, 0);
		}
	} else {
		/* Uncontended futex wait that times out. */
		tjg_emit_sys_entry_futex(s, at(L, c, 400, 1500), T->futex, FUTEX_WAIT_PRIVATE, 0,
					 0x7ffc00001000ull);
		tjg_emit_sys_exit_futex(s, at(L, c, 500, 3000), -ETIMEDOUT_, T->futex);
	}
	c->now += rnd(L, 4000); /* user-space work until the next event */
}

/* ---- scheduling ---------------------------------------------------------- */

/* Switch c from its current thread to the next runnable one (or idle). */
static void switch_out(struct load *L, struct lcpu *c, int64_t prev_state)
{
	const struct tjg_thread *prev = curr_thread(L, c);
	int next = rq_pop(c);
	const struct tjg_thread *nt = next < 0 ? &c->swapper : &L->th[next].t;

	tjg_emit_sched_switch(c->s, at(L, c, 800, 2500), prev, prev_state, nt);
	c->curr = next;
	if (next >= 0) {
		struct lthread *N = &L->th[next];

		N->state = LT_RUNNING;
		if (N->pending != LS_NONE)
			emit_pending_exit(L, c, N);
	}
}

/* From c, wake blocked thread w on its home CPU. */
static void wake(struct load *L, struct lcpu *c, int w)
{
	struct lthread *W = &L->th[w];
	struct lcpu *d = &L->cpus[W->cpu];

	tjg_emit_sched_wake(c->s, at(L, c, 300, 900), TJG_EV_SCHED_WAKING, &W->t, (int32_t)W->cpu);
	blocked_remove(L, w);
	W->state = LT_RUNNABLE;
	rq_push(d, w);
	if (d == c) {
		tjg_emit_sched_wake(c->s, at(L, c, 300, 900), TJG_EV_SCHED_WAKEUP, &W->t,
				    (int32_t)W->cpu);
		return;
	}
	/* Remote CPU: the wakeup is recorded there (wake list / IPI). */
	if (d->now < c->now)
		d->now = c->now;
	d->now += 400 + rnd(L, 1500);
	tjg_emit_sched_wake(d->s, at(L, d, 300, 900), TJG_EV_SCHED_WAKEUP, &W->t, (int32_t)W->cpu);
	if (d->curr < 0)
		switch_out(L, d, TJG_TASK_RUNNING);
}

/*
 * A sleeping thread that c may wake: it must have gone to sleep before c's
 * present (CPUs run at different paces in generation order).
 */
static int pick_blocked(struct load *L, const struct lcpu *c)
{
	int tries, w;

	for (tries = 0; tries < 4 && L->nblocked > 0; tries++) {
		w = L->blocked[rnd(L, L->nblocked)];
		if (L->th[w].blocked_at < c->now)
			return w;
	}
	return -1;
}

/* Enter a syscall that sleeps, then give the CPU away. */
static void episode_block(struct load *L, struct lcpu *c, struct lthread *T)
{
	uint32_t r = rnd(L, 4);
	struct tjg_pollfd pfd[2];

	T->fd = sock_fd(L);
	if (T->kernel) {
		r = 4; /* kernel threads just sleep */
	} else if (r == 0) {
		tjg_emit_sys_entry_read(c->s, at(L, c, 500, 2500), (uint32_t)T->fd, 16384);
		T->pending = LS_READ;
	} else if (r == 1) {
		pfd[0].fd = T->fd;
		pfd[0].events = TJG_POLLIN;
		pfd[1].fd = T->epfd;
		pfd[1].events = TJG_POLLIN;
		tjg_emit_sys_entry_poll(c->s, at(L, c, 500, 2500), 1000, pfd, 2);
		T->pending = LS_POLL;
	} else if (r == 2) {
		tjg_emit_sys_entry_futex(c->s, at(L, c, 400, 1500), T->futex, FUTEX_WAIT_PRIVATE, 0,
					 0);
		T->pending = LS_FUTEX;
	} else {
		tjg_emit_sys_entry_epoll_wait(c->s, at(L, c, 500, 2500), T->epfd, 512, -1);
		T->pending = LS_EPOLL;
	}
	T->state = LT_BLOCKED;
	blocked_add(L, c->curr);
	switch_out(L, c, TJG_TASK_INTERRUPTIBLE);
	T->blocked_at = c->now;
}

/* futex(FUTEX_WAKE) that wakes another thread, if any is asleep. */
static void episode_wake(struct load *L, struct lcpu *c, struct lthread *T)
{
	int w = pick_blocked(L, c);

	if (T->kernel || w < 0 || L->th[w].kernel) {
		episode_syscall(L, c, T);
		return;
	}
	tjg_emit_sys_entry_futex(c->s, at(L, c, 400, 1500), L->th[w].futex, FUTEX_WAKE_PRIVATE, 1,
				 0);
	wake(L, c, w);
	tjg_emit_sys_exit_futex(c->s, at(L, c, 300, 1200), 1, L->th[w].futex);
}

/* ---- interrupts ---------------------------------------------------------- */

/* Local timer tick: TIMER softirq; sometimes RCU via ksoftirqd; maybe preempt. */
static void episode_tick(struct load *L, struct lcpu *c)
{
	struct tjg_stream *s = c->s;

	tjg_emit_irq_entry(s, at(L, c, 800, 1500), LOAD_TIMER_IRQ, "timer");
	tjg_emit_softirq(s, at(L, c, 500, 1200), TJG_EV_IRQ_SOFTIRQ_RAISE, TJG_SOFTIRQ_TIMER);
	tjg_emit_irq_exit(s, at(L, c, 300, 600), LOAD_TIMER_IRQ, 1);
	tjg_emit_softirq(s, at(L, c, 1000, 3000), TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_TIMER);
	tjg_emit_softirq(s, at(L, c, 300, 800), TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_TIMER);
	if (rnd(L, 4) == 0) {
		/* An expired timer (timeout, kworker delay, ...) wakes a sleeper. */
		int w = pick_blocked(L, c);

		if (w >= 0)
			wake(L, c, w);
	}
	if (rnd(L, 8) == 0) {
		/* RCU callbacks deferred to ksoftirqd, which preempts the current task. */
		const struct tjg_thread *prev = curr_thread(L, c);
		int64_t state = c->curr < 0 ? TJG_TASK_RUNNING : TJG_TASK_PREEMPTED;

		tjg_emit_sched_wake(s, at(L, c, 300, 800), TJG_EV_SCHED_WAKING, &c->ksoftirqd,
				    (int32_t)(c - L->cpus));
		tjg_emit_sched_wake(s, at(L, c, 300, 800), TJG_EV_SCHED_WAKEUP, &c->ksoftirqd,
				    (int32_t)(c - L->cpus));
		tjg_emit_sched_switch(s, at(L, c, 1000, 2000), prev, state, &c->ksoftirqd);
		tjg_emit_softirq(s, at(L, c, 800, 1500), TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_RCU);
		tjg_emit_softirq(s, at(L, c, 2000, 8000), TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_RCU);
		tjg_emit_sched_switch(s, at(L, c, 1000, 2000), &c->ksoftirqd,
				      TJG_TASK_INTERRUPTIBLE, prev);
	} else if (c->curr >= 0 && c->rq_len > 0 && rnd(L, 2) == 0) {
		/* Time slice over: preempt in favour of a runnable thread. */
		int t = c->curr;

		L->th[t].state = LT_RUNNABLE;
		rq_push(c, t);
		switch_out(L, c, TJG_TASK_PREEMPTED);
	}
}

/* NIC interrupt: NET_RX softirq receives a packet and may wake its reader. */
static void episode_net_rx(struct load *L, struct lcpu *c)
{
	struct tjg_stream *s = c->s;
	int32_t irq = 40 + (int32_t)(c - L->cpus) % 8;
	int w = pick_blocked(L, c);
	struct lthread *dst = w >= 0 ? &L->th[w] : &L->th[rnd(L, L->nth)];
	struct tjg_tcp_seg seg;
	uint64_t skb = next_skb(L, true);

	make_seg(L, dst, false, (uint16_t)(rnd(L, 3) ? rnd(L, 1448) : 0), &seg);
	tjg_emit_irq_entry(s, at(L, c, 800, 1500), irq, c->irq_name);
	tjg_emit_softirq(s, at(L, c, 400, 900), TJG_EV_IRQ_SOFTIRQ_RAISE, TJG_SOFTIRQ_NET_RX);
	tjg_emit_irq_exit(s, at(L, c, 300, 700), irq, 1);
	tjg_emit_softirq(s, at(L, c, 600, 1500), TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_NET_RX);
	tjg_emit_net_dev(s, at(L, c, 1500, 4000), TJG_EV_NET_IF_RECEIVE_SKB, skb,
			 tjg_tcp_seg_ip_len(&seg), "eth0", &seg);
	if (w >= 0 && !dst->kernel && rnd(L, 4) != 0)
		wake(L, c, w);
	tjg_emit_skb_consume(s, at(L, c, 200, 600), skb); /* queued to the socket, freed */
	tjg_emit_softirq(s, at(L, c, 800, 2500), TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_NET_RX);
}

/* ---- driver -------------------------------------------------------------- */

static void episode(struct load *L, struct lcpu *c)
{
	struct lthread *T;
	uint32_t r;

	if (c->curr < 0) {
		if (c->rq_len > 0) {
			switch_out(L, c, TJG_TASK_RUNNING);
			return;
		}
		c->now += 20000 + rnd(L, 400000); /* idle until an interrupt */
		if (rnd(L, 5) < 3)
			episode_tick(L, c);
		else
			episode_net_rx(L, c);
		return;
	}
	T = &L->th[c->curr];
	r = rnd(L, 100);
	if (r < 52)
		episode_syscall(L, c, T);
	else if (r < 66)
		episode_block(L, c, T);
	else if (r < 78)
		episode_wake(L, c, T);
	else if (r < 90)
		episode_net_rx(L, c);
	else
		episode_tick(L, c);
}

static struct lcpu *most_behind(struct load *L)
{
	struct lcpu *best = &L->cpus[0];
	unsigned i;

	for (i = 1; i < L->ncpus; i++)
		if (L->cpus[i].now < best->now)
			best = &L->cpus[i];
	return best;
}

static int load_run(struct tjg_trace *trace, const struct tjg_options *opts)
{
	struct lcpu *cpus;
	struct load L;
	unsigned i;

	if (trace->ncpus > LOAD_MAX_CPUS) {
		tjg_error_append("the load scenario supports at most %u cpus", LOAD_MAX_CPUS);
		return TJG_ERR;
	}
	cpus = calloc(trace->ncpus, sizeof(*cpus));
	if (!cpus) {
		tjg_error_append("out of memory");
		return TJG_ERR;
	}
	memset(&L, 0, sizeof(L));
	L.cpus = cpus;
	L.ncpus = trace->ncpus;
	L.rng = opts->seed ? opts->seed : 1;
	L.skb = 0xffff8f0b10000000ull;
	L.tcp_seq = 0x6b8b4567u;
	L.ip_id = 0x1c2d;
	for (i = 0; i < L.ncpus; i++) {
		struct lcpu *c = &cpus[i];
		char name[32];

		c->s = &trace->streams[i];
		snprintf(name, sizeof(name), "swapper/%u", i);
		tjg_thread_init(&c->swapper, name, 0, 0, 0, 20);
		snprintf(name, sizeof(name), "ksoftirqd/%u", i);
		tjg_thread_init(&c->ksoftirqd, name, (int32_t)(10 + 8 * i), (int32_t)(10 + 8 * i),
				2, 20);
		snprintf(c->irq_name, sizeof(c->irq_name), "eth0-TxRx-%u", i % 8);
	}
	load_add_threads(&L);
	for (i = 0; opts->hostile_comm && i < L.nth; i++)
		if (strcmp(L.th[i].t.comm, "io_thd_2") == 0) /* a name no line may hold raw */
			snprintf(L.th[i].t.comm, sizeof(L.th[i].t.comm), "io\nthd\x01\xff");
	load_init_state(&L, !opts->no_statedump);
	if (!opts->no_statedump) {
		load_statedump(&L);
		/* lttng-sessiond goes back to sleep in poll. */
		L.th[0].state = LT_BLOCKED;
		L.th[0].pending = LS_POLL;
		L.th[0].fd = 9;
		blocked_add(&L, 0);
		tjg_emit_sys_entry_poll(cpus[0].s, at(&L, &cpus[0], 1000, 1000), -1,
					&(struct tjg_pollfd){9, TJG_POLLIN}, 1);
		switch_out(&L, &cpus[0], TJG_TASK_INTERRUPTIBLE);
		L.th[0].blocked_at = cpus[0].now;
	}
	while (trace->budget > 0 && !trace->failed)
		episode(&L, most_behind(&L));
	free(cpus);
	return trace->failed ? TJG_ERR : TJG_OK;
}

const struct tjg_scenario tjg_scenario_load = {
	.name = "load",
	.ncpus = 0,
	.events = TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_START) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_END) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_PROCESS_STATE) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_FILE_DESCRIPTOR) |
		  TJG_EV_BIT(TJG_EV_SCHED_SWITCH) | TJG_EV_BIT(TJG_EV_SCHED_WAKING) |
		  TJG_EV_BIT(TJG_EV_SCHED_WAKEUP) | TJG_EV_BIT(TJG_EV_IRQ_HANDLER_ENTRY) |
		  TJG_EV_BIT(TJG_EV_IRQ_HANDLER_EXIT) | TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_RAISE) |
		  TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_ENTRY) | TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_EXIT) |
		  TJG_EV_BIT(TJG_EV_NET_DEV_QUEUE) | TJG_EV_BIT(TJG_EV_NET_DEV_XMIT) |
		  TJG_EV_BIT(TJG_EV_SKB_CONSUME) |
		  TJG_EV_BIT(TJG_EV_NET_IF_RECEIVE_SKB) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_POLL) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_POLL) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_READ) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_READ) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_WRITE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_WRITE) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_CLOSE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_CLOSE) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_OPENAT) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_OPENAT) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_FUTEX) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_FUTEX) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_EPOLL_WAIT) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_EPOLL_WAIT),
	.run = load_run,
};
