/*
 * The "lost-exits" scenario: syscall entries and exits the tracer lost, for
 * tests of span pairing.  Two CPUs, one process "lostx" (pid 3000) with
 * threads 3000 (CPU 0) and 3001 (CPU 1).  On CPU 0 the tracer reports
 * discarded events in four ranges, and the events it "lost" there are not
 * written: an exit whose entry was lost, an entry whose exit was lost (the
 * thread's next call begins), an exit of another syscall than the open entry,
 * and a call re-entered before its exit showed.  Calls also begin before the
 * trace (exits without entry) and stay open past its end.
 *
 * Times are microseconds after the trace start (TJG_CLOCK_T0); doc/tjgen.md
 * lists the timeline and the spans it must give, and t0220 asserts them, so
 * change all three together.
 */
#include "emit.h"
#include "tjgen.h"

#define US(x) ((uint64_t)(x) * 1000u)

#define AT_FDCWD_ (-100)
#define O_RDONLY_CLOEXEC 02000000
#define O_RDWR_LARGEFILE 0100002
#define FMODE_TTY 0x1f
#define FUTEX_WAIT_ 0
#define EAGAIN_ 11
#define EBADF_ 9
#define ETIMEDOUT_ 110

struct lost {
	struct tjg_stream *cpu0, *cpu1;
	struct tjg_thread swapper0, sessiond, main_t, worker;
};

static uint64_t files_of(const struct tjg_thread *t)
{
	return 0xffff9d2a4b3c0000ull + (uint64_t)t->pid * 0x400;
}

/*
 * From `from` to `to`, the tracer lost `n` events of stream s: close the
 * packet at `from` (nothing lost before) and the next one at `to`, whose
 * events_discarded grows by n.  The scenario does not write the lost events.
 */
static void lose(struct tjg_stream *s, uint64_t from, uint64_t to, uint64_t n)
{
	tjg_stream_switch_packet(s, from);
	s->discard_left += n;
	s->discard_step = n;
	tjg_stream_switch_packet(s, to);
}

static void statedump(struct lost *l, uint64_t t)
{
	struct tjg_stream *s = l->cpu1;
	static const int32_t fds[] = {0, 1, 2};

	tjg_emit_statedump_mark(s, t + US(1), TJG_EV_LTTNG_STATEDUMP_START);
	tjg_emit_statedump_process(s, t + US(2), &l->sessiond, TJG_SD_USER_THREAD,
				   TJG_SD_STATUS_RUN, 1, files_of(&l->sessiond));
	/* Running on CPU 0: without a vtid context, this names CPU 0's thread. */
	tjg_emit_statedump_process(s, t + US(3), &l->main_t, TJG_SD_USER_THREAD,
				   TJG_SD_STATUS_RUN, 0, files_of(&l->main_t));
	for (unsigned i = 0; i < 3; i++)
		tjg_emit_statedump_fd(s, t + US(4 + i), files_of(&l->main_t), fds[i],
				      O_RDWR_LARGEFILE, FMODE_TTY, "/dev/pts/1");
	tjg_emit_statedump_process(s, t + US(7), &l->worker, TJG_SD_USER_THREAD,
				   TJG_SD_STATUS_WAIT, 1, files_of(&l->worker));
	tjg_emit_statedump_mark(s, t + US(8), TJG_EV_LTTNG_STATEDUMP_END);
}

/* CPU 1: the worker wakes from a sleep begun before the trace, then waits in
 * epoll_wait past the trace's end. */
static void worker(struct lost *l, uint64_t t)
{
	struct tjg_stream *s = l->cpu1;

	tjg_emit_sched_switch(s, t + US(10), &l->sessiond, TJG_TASK_INTERRUPTIBLE, &l->worker);
	tjg_emit_sys_exit_clock_nanosleep(s, t + US(12), 0, 0);
	tjg_emit_sys_entry_epoll_wait(s, t + US(20), 5, 16, -1);
}

