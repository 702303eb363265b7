/*
 * Typed event emitters: one function per event class (or per shape shared by
 * several classes), encoding the fields in the order catalog.c declares them.
 * Each writes one event into a CPU stream at clock value ts, carrying the
 * stream's current thread as event context.
 */
#ifndef TJGEN_EMIT_H
#define TJGEN_EMIT_H

#include <stdint.h>

#include "catalog.h"
#include "ctf_writer.h"
#include "netpkt.h"

/* prev_state values of sched_switch as LTTng reports them on Linux 6.2. */
#define TJG_TASK_RUNNING 0
#define TJG_TASK_INTERRUPTIBLE 1
#define TJG_TASK_UNINTERRUPTIBLE 2
#define TJG_EXIT_ZOMBIE 32
#define TJG_TASK_PREEMPTED 256 /* TASK_REPORT_MAX: preempted, still runnable */

/* lttng_statedump_process_state enums (lttng-statedump-impl.c). */
#define TJG_SD_USER_THREAD 0
#define TJG_SD_KERNEL_THREAD 1
#define TJG_SD_MODE_UNKNOWN 5
#define TJG_SD_SUBMODE_NONE 0
#define TJG_SD_STATUS_WAIT 5
#define TJG_SD_STATUS_RUN 6

/* Softirq vectors. */
#define TJG_SOFTIRQ_TIMER 1
#define TJG_SOFTIRQ_NET_TX 2
#define TJG_SOFTIRQ_NET_RX 3
#define TJG_SOFTIRQ_RCU 9

#define TJG_POLLIN 0x001
#define TJG_POLLOUT 0x004
#define TJG_EPOLLIN 0x001
#define TJG_EPOLLOUT 0x004

struct tjg_pollfd {
	int32_t fd;
	uint16_t events; /* events at entry, revents at exit */
};

struct tjg_epoll_event {
	int32_t fd;      /* stored in epoll_data */
	uint32_t events;
};

/* Statedump */
void tjg_emit_statedump_mark(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id);
void tjg_emit_statedump_process(struct tjg_stream *s, uint64_t ts, const struct tjg_thread *t,
				int32_t type, int32_t status, uint32_t cpu, uint64_t files);
void tjg_emit_statedump_fd(struct tjg_stream *s, uint64_t ts, uint64_t files, int32_t fd,
			   uint32_t flags, uint32_t fmode, const char *filename);

/* Scheduler. tjg_emit_sched_switch also makes `next` the stream's current thread. */
void tjg_emit_sched_switch(struct tjg_stream *s, uint64_t ts, const struct tjg_thread *prev,
			   int64_t prev_state, const struct tjg_thread *next);
/* id: TJG_EV_SCHED_WAKING or TJG_EV_SCHED_WAKEUP */
void tjg_emit_sched_wake(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id,
			 const struct tjg_thread *t, int32_t target_cpu);
void tjg_emit_sched_process_exit(struct tjg_stream *s, uint64_t ts, const struct tjg_thread *t);

/* Interrupts. id: TJG_EV_IRQ_SOFTIRQ_RAISE, _ENTRY or _EXIT */
void tjg_emit_irq_entry(struct tjg_stream *s, uint64_t ts, int32_t irq, const char *name);
void tjg_emit_irq_exit(struct tjg_stream *s, uint64_t ts, int32_t irq, int32_t ret);
void tjg_emit_softirq(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, uint32_t vec);

/*
 * Network. id: TJG_EV_NET_DEV_QUEUE, TJG_EV_NET_IF_RX or
 * TJG_EV_NET_IF_RECEIVE_SKB; seg NULL gives network_header_type _unknown.
 */
void tjg_emit_net_dev(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, uint64_t skbaddr,
		      uint32_t len, const char *dev, const struct tjg_tcp_seg *seg);
void tjg_emit_net_dev_xmit(struct tjg_stream *s, uint64_t ts, uint64_t skbaddr, int32_t rc,
			   uint32_t len, const char *dev);

