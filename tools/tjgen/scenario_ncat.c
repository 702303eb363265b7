/*
 * The "ncat" scenario: two CPUs, an `ncat -l 4000` server (pid 2150, CPU 0)
 * and an ncat client (pid 2160, CPU 1) that connects over loopback from port
 * 4444, sends "hello\n" and shuts down; the server prints it, sees EOF and
 * exits. Everything a kernel with `lttng enable-event -k --all --syscall` and
 * the procname/vtid/vpid/prio contexts would record around that exchange:
 * statedump, syscalls, scheduling and wakeups across CPUs, the loopback TCP
 * packets (net_dev_queue, net_if_rx, net_dev_xmit, net_if_receive_skb with
 * IPv4/TCP headers) inside NET_RX softirqs, timer interrupts, ksoftirqd.
 *
 * Times are fixed offsets from the trace start, unique across both CPUs so
 * the merged order never depends on tie-breaking; doc/tjgen.md lists the
 * timeline and tests assert it, so change it only with the document.
 */
#include <stdbool.h>

#include "emit.h"
#include "pcap_writer.h"
#include "tjgen.h"

#define US(x) ((uint64_t)(x) * 1000u)
#define MS(x) ((uint64_t)(x) * 1000000u)

#define SERVER_PORT 4000
#define CLIENT_PORT 4444
#define LO_ADDR TJG_IPV4(127, 0, 0, 1)
#define AF_INET_ 2
#define SOCK_STREAM_ 1
#define IPPROTO_TCP_ 6
#define SOCK_CLOEXEC_ 0x80000
#define SHUT_WR_ 1
#define ETH_HLEN_ 14
#define CLIENT_ISN 1103527590u
#define SERVER_ISN 2451162017u
#define O_RDWR_LARGEFILE 0100002 /* /dev/pts/0 as opened by the shell */
#define FMODE_TTY 0x1f           /* READ|WRITE|LSEEK|PREAD|PWRITE */
#define TIMER_IRQ 0

static const uint8_t lo_v4[4] = {127, 0, 0, 1};

/* --pcap: the capture of the loopback traffic, NULL when not asked for. */
static struct tjg_pcap *capture;

struct ncat {
	struct tjg_stream *cpu0;
	struct tjg_stream *cpu1;
	uint64_t t0;
	struct tjg_thread swapper0, swapper1, systemd, kthreadd, ksoftirqd0, ksoftirqd1;
	struct tjg_thread sessiond, bash, server, client;
};

static void ncat_threads(struct ncat *n)
{
	tjg_thread_init(&n->swapper0, "swapper/0", 0, 0, 0, 20);
	tjg_thread_init(&n->swapper1, "swapper/1", 0, 0, 0, 20);
	tjg_thread_init(&n->systemd, "systemd", 1, 1, 0, 20);
	tjg_thread_init(&n->kthreadd, "kthreadd", 2, 2, 0, 20);
	tjg_thread_init(&n->ksoftirqd0, "ksoftirqd/0", 13, 13, 2, 20);
	tjg_thread_init(&n->ksoftirqd1, "ksoftirqd/1", 21, 21, 2, 20);
	tjg_thread_init(&n->sessiond, "lttng-sessiond", 1200, 1200, 1, 20);
	tjg_thread_init(&n->bash, "bash", 2100, 2100, 1, 20);
	tjg_thread_init(&n->server, "ncat", 2150, 2150, 2100, 20);
	tjg_thread_init(&n->client, "ncat", 2160, 2160, 2100, 20);
}

/* Kernel addresses of the files_struct of each process (statedump). */
static uint64_t files_of(const struct tjg_thread *t)
{
	return 0xffff9d2a4b3c0000ull + (uint64_t)t->pid * 0x400;
}

/*
 * Statedump by lttng-sessiond on CPU 1 at trace start: processes in pid
 * order, each followed by its open files. Returns the time after it.
 */
