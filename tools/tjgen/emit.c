/*
 * Binary encoders for every event class in catalog.c. Each function reserves
 * room with tjg_ev_begin, writes the fields in declaration order and commits.
 * Keep each one in step with its TSDL declaration.
 */
#include "emit.h"

#define TJG_POLL_MAX 16 /* LTTng records at most this many fds, then sets overflow */

/* Network headers: type (1) + IPv4 (20) + transport type (1) + TCP (20). */
#define TJG_NETHDR_ROOM 42

void tjg_emit_statedump_mark(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id)
{
	tjg_ev_commit(s, tjg_ev_begin(s, ts, id, 0));
}

void tjg_emit_statedump_process(struct tjg_stream *s, uint64_t ts, const struct tjg_thread *t,
				int32_t type, int32_t status, uint32_t cpu, uint64_t files)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_LTTNG_STATEDUMP_PROCESS_STATE, 56);

	p = tjg_put_i32(p, t->tid);
	p = tjg_put_i32(p, t->pid);
	p = tjg_put_i32(p, t->ppid);
	p = tjg_put_comm(p, t->comm);
	p = tjg_put_i32(p, type);
	p = tjg_put_i32(p, TJG_SD_MODE_UNKNOWN);
	p = tjg_put_i32(p, TJG_SD_SUBMODE_NONE);
	p = tjg_put_i32(p, status);
	p = tjg_put_u32(p, cpu);
	p = tjg_put_u64(p, files);
	tjg_ev_commit(s, p);
}

void tjg_emit_statedump_fd(struct tjg_stream *s, uint64_t ts, uint64_t files, int32_t fd,
			   uint32_t flags, uint32_t fmode, const char *filename)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_LTTNG_STATEDUMP_FILE_DESCRIPTOR,
				  20 + tjg_str_room(filename));

	p = tjg_put_u64(p, files);
	p = tjg_put_i32(p, fd);
	p = tjg_put_u32(p, flags);
	p = tjg_put_u32(p, fmode);
	p = tjg_put_str(p, filename);
	tjg_ev_commit(s, p);
}

void tjg_emit_sched_switch(struct tjg_stream *s, uint64_t ts, const struct tjg_thread *prev,
			   int64_t prev_state, const struct tjg_thread *next)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SCHED_SWITCH, 52);

	p = tjg_put_comm(p, prev->comm);
	p = tjg_put_i32(p, prev->tid);
	p = tjg_put_i32(p, prev->prio);
	p = tjg_put_i64(p, prev_state);
	p = tjg_put_comm(p, next->comm);
	p = tjg_put_i32(p, next->tid);
	p = tjg_put_i32(p, next->prio);
	tjg_ev_commit(s, p);
	tjg_stream_set_current(s, next);
}

void tjg_emit_sched_wake(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id,
			 const struct tjg_thread *t, int32_t target_cpu)
{
	uint8_t *p = tjg_ev_begin(s, ts, id, 28);

	p = tjg_put_comm(p, t->comm);
	p = tjg_put_i32(p, t->tid);
	p = tjg_put_i32(p, t->prio);
	p = tjg_put_i32(p, target_cpu);
	tjg_ev_commit(s, p);
}

void tjg_emit_sched_process_exit(struct tjg_stream *s, uint64_t ts, const struct tjg_thread *t)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SCHED_PROCESS_EXIT, 24);

	p = tjg_put_comm(p, t->comm);
	p = tjg_put_i32(p, t->tid);
	p = tjg_put_i32(p, t->prio);
	tjg_ev_commit(s, p);
}

void tjg_emit_irq_entry(struct tjg_stream *s, uint64_t ts, int32_t irq, const char *name)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_IRQ_HANDLER_ENTRY, 4 + tjg_str_room(name));

	p = tjg_put_i32(p, irq);
	p = tjg_put_str(p, name);
	tjg_ev_commit(s, p);
}

void tjg_emit_irq_exit(struct tjg_stream *s, uint64_t ts, int32_t irq, int32_t ret)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_IRQ_HANDLER_EXIT, 8);

	p = tjg_put_i32(p, irq);
	p = tjg_put_i32(p, ret);
	tjg_ev_commit(s, p);
}

void tjg_emit_softirq(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, uint32_t vec)
{
	uint8_t *p = tjg_ev_begin(s, ts, id, 4);

	p = tjg_put_u32(p, vec);
	tjg_ev_commit(s, p);
}

void tjg_emit_net_dev(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, uint64_t skbaddr,
		      uint32_t len, const char *dev, const struct tjg_tcp_seg *seg)
{
	uint8_t *p = tjg_ev_begin(s, ts, id, 12 + tjg_str_room(dev) + TJG_NETHDR_ROOM);

	p = tjg_put_u64(p, skbaddr);
	p = tjg_put_u32(p, len);
	p = tjg_put_str(p, dev);
	if (!seg) {
		p = tjg_put_u8(p, 0);        /* _unknown */
	} else {
		p = tjg_put_u8(p, 1);        /* _ipv4 */
		p = tjg_tcp_seg_encode_ipv4(p, seg);
		p = tjg_put_u8(p, 1);        /* _transport_header_type: _tcp */
		p = tjg_tcp_seg_encode_tcp(p, seg);
	}
	tjg_ev_commit(s, p);
}