/* id: TJG_EV_INET_SOCK_LOCAL_OUT or _IN (lttng-modules addons); flags is
 * tcp_flag_word >> 16: data offset << 12 | the TCP flags. */
void tjg_emit_inet_sock(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, uint64_t sk,
			uint32_t seq, uint32_t ack_seq, uint16_t flags);

void tjg_emit_skb_consume(struct tjg_stream *s, uint64_t ts, uint64_t skbaddr);

/* Syscalls whose exit carries only ret (socket, bind, listen, connect, ...). */
void tjg_emit_sys_exit_ret(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, int64_t ret);

void tjg_emit_sys_entry_socket(struct tjg_stream *s, uint64_t ts, int32_t family, int32_t type,
			       int32_t protocol);
void tjg_emit_sys_entry_bind(struct tjg_stream *s, uint64_t ts, int32_t fd, uint64_t umyaddr,
			     int32_t addrlen);
void tjg_emit_sys_entry_listen(struct tjg_stream *s, uint64_t ts, int32_t fd, int32_t backlog);
void tjg_emit_sys_entry_accept4(struct tjg_stream *s, uint64_t ts, int32_t fd, uint64_t addr,
				int32_t addrlen, int32_t flags);
/* v4addr: 4 bytes in network order (IPv4 peer). */
void tjg_emit_sys_exit_accept4(struct tjg_stream *s, uint64_t ts, int64_t ret, int32_t addrlen,
			       uint16_t family, uint16_t sport, const uint8_t v4addr[4]);
void tjg_emit_sys_entry_connect(struct tjg_stream *s, uint64_t ts, int32_t fd, uint64_t addr,
				int32_t addrlen, uint16_t family, uint16_t dport,
				const uint8_t v4addr[4]);
void tjg_emit_sys_entry_poll(struct tjg_stream *s, uint64_t ts, int32_t timeout_msecs,
			     const struct tjg_pollfd *fds, uint32_t nfds);
/* fds: only the entries with revents set, as LTTng records them. */
void tjg_emit_sys_exit_poll(struct tjg_stream *s, uint64_t ts, int64_t ret, uint32_t nfds,
			    const struct tjg_pollfd *fds, uint32_t nready);
void tjg_emit_sys_entry_read(struct tjg_stream *s, uint64_t ts, uint32_t fd, uint64_t count);
void tjg_emit_sys_exit_read(struct tjg_stream *s, uint64_t ts, int64_t ret, uint64_t buf);
void tjg_emit_sys_entry_write(struct tjg_stream *s, uint64_t ts, uint32_t fd, uint64_t buf,
			      uint64_t count);
void tjg_emit_sys_entry_shutdown(struct tjg_stream *s, uint64_t ts, int32_t fd, int32_t how);
void tjg_emit_sys_entry_close(struct tjg_stream *s, uint64_t ts, uint32_t fd);
void tjg_emit_sys_entry_exit_group(struct tjg_stream *s, uint64_t ts, int32_t error_code);
void tjg_emit_sys_exit_clock_nanosleep(struct tjg_stream *s, uint64_t ts, int64_t ret,
				       uint64_t rmtp);
void tjg_emit_sys_entry_openat(struct tjg_stream *s, uint64_t ts, int32_t dfd,
			       const char *filename, int32_t flags, uint16_t mode);
void tjg_emit_sys_entry_futex(struct tjg_stream *s, uint64_t ts, uint64_t uaddr, int32_t op,
			      uint32_t val, uint64_t utime);
void tjg_emit_sys_exit_futex(struct tjg_stream *s, uint64_t ts, int64_t ret, uint64_t uaddr);
void tjg_emit_sys_entry_epoll_wait(struct tjg_stream *s, uint64_t ts, int32_t epfd,
				   int32_t maxevents, int32_t timeout);
void tjg_emit_sys_exit_epoll_wait(struct tjg_stream *s, uint64_t ts, int64_t ret,
				  const struct tjg_epoll_event *evs, uint32_t n);

#endif /* TJGEN_EMIT_H */