static uint64_t ncat_statedump(struct ncat *n, uint64_t ts)
{
	struct {
		const struct tjg_thread *t;
		int32_t type;
		int32_t status;
		uint32_t cpu;
		int nfds;
	} procs[] = {
		{&n->systemd, TJG_SD_USER_THREAD, TJG_SD_STATUS_WAIT, 0, 0},
		{&n->kthreadd, TJG_SD_KERNEL_THREAD, TJG_SD_STATUS_WAIT, 1, 0},
		{&n->ksoftirqd0, TJG_SD_KERNEL_THREAD, TJG_SD_STATUS_WAIT, 0, 0},
		{&n->ksoftirqd1, TJG_SD_KERNEL_THREAD, TJG_SD_STATUS_WAIT, 1, 0},
		{&n->sessiond, TJG_SD_USER_THREAD, TJG_SD_STATUS_RUN, 1, 0},
		{&n->bash, TJG_SD_USER_THREAD, TJG_SD_STATUS_WAIT, 1, 4},
		{&n->server, TJG_SD_USER_THREAD, TJG_SD_STATUS_RUN, 0, 3},
		{&n->client, TJG_SD_USER_THREAD, TJG_SD_STATUS_WAIT, 1, 3},
	};
	static const int32_t fds[] = {0, 1, 2, 255};
	struct tjg_stream *s = n->cpu1;
	unsigned i;
	int f;

	tjg_emit_statedump_mark(s, ts, TJG_EV_LTTNG_STATEDUMP_START);
	ts += 2100;
	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		tjg_emit_statedump_process(s, ts, procs[i].t, procs[i].type, procs[i].status,
					   procs[i].cpu, files_of(procs[i].t));
		ts += 1200;
		for (f = 0; f < procs[i].nfds; f++) {
			tjg_emit_statedump_fd(s, ts, files_of(procs[i].t), fds[f], O_RDWR_LARGEFILE,
					      FMODE_TTY, "/dev/pts/0");
			ts += 800;
		}
	}
	tjg_emit_statedump_mark(s, ts, TJG_EV_LTTNG_STATEDUMP_END);
	return ts;
}

/* A loopback TCP segment: its skb and headers. */
struct lo_pkt {
	uint64_t skb;
	struct tjg_tcp_seg seg;
};

static struct lo_pkt lo_pkt(unsigned k, bool from_client, uint32_t seq, uint32_t ack,
			    uint16_t flags, uint16_t ip_id, uint16_t payload)
{
	struct lo_pkt p;
	bool syn = flags & TJG_TCP_SYN;

	p.skb = 0xffff8f0a4c2d1a00ull + (uint64_t)k * 0x300;
	p.seg.saddr = LO_ADDR;
	p.seg.daddr = LO_ADDR;
	p.seg.sport = from_client ? CLIENT_PORT : SERVER_PORT;
	p.seg.dport = from_client ? SERVER_PORT : CLIENT_PORT;
	p.seg.seq = seq;
	p.seg.ack_seq = ack;
	p.seg.flags = flags;
	/* SYN: 65495 (lo MSS 65483 + options); SYN-ACK 65483; then 512 << wscale 7. */
	p.seg.window = syn ? (flags & TJG_TCP_ACK ? 65483 : 65495) : 512;
	p.seg.ip_id = ip_id;
	p.seg.doff = syn ? 10 : 8; /* MSS, SACK, TS, WS options / TS option */
	p.seg.payload_len = payload;
	return p;
}

/*
 * Transmit over lo: dev_queue_xmit -> loopback_xmit -> netif_rx (which
 * raises NET_RX unless the backlog is already being processed) -> xmit done.
 */
static void lo_xmit(struct tjg_stream *s, uint64_t ts, const struct lo_pkt *p, bool raise)
{
	uint32_t ip_len = tjg_tcp_seg_ip_len(&p->seg);

	tjg_emit_net_dev(s, ts, TJG_EV_NET_DEV_QUEUE, p->skb, ip_len + ETH_HLEN_, "lo", &p->seg);
	tjg_emit_net_dev(s, ts + 500, TJG_EV_NET_IF_RX, p->skb, ip_len, "lo", &p->seg);
	if (raise)
		tjg_emit_softirq(s, ts + 1000, TJG_EV_IRQ_SOFTIRQ_RAISE, TJG_SOFTIRQ_NET_RX);
	tjg_emit_net_dev_xmit(s, ts + 1500, p->skb, 0, ip_len + ETH_HLEN_, "lo");
}