/* CPU 0: the main thread, running from the start. */
static void main_thread(struct lost *l, uint64_t t)
{
	struct tjg_stream *s = l->cpu0;

	/* A read begun before the trace. */
	tjg_emit_sys_exit_read(s, t + US(20), 5, 0x7ffc1000);
	tjg_emit_sys_entry_openat(s, t + US(30), AT_FDCWD_, "/etc/hosts", O_RDONLY_CLOEXEC, 0);
	tjg_emit_sys_exit_ret(s, t + US(34), TJG_EV_SYSCALL_EXIT_OPENAT, 3);
	tjg_emit_sys_entry_read(s, t + US(40), 3, 4096);
	tjg_emit_sys_exit_read(s, t + US(45), -EAGAIN_, 0x7ffc1000);

	/* Entry whose exit is lost: the read's exit (55) and two more. */
	tjg_emit_sys_entry_read(s, t + US(50), 3, 4096);
	lose(s, t + US(52), t + US(70), 3);
	tjg_emit_sys_entry_write(s, t + US(80), 1, 0x7ffc2000, 6);
	tjg_emit_sys_exit_ret(s, t + US(84), TJG_EV_SYSCALL_EXIT_WRITE, 6);

	/* Exit whose entry is lost: close's entry (95). */
	lose(s, t + US(90), t + US(100), 1);
	tjg_emit_sys_exit_ret(s, t + US(105), TJG_EV_SYSCALL_EXIT_CLOSE, 0);

	/* Exit of another call than the open one: poll's exit and futex's
	 * entry are lost, futex's exit arrives while poll is open. */
	struct tjg_pollfd pfd = {.fd = 0, .events = TJG_POLLIN};
	tjg_emit_sys_entry_poll(s, t + US(130), 1000, &pfd, 1);
	lose(s, t + US(132), t + US(140), 2);
	tjg_emit_sys_exit_futex(s, t + US(145), -ETIMEDOUT_, 0x55d0c0de0000ull);

	/* Re-entered: the first read's exit is lost, the same call begins again. */
	tjg_emit_sys_entry_read(s, t + US(190), 3, 4096);
	lose(s, t + US(191), t + US(194), 1);
	tjg_emit_sys_entry_read(s, t + US(195), 3, 4096);
	tjg_emit_sys_exit_read(s, t + US(200), 4, 0x7ffc1000);

	/* Closed fds are forgotten. */
	tjg_emit_sys_entry_close(s, t + US(210), 3);
	tjg_emit_sys_exit_ret(s, t + US(212), TJG_EV_SYSCALL_EXIT_CLOSE, 0);
	tjg_emit_sys_entry_read(s, t + US(220), 3, 4096);
	tjg_emit_sys_exit_read(s, t + US(222), -EBADF_, 0x7ffc1000);

	tjg_emit_sched_switch(s, t + US(300), &l->main_t, TJG_TASK_INTERRUPTIBLE, &l->swapper0);
}

static int lost_run(struct tjg_trace *trace, const struct tjg_options *opts)
{
	struct lost l;
	uint64_t t = trace->t_begin;

	(void)opts;
	l.cpu0 = &trace->streams[0];
	l.cpu1 = &trace->streams[1];
	tjg_thread_init(&l.swapper0, "swapper/0", 0, 0, 0, 20);
	tjg_thread_init(&l.sessiond, "lttng-sessiond", 1200, 1200, 1, 20);
	tjg_thread_init(&l.main_t, "lostx", 3000, 3000, 1, 20);
	tjg_thread_init(&l.worker, "lostx", 3001, 3000, 1, 20);
	tjg_stream_set_current(l.cpu0, &l.main_t);
	tjg_stream_set_current(l.cpu1, &l.sessiond);
	statedump(&l, t);
	worker(&l, t);
	main_thread(&l, t);
	return trace->failed ? TJG_ERR : TJG_OK;
}

const struct tjg_scenario tjg_scenario_lost_exits = {
	.name = "lost-exits",
	.ncpus = 2,
	.events = TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_START) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_END) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_PROCESS_STATE) |
		  TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_FILE_DESCRIPTOR) |
		  TJG_EV_BIT(TJG_EV_SCHED_SWITCH) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_CLOCK_NANOSLEEP) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_EPOLL_WAIT) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_EPOLL_WAIT) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_READ) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_READ) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_WRITE) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_WRITE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_OPENAT) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_OPENAT) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_CLOSE) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_CLOSE) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_POLL) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_POLL) |
		  TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_FUTEX) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_FUTEX),
	.run = lost_run,
};