void tjg_emit_net_dev_xmit(struct tjg_stream *s, uint64_t ts, uint64_t skbaddr, int32_t rc,
			   uint32_t len, const char *dev)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_NET_DEV_XMIT, 16 + tjg_str_room(dev));

	p = tjg_put_u64(p, skbaddr);
	p = tjg_put_i32(p, rc);
	p = tjg_put_u32(p, len);
	p = tjg_put_str(p, dev);
	tjg_ev_commit(s, p);
}

void tjg_emit_inet_sock(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, uint64_t sk,
			uint32_t seq, uint32_t ack_seq, uint16_t flags)
{
	uint8_t *p = tjg_ev_begin(s, ts, id, 18);

	p = tjg_put_u64(p, sk);
	p = tjg_put_be32(p, seq);
	p = tjg_put_be32(p, ack_seq);
	p = tjg_put_be16(p, flags);
	tjg_ev_commit(s, p);
}

void tjg_emit_skb_consume(struct tjg_stream *s, uint64_t ts, uint64_t skbaddr)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SKB_CONSUME, 8);

	p = tjg_put_u64(p, skbaddr);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_exit_ret(struct tjg_stream *s, uint64_t ts, enum tjg_event_id id, int64_t ret)
{
	uint8_t *p = tjg_ev_begin(s, ts, id, 8);

	p = tjg_put_i64(p, ret);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_socket(struct tjg_stream *s, uint64_t ts, int32_t family, int32_t type,
			       int32_t protocol)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_SOCKET, 12);

	p = tjg_put_i32(p, family);
	p = tjg_put_i32(p, type);
	p = tjg_put_i32(p, protocol);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_bind(struct tjg_stream *s, uint64_t ts, int32_t fd, uint64_t umyaddr,
			     int32_t addrlen)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_BIND, 16);

	p = tjg_put_i32(p, fd);
	p = tjg_put_u64(p, umyaddr);
	p = tjg_put_i32(p, addrlen);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_listen(struct tjg_stream *s, uint64_t ts, int32_t fd, int32_t backlog)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_LISTEN, 8);

	p = tjg_put_i32(p, fd);
	p = tjg_put_i32(p, backlog);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_accept4(struct tjg_stream *s, uint64_t ts, int32_t fd, uint64_t addr,
				int32_t addrlen, int32_t flags)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_ACCEPT4, 20);

	p = tjg_put_i32(p, fd);
	p = tjg_put_u64(p, addr);
	p = tjg_put_i32(p, addrlen);
	p = tjg_put_i32(p, flags);
	tjg_ev_commit(s, p);
}

/* family, port, then the v4addr and v6addr sequences (IPv6 left empty). */
static uint8_t *tjg_put_sockaddr_in(uint8_t *p, uint16_t family, uint16_t port,
				    const uint8_t v4addr[4])
{
	p = tjg_put_u16(p, family);
	p = tjg_put_be16(p, port);
	p = tjg_put_u32(p, v4addr ? 4 : 0);
	if (v4addr)
		p = tjg_put_bytes(p, v4addr, 4);
	return tjg_put_u32(p, 0);
}

void tjg_emit_sys_exit_accept4(struct tjg_stream *s, uint64_t ts, int64_t ret, int32_t addrlen,
			       uint16_t family, uint16_t sport, const uint8_t v4addr[4])
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_EXIT_ACCEPT4, 28);

	p = tjg_put_i64(p, ret);
	p = tjg_put_i32(p, addrlen);
	p = tjg_put_sockaddr_in(p, family, sport, v4addr);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_connect(struct tjg_stream *s, uint64_t ts, int32_t fd, uint64_t addr,
				int32_t addrlen, uint16_t family, uint16_t dport,
				const uint8_t v4addr[4])
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_CONNECT, 32);

	p = tjg_put_i32(p, fd);
	p = tjg_put_u64(p, addr);
	p = tjg_put_i32(p, addrlen);
	p = tjg_put_sockaddr_in(p, family, dport, v4addr);
	tjg_ev_commit(s, p);
}

static uint8_t *tjg_put_pollfds(uint8_t *p, const struct tjg_pollfd *fds, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		p = tjg_put_i32(p, fds[i].fd);
		p = tjg_put_u16(p, fds[i].events);
		/* POLLIN..POLLHUP as bits 0..4 of one byte (LE bit order). */
		p = tjg_put_u8(p, (uint8_t)(fds[i].events & 0x1f));
	}
	return p;
}