/* process_backlog hands the skb to the IP stack. */
static void lo_receive(struct tjg_stream *s, uint64_t ts, const struct lo_pkt *p)
{
	tjg_emit_net_dev(s, ts, TJG_EV_NET_IF_RECEIVE_SKB, p->skb, tjg_tcp_seg_ip_len(&p->seg), "lo",
			 &p->seg);
	if (capture) /* the loopback tap sees it as it is received */
		tjg_pcap_segment(capture, ts + TJG_CLOCK_OFFSET, &p->seg);
}

/* Local timer tick on an idle CPU: TIMER softirq runs on irq exit. */
static void timer_tick(struct tjg_stream *s, uint64_t ts)
{
	tjg_emit_irq_entry(s, ts, TIMER_IRQ, "timer");
	tjg_emit_softirq(s, ts + 1800, TJG_EV_IRQ_SOFTIRQ_RAISE, TJG_SOFTIRQ_TIMER);
	tjg_emit_irq_exit(s, ts + 3100, TIMER_IRQ, 1);
	tjg_emit_softirq(s, ts + 3900, TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_TIMER);
	tjg_emit_softirq(s, ts + 6200, TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_TIMER);
}

/* A tick whose TIMER softirq raises RCU, handed to ksoftirqd. */
static void timer_tick_ksoftirqd(struct tjg_stream *s, uint64_t ts, const struct tjg_thread *idle,
				 const struct tjg_thread *ksoftirqd, int32_t cpu)
{
	tjg_emit_irq_entry(s, ts, TIMER_IRQ, "timer");
	tjg_emit_softirq(s, ts + 1800, TJG_EV_IRQ_SOFTIRQ_RAISE, TJG_SOFTIRQ_TIMER);
	tjg_emit_irq_exit(s, ts + 3100, TIMER_IRQ, 1);
	tjg_emit_softirq(s, ts + 3900, TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_TIMER);
	tjg_emit_softirq(s, ts + 5000, TJG_EV_IRQ_SOFTIRQ_RAISE, TJG_SOFTIRQ_RCU);
	tjg_emit_softirq(s, ts + 6200, TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_TIMER);
	tjg_emit_sched_wake(s, ts + 7400, TJG_EV_SCHED_WAKING, ksoftirqd, cpu);
	tjg_emit_sched_wake(s, ts + 8300, TJG_EV_SCHED_WAKEUP, ksoftirqd, cpu);
	tjg_emit_sched_switch(s, ts + 10500, idle, TJG_TASK_RUNNING, ksoftirqd);
	tjg_emit_softirq(s, ts + 12000, TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_RCU);
	tjg_emit_softirq(s, ts + 15600, TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_RCU);
	tjg_emit_sched_switch(s, ts + 17800, ksoftirqd, TJG_TASK_INTERRUPTIBLE, idle);
}

/* CPU 0 from the start: the server sets up its socket and blocks in accept4. */
static void server_setup(struct ncat *n, uint64_t t)
{
	struct tjg_stream *s = n->cpu0;

	tjg_emit_sys_entry_socket(s, t + US(15), AF_INET_, SOCK_STREAM_, IPPROTO_TCP_);
	tjg_emit_sys_exit_ret(s, t + US(19), TJG_EV_SYSCALL_EXIT_SOCKET, 3);
	tjg_emit_sys_entry_bind(s, t + US(23), 3, 0x7ffd3a1c5e40ull, 16);
	tjg_emit_sys_exit_ret(s, t + US(27), TJG_EV_SYSCALL_EXIT_BIND, 0);
	tjg_emit_sys_entry_listen(s, t + US(29), 3, 10);
	tjg_emit_sys_exit_ret(s, t + US(31), TJG_EV_SYSCALL_EXIT_LISTEN, 0);
	tjg_emit_sys_entry_accept4(s, t + US(34), 3, 0x7ffd3a1c5e80ull, 128, SOCK_CLOEXEC_);
	tjg_emit_sched_switch(s, t + US(37), &n->server, TJG_TASK_INTERRUPTIBLE, &n->swapper0);
}

/* Idle seconds: ticks on both CPUs, ksoftirqd runs once on each. */
static void idle_ticks(struct ncat *n, uint64_t t)
{
	timer_tick_ksoftirqd(n->cpu0, t + MS(1000), &n->swapper0, &n->ksoftirqd0, 0);
	timer_tick(n->cpu1, t + MS(1500));
	timer_tick(n->cpu0, t + MS(2000));
	timer_tick_ksoftirqd(n->cpu1, t + MS(2500), &n->swapper1, &n->ksoftirqd1, 1);
	timer_tick(n->cpu0, t + MS(3000));
}

/* The server, woken on CPU 0, returns from a blocking call at tw. */
static void server_wakes(struct ncat *n, uint64_t tw)
{
	tjg_emit_sched_wake(n->cpu0, tw, TJG_EV_SCHED_WAKEUP, &n->server, 0);
	tjg_emit_sched_switch(n->cpu0, tw + 1500, &n->swapper0, TJG_TASK_RUNNING, &n->server);
}

/*
 * Client on CPU 1 from tc (3.21 s): the nanosleep it was in before the
 * trace started ends on a timer interrupt, then socket + connect with the
 * whole three-way handshake processed in the NET_RX softirq that runs when
 * the client re-enables bottom halves. The server's accept4 returns on CPU 0.
 */
static void connect_phase(struct ncat *n, uint64_t tc)
{
	struct tjg_stream *s = n->cpu1;
	struct lo_pkt syn = lo_pkt(0, true, CLIENT_ISN, 0, TJG_TCP_SYN, 0x5a3c, 0);
	struct lo_pkt synack = lo_pkt(1, false, SERVER_ISN, CLIENT_ISN + 1,
				      TJG_TCP_SYN | TJG_TCP_ACK, 0, 0);
	struct lo_pkt ack = lo_pkt(2, true, CLIENT_ISN + 1, SERVER_ISN + 1, TJG_TCP_ACK, 0x5a3d, 0);

	tjg_emit_irq_entry(s, tc, TIMER_IRQ, "timer");
	tjg_emit_sched_wake(s, tc + 600, TJG_EV_SCHED_WAKING, &n->client, 1);
	tjg_emit_sched_wake(s, tc + 1100, TJG_EV_SCHED_WAKEUP, &n->client, 1);
	tjg_emit_irq_exit(s, tc + US(2), TIMER_IRQ, 1);
	tjg_emit_sched_switch(s, tc + US(4), &n->swapper1, TJG_TASK_RUNNING, &n->client);
	tjg_emit_sys_exit_clock_nanosleep(s, tc + 5500, 0, 0);
	tjg_emit_sys_entry_socket(s, tc + US(9), AF_INET_, SOCK_STREAM_, IPPROTO_TCP_);
	tjg_emit_sys_exit_ret(s, tc + US(13), TJG_EV_SYSCALL_EXIT_SOCKET, 3);
	tjg_emit_sys_entry_connect(s, tc + US(16), 3, 0x7ffe81b2d6c0ull, 16, AF_INET_, SERVER_PORT,
				   lo_v4);
	lo_xmit(s, tc + US(21), &syn, true);
	tjg_emit_softirq(s, tc + US(24), TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_NET_RX);
	lo_receive(s, tc + US(25), &syn);
	lo_xmit(s, tc + US(28), &synack, false);   /* listener answers */
	lo_receive(s, tc + US(30), &synack);
	lo_xmit(s, tc + US(33), &ack, false);      /* client completes */
	lo_receive(s, tc + US(35), &ack);
	/* The new connection is queued on the listener: wake the server. */
	tjg_emit_sched_wake(s, tc + US(38), TJG_EV_SCHED_WAKING, &n->server, 0);
	tjg_emit_softirq(s, tc + US(40), TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_NET_RX);
	tjg_emit_sys_exit_ret(s, tc + US(42), TJG_EV_SYSCALL_EXIT_CONNECT, 0);

	/* CPU 0 was idle: the wakeup runs there (wake list), then the switch. */
	server_wakes(n, tc + 39500);
	tjg_emit_sys_exit_accept4(n->cpu0, tc + US(43), 4, 16, AF_INET_, CLIENT_PORT, lo_v4);
}