void tjg_emit_sys_entry_poll(struct tjg_stream *s, uint64_t ts, int32_t timeout_msecs,
			     const struct tjg_pollfd *fds, uint32_t nfds)
{
	uint32_t n = nfds > TJG_POLL_MAX ? TJG_POLL_MAX : nfds;
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_POLL, 13 + 7 * n);

	p = tjg_put_i32(p, timeout_msecs);
	p = tjg_put_u32(p, nfds);
	p = tjg_put_u32(p, n);
	p = tjg_put_u8(p, nfds > n);
	p = tjg_put_pollfds(p, fds, n);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_exit_poll(struct tjg_stream *s, uint64_t ts, int64_t ret, uint32_t nfds,
			    const struct tjg_pollfd *fds, uint32_t nready)
{
	uint32_t n = nready > TJG_POLL_MAX ? TJG_POLL_MAX : nready;
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_EXIT_POLL, 16 + 7 * n);

	p = tjg_put_i64(p, ret);
	p = tjg_put_u32(p, nfds);
	p = tjg_put_u32(p, n);
	p = tjg_put_pollfds(p, fds, n);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_read(struct tjg_stream *s, uint64_t ts, uint32_t fd, uint64_t count)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_READ, 12);

	p = tjg_put_u32(p, fd);
	p = tjg_put_u64(p, count);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_exit_read(struct tjg_stream *s, uint64_t ts, int64_t ret, uint64_t buf)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_EXIT_READ, 16);

	p = tjg_put_i64(p, ret);
	p = tjg_put_u64(p, buf);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_write(struct tjg_stream *s, uint64_t ts, uint32_t fd, uint64_t buf,
			      uint64_t count)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_WRITE, 20);

	p = tjg_put_u32(p, fd);
	p = tjg_put_u64(p, buf);
	p = tjg_put_u64(p, count);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_shutdown(struct tjg_stream *s, uint64_t ts, int32_t fd, int32_t how)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_SHUTDOWN, 8);

	p = tjg_put_i32(p, fd);
	p = tjg_put_i32(p, how);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_close(struct tjg_stream *s, uint64_t ts, uint32_t fd)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_CLOSE, 4);

	p = tjg_put_u32(p, fd);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_exit_group(struct tjg_stream *s, uint64_t ts, int32_t error_code)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_EXIT_GROUP, 4);

	p = tjg_put_i32(p, error_code);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_exit_clock_nanosleep(struct tjg_stream *s, uint64_t ts, int64_t ret,
				       uint64_t rmtp)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_EXIT_CLOCK_NANOSLEEP, 16);

	p = tjg_put_i64(p, ret);
	p = tjg_put_u64(p, rmtp);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_openat(struct tjg_stream *s, uint64_t ts, int32_t dfd,
			       const char *filename, int32_t flags, uint16_t mode)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_OPENAT, 10 + tjg_str_room(filename));

	p = tjg_put_i32(p, dfd);
	p = tjg_put_str(p, filename);
	p = tjg_put_i32(p, flags);
	p = tjg_put_u16(p, mode);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_futex(struct tjg_stream *s, uint64_t ts, uint64_t uaddr, int32_t op,
			      uint32_t val, uint64_t utime)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_FUTEX, 36);

	p = tjg_put_u64(p, uaddr);
	p = tjg_put_i32(p, op);
	p = tjg_put_u32(p, val);
	p = tjg_put_u64(p, utime);
	p = tjg_put_u64(p, 0); /* uaddr2 */
	p = tjg_put_u32(p, 0); /* val3 */
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_exit_futex(struct tjg_stream *s, uint64_t ts, int64_t ret, uint64_t uaddr)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_EXIT_FUTEX, 24);

	p = tjg_put_i64(p, ret);
	p = tjg_put_u64(p, uaddr);
	p = tjg_put_u64(p, 0); /* uaddr2 */
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_entry_epoll_wait(struct tjg_stream *s, uint64_t ts, int32_t epfd,
				   int32_t maxevents, int32_t timeout)
{
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_ENTRY_EPOLL_WAIT, 12);

	p = tjg_put_i32(p, epfd);
	p = tjg_put_i32(p, maxevents);
	p = tjg_put_i32(p, timeout);
	tjg_ev_commit(s, p);
}

void tjg_emit_sys_exit_epoll_wait(struct tjg_stream *s, uint64_t ts, int64_t ret,
				  const struct tjg_epoll_event *evs, uint32_t n)
{
	uint32_t i, m = n > TJG_POLL_MAX ? TJG_POLL_MAX : n;
	uint8_t *p = tjg_ev_begin(s, ts, TJG_EV_SYSCALL_EXIT_EPOLL_WAIT, 13 + 17 * m);

	p = tjg_put_i64(p, ret);
	p = tjg_put_u32(p, m);
	p = tjg_put_u8(p, n > m);
	for (i = 0; i < m; i++) {
		p = tjg_put_u64(p, (uint64_t)(uint32_t)evs[i].fd); /* data.u64 */
		p = tjg_put_i32(p, evs[i].fd);                     /* data.fd */
		p = tjg_put_u32(p, evs[i].events);
		/* EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR as bits 0..3 */
		p = tjg_put_u8(p, (uint8_t)(evs[i].events & 0x0f));
	}
	tjg_ev_commit(s, p);
}