static const struct tjg_pollfd server_pollfds[] = {
	{4, TJG_POLLIN},
	{0, TJG_POLLIN},
};

static const struct tjg_pollfd server_ready[] = {
	{4, TJG_POLLIN},
};

/* Server on CPU 0: poll on the connection and stdin, block. */
static void server_poll_blocks(struct ncat *n, uint64_t t)
{
	tjg_emit_sys_entry_poll(n->cpu0, t, -1, server_pollfds, 2);
	tjg_emit_sched_switch(n->cpu0, t + US(2), &n->server, TJG_TASK_INTERRUPTIBLE, &n->swapper0);
}

/* Client writes "hello\n"; the server is woken, prints it, polls again. */
static void data_phase(struct ncat *n, uint64_t tc)
{
	struct tjg_stream *s = n->cpu1;
	struct tjg_stream *s0 = n->cpu0;
	struct lo_pkt data = lo_pkt(3, true, CLIENT_ISN + 1, SERVER_ISN + 1,
				    TJG_TCP_PSH | TJG_TCP_ACK, 0x5a3e, 6);
	struct lo_pkt ack = lo_pkt(4, false, SERVER_ISN + 1, CLIENT_ISN + 7, TJG_TCP_ACK, 0x9e21, 0);

	tjg_emit_sys_entry_write(s, tc + US(120), 3, 0x55e1d0c4a2b0ull, 6);
	lo_xmit(s, tc + US(124), &data, true);
	tjg_emit_softirq(s, tc + 126500, TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_NET_RX);
	lo_receive(s, tc + 127500, &data);
	tjg_emit_sched_wake(s, tc + US(130), TJG_EV_SCHED_WAKING, &n->server, 0);
	lo_xmit(s, tc + US(132), &ack, false);     /* server's quick ACK */
	lo_receive(s, tc + US(134), &ack);
	tjg_emit_softirq(s, tc + US(136), TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_NET_RX);
	tjg_emit_sys_exit_ret(s, tc + US(138), TJG_EV_SYSCALL_EXIT_WRITE, 6);

	server_wakes(n, tc + 131500);
	tjg_emit_sys_exit_poll(s0, tc + US(135), 1, 2, server_ready, 1);
	tjg_emit_sys_entry_read(s0, tc + US(139), 4, 8192);
	tjg_emit_sys_exit_read(s0, tc + US(141), 6, 0x55d4c7a2b2a0ull);
	tjg_emit_sys_entry_write(s0, tc + US(144), 1, 0x55d4c7a2b2a0ull, 6);
	tjg_emit_sys_exit_ret(s0, tc + US(152), TJG_EV_SYSCALL_EXIT_WRITE, 6);
	server_poll_blocks(n, tc + US(155));
}

/*
 * Client shutdown(SHUT_WR) sends FIN (the server's kernel ACKs it and wakes
 * the server), close, exit; bash is woken by SIGCHLD and goes back to sleep.
 */
static void client_close_phase(struct ncat *n, uint64_t tc)
{
	struct tjg_stream *s = n->cpu1;
	struct lo_pkt fin = lo_pkt(5, true, CLIENT_ISN + 7, SERVER_ISN + 1,
				   TJG_TCP_FIN | TJG_TCP_ACK, 0x5a3f, 0);
	struct lo_pkt ack = lo_pkt(6, false, SERVER_ISN + 1, CLIENT_ISN + 8, TJG_TCP_ACK, 0x9e22, 0);

	tjg_emit_sys_entry_shutdown(s, tc + US(200), 3, SHUT_WR_);
	lo_xmit(s, tc + US(204), &fin, true);
	tjg_emit_softirq(s, tc + 206500, TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_NET_RX);
	lo_receive(s, tc + 207500, &fin);
	tjg_emit_sched_wake(s, tc + US(210), TJG_EV_SCHED_WAKING, &n->server, 0);
	lo_xmit(s, tc + US(212), &ack, false);
	lo_receive(s, tc + US(214), &ack);
	tjg_emit_softirq(s, tc + US(216), TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_NET_RX);
	tjg_emit_sys_exit_ret(s, tc + US(218), TJG_EV_SYSCALL_EXIT_SHUTDOWN, 0);
	tjg_emit_sys_entry_close(s, tc + US(221), 3);
	tjg_emit_sys_exit_ret(s, tc + US(224), TJG_EV_SYSCALL_EXIT_CLOSE, 0);
	tjg_emit_sys_entry_exit_group(s, tc + US(228), 0);
	tjg_emit_sched_process_exit(s, tc + US(240), &n->client);
	tjg_emit_sched_wake(s, tc + US(243), TJG_EV_SCHED_WAKING, &n->bash, 1);
	tjg_emit_sched_wake(s, tc + 244500, TJG_EV_SCHED_WAKEUP, &n->bash, 1);
	tjg_emit_sched_switch(s, tc + US(246), &n->client, TJG_EXIT_ZOMBIE, &n->bash);
	tjg_emit_sched_switch(s, tc + US(262), &n->bash, TJG_TASK_INTERRUPTIBLE, &n->swapper1);
}

/*
 * Server on CPU 0: EOF, shutdown(SHUT_WR) sends its FIN (acknowledged by the
 * client's orphaned socket in the same softirq), close both sockets, exit;
 * bash, asleep on CPU 1, is woken again.
 */
static void server_close_phase(struct ncat *n, uint64_t tc)
{
	struct tjg_stream *s = n->cpu0;
	struct lo_pkt fin = lo_pkt(7, false, SERVER_ISN + 1, CLIENT_ISN + 8,
				   TJG_TCP_FIN | TJG_TCP_ACK, 0x9e23, 0);
	struct lo_pkt ack = lo_pkt(8, true, CLIENT_ISN + 8, SERVER_ISN + 2, TJG_TCP_ACK, 0, 0);

	server_wakes(n, tc + 211500);
	tjg_emit_sys_exit_poll(s, tc + US(215), 1, 2, server_ready, 1);
	tjg_emit_sys_entry_read(s, tc + 218500, 4, 8192);
	tjg_emit_sys_exit_read(s, tc + US(220), 0, 0x55d4c7a2b2a0ull);
	tjg_emit_sys_entry_shutdown(s, tc + US(223), 4, SHUT_WR_);
	lo_xmit(s, tc + US(226), &fin, true);
	tjg_emit_softirq(s, tc + 228500, TJG_EV_IRQ_SOFTIRQ_ENTRY, TJG_SOFTIRQ_NET_RX);
	lo_receive(s, tc + 229500, &fin);
	lo_xmit(s, tc + US(232), &ack, false);
	lo_receive(s, tc + US(234), &ack);
	tjg_emit_softirq(s, tc + US(236), TJG_EV_IRQ_SOFTIRQ_EXIT, TJG_SOFTIRQ_NET_RX);
	tjg_emit_sys_exit_ret(s, tc + US(238), TJG_EV_SYSCALL_EXIT_SHUTDOWN, 0);
	tjg_emit_sys_entry_close(s, tc + US(241), 4);
	tjg_emit_sys_exit_ret(s, tc + US(244), TJG_EV_SYSCALL_EXIT_CLOSE, 0);
	tjg_emit_sys_entry_close(s, tc + US(247), 3);
	tjg_emit_sys_exit_ret(s, tc + US(249), TJG_EV_SYSCALL_EXIT_CLOSE, 0);
	tjg_emit_sys_entry_exit_group(s, tc + US(252), 0);
	tjg_emit_sched_process_exit(s, tc + US(265), &n->server);
	tjg_emit_sched_wake(s, tc + US(268), TJG_EV_SCHED_WAKING, &n->bash, 1);
	tjg_emit_sched_switch(s, tc + US(272), &n->server, TJG_EXIT_ZOMBIE, &n->swapper0);

	/* bash's CPU is idle: wakeup via the wake list there. */
	tjg_emit_sched_wake(n->cpu1, tc + US(270), TJG_EV_SCHED_WAKEUP, &n->bash, 1);
	tjg_emit_sched_switch(n->cpu1, tc + US(271), &n->swapper1, TJG_TASK_RUNNING, &n->bash);
	tjg_emit_sched_switch(n->cpu1, tc + US(290), &n->bash, TJG_TASK_INTERRUPTIBLE,
			      &n->swapper1);
}

static int ncat_run(struct tjg_trace *trace, const struct tjg_options *opts)
{
	struct ncat n;
	uint64_t t = TJG_CLOCK_T0;
	uint64_t tc = t + MS(3210);

	n.cpu0 = &trace->streams[0];
	n.cpu1 = &trace->streams[1];
	if (opts->pcap && !(capture = tjg_pcap_open(opts->pcap, opts->pcap_offset)))
		return TJG_ERR;
	ncat_threads(&n);
	/* At trace start the server runs on CPU 0, lttng-sessiond on CPU 1. */
	tjg_stream_set_current(n.cpu0, &n.server);
	tjg_stream_set_current(n.cpu1, &n.sessiond);
	if (!opts->no_statedump)
		ncat_statedump(&n, t);
	tjg_emit_sched_switch(n.cpu1, t + US(58), &n.sessiond, TJG_TASK_INTERRUPTIBLE,
			      &n.swapper1);
	server_setup(&n, t);
	idle_ticks(&n, t);
	connect_phase(&n, tc);
	server_poll_blocks(&n, tc + US(46));
	data_phase(&n, tc);
	client_close_phase(&n, tc);
	server_close_phase(&n, tc);
	int rc = tjg_pcap_close(capture);
	capture = NULL;
	return trace->failed || rc ? TJG_ERR : TJG_OK;
}

const struct tjg_scenario tjg_scenario_ncat = {
	.name = "ncat",
	.ncpus = 2,
	.events = TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_START) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_END) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_PROCESS_STATE) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_FILE_DESCRIPTOR) |
		  TJG_EV_BIT(TJG_EV_SCHED_SWITCH) | TJG_EV_BIT(TJG_EV_SCHED_WAKING) |
		  TJG_EV_BIT(TJG_EV_SCHED_WAKEUP) | TJG_EV_BIT(TJG_EV_SCHED_PROCESS_EXIT) |
		  TJG_EV_BIT(TJG_EV_IRQ_HANDLER_ENTRY) | TJG_EV_BIT(TJG_EV_IRQ_HANDLER_EXIT) |
		  TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_RAISE) | TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_ENTRY) |
		  TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_EXIT) | TJG_EV_BIT(TJG_EV_NET_DEV_QUEUE) |
		  TJG_EV_BIT(TJG_EV_NET_DEV_XMIT) | TJG_EV_BIT(TJG_EV_NET_IF_RX) |
		  TJG_EV_BIT(TJG_EV_NET_IF_RECEIVE_SKB) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_SOCKET) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_SOCKET) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_BIND) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_BIND) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_LISTEN) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_LISTEN) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_ACCEPT4) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_ACCEPT4) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_CONNECT) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_CONNECT) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_POLL) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_POLL) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_READ) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_READ) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_WRITE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_WRITE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_SHUTDOWN) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_SHUTDOWN) | TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_CLOSE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_CLOSE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_EXIT_GROUP) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_CLOCK_NANOSLEEP),
	.run = ncat_run,
};
