/*
 * File-descriptor tables driven by syscalls and the statedump: what fd 4
 * is ("socket AF_INET SOCK_STREAM from 127.0.0.1:4444") at any point, so a
 * read(fd=4) can say so.  Descriptions are built from what the trace gives:
 * LTTng >= 2.x records addresses for connect/accept (family, port, v4addr);
 * older traces give only pointers, and the description says less.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "state.h"

#define TJ_O_CLOEXEC 02000000
#define TJ_SOCK_CLOEXEC 02000000
#define TJ_F_DUPFD 0
#define TJ_F_SETFD 2
#define TJ_F_DUPFD_CLOEXEC 1030
#define TJ_EINPROGRESS 115
#define TJ_EINTR 4

static const char *family_name(int64_t f)
{
	switch (f) {
	case 1:
		return "AF_UNIX";
	case 2:
		return "AF_INET";
	case 10:
		return "AF_INET6";
	case 16:
		return "AF_NETLINK";
	case 17:
		return "AF_PACKET";
	default:
		return NULL;
	}
}

static const char *socktype_name(int64_t t)
{
	switch (t & 0xf) {
	case 1:
		return "SOCK_STREAM";
	case 2:
		return "SOCK_DGRAM";
	case 3:
		return "SOCK_RAW";
	case 5:
		return "SOCK_SEQPACKET";
	default:
		return NULL;
	}
}

static int get_int(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		   enum field_role role, int64_t *out)
{
	return ci && ci->f[role] >= 0 && a->host->field_int(ev, ci->f[role], out);
}

/* Entry argument captured in the thread, by name. */
static int entry_int(const struct thread *t, const char *name, int64_t *out)
{
	for (uint32_t i = 0; i < t->nargs; i++)
		if (!t->args[i].is_str && strcmp(t->args[i].name, name) == 0) {
			*out = t->args[i].i;
			return 1;
		}
	return 0;
}

static const char *entry_str(const struct thread *t, const char *name)
{
	for (uint32_t i = 0; i < t->nargs; i++)
		if (t->args[i].is_str && strcmp(t->args[i].name, name) == 0)
			return t->strbuf + t->args[i].str_off;
	return NULL;
}

/* "127.0.0.1:4444" from family/port/v4addr fields of ev; 0 if absent. */
int fd_format_peer(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		       enum field_role port_role, char *buf, size_t cap)
{
	const struct tj_host *h = a->host;
	int64_t family, port;
	uint64_t b[4];
	if (!get_int(a, ci, ev, F_FAMILY, &family) || !get_int(a, ci, ev, port_role, &port))
		return 0;
	if (family == 2 && ci->f[F_V4ADDR] >= 0 && h->field_len(ev, ci->f[F_V4ADDR]) == 4) {
		for (int i = 0; i < 4; i++)
			if (!h->field_elem_uint(ev, ci->f[F_V4ADDR], (uint64_t)i, &b[i]))
				return 0;
		snprintf(buf, cap, "%u.%u.%u.%u:%" PRId64, (unsigned)b[0], (unsigned)b[1],
			 (unsigned)b[2], (unsigned)b[3], port);
		return 1;
	}
	if (family == 10 && ci->f[F_V6ADDR] >= 0 && h->field_len(ev, ci->f[F_V6ADDR]) == 16) {
		size_t n = 0;
		n += (size_t)snprintf(buf + n, cap - n, "[");
		for (int i = 0; i < 16 && n < cap; i += 2) {
			uint64_t hi, lo;
			if (!h->field_elem_uint(ev, ci->f[F_V6ADDR], (uint64_t)i, &hi) ||
			    !h->field_elem_uint(ev, ci->f[F_V6ADDR], (uint64_t)i + 1, &lo))
				return 0;
			n += (size_t)snprintf(buf + n, cap - n, "%s%x", i ? ":" : "",
					      (unsigned)((hi << 8) | lo));
		}
		if (n < cap)
			snprintf(buf + n, cap - n, "]:%" PRId64, port);
		return 1;
	}
	return 0;
}

const char *fd_describe(struct analyzer *a, const struct thread *t, int64_t fd)
{
	struct process *p = process_of(a, t);
	return p ? fdtable_borrow(&p->fds, fd) : NULL;
}

static void note_new(struct analyzer *a, int64_t fd, const char *desc)
{
	a->host->sbuf_printf(a->note, "ret %" PRId64 " = %s", fd, desc);
}

static int set_fd(struct analyzer *a, struct process *p, int64_t fd, const char *desc, int cloexec,
		  int is_socket)
{
	if (fdtable_set(&p->fds, fd, desc, cloexec, is_socket))
		return TJ_ENOMEM;
	note_new(a, fd, desc);
	return TJ_OK;
}

static int dup_fd(struct analyzer *a, struct process *p, int64_t from, int64_t to, int cloexec)
{
	const struct fd_entry *e = fdtable_borrow_entry(&p->fds, from);
	char desc[256];
	if (!e || from == to)
		return TJ_OK;
	snprintf(desc, sizeof(desc), "%s", e->desc);
	return set_fd(a, p, to, desc, cloexec, e->is_socket);
}

static int on_socket(struct analyzer *a, struct thread *t, struct process *p, int64_t ret)
{
	int64_t family = -1, type = -1;
	char desc[128];
	entry_int(t, "family", &family);
	entry_int(t, "type", &type);
	const char *fn = family_name(family), *tn = socktype_name(type);
	snprintf(desc, sizeof(desc), "socket %s %s", fn ? fn : "?", tn ? tn : "?");
	return set_fd(a, p, ret, desc, (type & TJ_SOCK_CLOEXEC) != 0, 1);
}

static int on_accept(struct analyzer *a, struct thread *t, struct process *p,
		     const struct cls_info *exit, const struct tj_event *ev, int64_t ret)
{
	int64_t lfd = -1, flags = 0;
	char peer[96], desc[256], base[128] = "socket";
	entry_int(t, "fd", &lfd);
	entry_int(t, "flags", &flags);
	const char *listening = fdtable_borrow(&p->fds, lfd);
	if (listening) {
		/* Keep "socket AF_INET SOCK_STREAM", drop the listener's address. */
		const char *sp = listening;
		int words = 0;
		while (*sp && words < 3) {
			sp += strcspn(sp, " ");
			words++;
			if (*sp && words < 3)
				sp++;
		}
		snprintf(base, sizeof(base), "%.*s", (int)(sp - listening), listening);
	}
	if (fd_format_peer(a, exit, ev, F_SPORT, peer, sizeof(peer))) {
		snprintf(desc, sizeof(desc), "%s from %s", base, peer);
		if (fdtable_set(&p->fds, ret, desc, (flags & TJ_SOCK_CLOEXEC) != 0, 1))
			return TJ_ENOMEM;
		a->host->sbuf_printf(a->note, "ret %" PRId64 " = new socket from %s", ret, peer);
		return TJ_OK;
	}
	snprintf(desc, sizeof(desc), "%s accepted on fd %" PRId64, base, lfd);
	return set_fd(a, p, ret, desc, (flags & TJ_SOCK_CLOEXEC) != 0, 1);
}

/* connect: remember where the socket goes (entry carries the address). */
static int on_connect(struct thread *t, struct process *p)
{
	int64_t fd = -1;
	char desc[256];
	const struct fd_entry *e;
	const char *addr = entry_str(t, "addr");
	entry_int(t, "fd", &fd);
	if (!(e = fdtable_borrow_entry(&p->fds, fd)) || !addr)
		return TJ_OK;
	snprintf(desc, sizeof(desc), "%s to %s", e->desc, addr);
	return fdtable_set(&p->fds, fd, desc, e->cloexec, 1) ? TJ_ENOMEM : TJ_OK;
}

static int on_pipe(struct analyzer *a, struct thread *t, struct process *p,
		   const struct cls_info *exit, const struct tj_event *ev)
{
	const struct tj_host *h = a->host;
	uint64_t rfd, wfd;
	int64_t flags = 0;
	entry_int(t, "flags", &flags);
	if (exit->f[F_FILDES] < 0 || !h->field_elem_uint(ev, exit->f[F_FILDES], 0, &rfd) ||
	    !h->field_elem_uint(ev, exit->f[F_FILDES], 1, &wfd))
		return TJ_OK;
	/* A pipe's two fds differ: equal ones mean the tracer could not read
	 * the user array (it records zeros), so the fds are unknown. */
	if (rfd == wfd)
		return TJ_OK;
	int cloexec = (flags & TJ_O_CLOEXEC) != 0;
	if (fdtable_set(&p->fds, (int64_t)rfd, "pipe (read end)", cloexec, 0) ||
	    fdtable_set(&p->fds, (int64_t)wfd, "pipe (write end)", cloexec, 0))
		return TJ_ENOMEM;
	h->sbuf_printf(a->note, "pipe fds %" PRIu64 " (read) and %" PRIu64 " (write)", rfd, wfd);
	return TJ_OK;
}

static const struct {
	const char *call;
	enum sys_op op;
	const char *anon;
} ops[] = {
	{"close", OP_CLOSE, NULL},         {"connect", OP_CONNECT, NULL},
	{"socket", OP_SOCKET, NULL},       {"listen", OP_LISTEN, NULL},
	{"accept", OP_ACCEPT, NULL},       {"accept4", OP_ACCEPT, NULL},
	{"open", OP_OPEN, NULL},           {"openat", OP_OPEN, NULL},
	{"creat", OP_OPEN, NULL},          {"openat2", OP_OPEN, NULL},
	{"pipe", OP_PIPE, NULL},           {"pipe2", OP_PIPE, NULL},
	{"dup", OP_DUP, NULL},             {"dup2", OP_DUP2, NULL},
	{"dup3", OP_DUP2, NULL},           {"fcntl", OP_FCNTL, NULL},
	{"eventfd", OP_ANON, "eventfd"},   {"eventfd2", OP_ANON, "eventfd"},
	{"epoll_create", OP_ANON, "epoll"}, {"epoll_create1", OP_ANON, "epoll"},
	{"timerfd_create", OP_ANON, "timerfd"}, {"signalfd", OP_ANON, "signalfd"},
	{"signalfd4", OP_ANON, "signalfd"}, {"inotify_init", OP_ANON, "inotify"},
	{"inotify_init1", OP_ANON, "inotify"}, {"memfd_create", OP_ANON, "memfd"},
	{"perf_event_open", OP_ANON, "perf event"}, {"bpf", OP_ANON, "bpf object"},
	{"read", OP_READ, NULL},           {"readv", OP_READ, NULL},
	{"pread64", OP_READ, NULL},        {"preadv", OP_READ, NULL},
	{"preadv2", OP_READ, NULL},        {"recvfrom", OP_READ, NULL},
	{"recvmsg", OP_READ, NULL},        {"recv", OP_READ, NULL},
	{"recvmmsg", OP_READ, NULL},       {"write", OP_WRITE, NULL},
	{"writev", OP_WRITE, NULL},        {"pwrite64", OP_WRITE, NULL},
	{"pwritev", OP_WRITE, NULL},       {"pwritev2", OP_WRITE, NULL},
	{"sendto", OP_WRITE, NULL},        {"sendmsg", OP_WRITE, NULL},
	{"send", OP_WRITE, NULL},          {"sendmmsg", OP_WRITE, NULL},
	{"sendfile64", OP_WRITE, NULL},    {"poll", OP_WAIT, NULL},
	{"ppoll", OP_WAIT, NULL},          {"select", OP_WAIT, NULL},
	{"pselect6", OP_WAIT, NULL},       {"epoll_wait", OP_WAIT, NULL},
	{"epoll_pwait", OP_WAIT, NULL},    {"epoll_pwait2", OP_WAIT, NULL},
};

enum sys_op fd_classify(const char *sysname, const char **anon_desc)
{
	*anon_desc = NULL;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(sysname, ops[i].call) == 0) {
			*anon_desc = ops[i].anon;
			return ops[i].op;
		}
	return OP_NONE;
}

int fd_on_exit(struct analyzer *a, const struct cls_info *entry, struct thread *t,
	       const struct cls_info *exit, const struct tj_event *ev, int64_t ret)
{
	struct process *p;
	int64_t v = 0, v2 = 0, flags = 0;
	char desc[300];

	if (entry->op == OP_NONE || entry->op >= OP_READ || !(p = process_of(a, t)))
		return TJ_OK;
	if (entry->op == OP_CLOSE) {
		if ((ret == 0 || ret == -TJ_EINTR) && entry_int(t, "fd", &v))
			fdtable_close(&p->fds, v);
		return TJ_OK;
	}
	if (entry->op == OP_CONNECT)
		return ret == 0 || ret == -TJ_EINPROGRESS ? on_connect(t, p) : TJ_OK;
	if (ret < 0)
		return TJ_OK;
	switch (entry->op) {
	case OP_SOCKET:
		return on_socket(a, t, p, ret);
	case OP_LISTEN: {
		const struct fd_entry *e = entry_int(t, "fd", &v) ? fdtable_borrow_entry(&p->fds, v) : NULL;
		if (e && !strstr(e->desc, " listening")) {
			snprintf(desc, sizeof(desc), "%s listening", e->desc);
			return fdtable_set(&p->fds, v, desc, e->cloexec, 1) ? TJ_ENOMEM : TJ_OK;
		}
		return TJ_OK;
	}
	case OP_ACCEPT:
		return on_accept(a, t, p, exit, ev, ret);
	case OP_OPEN: {
		const char *fname = entry_str(t, "filename");
		entry_int(t, "flags", &v);
		snprintf(desc, sizeof(desc), "file %s", fname ? fname : "?");
		return set_fd(a, p, ret, desc, (v & TJ_O_CLOEXEC) != 0, 0);
	}
	case OP_PIPE:
		return on_pipe(a, t, p, exit, ev);
	case OP_DUP:
		return entry_int(t, "fildes", &v) || entry_int(t, "oldfd", &v) ? dup_fd(a, p, v, ret, 0)
										 : TJ_OK;
	case OP_DUP2:
		if (!entry_int(t, "oldfd", &v))
			return TJ_OK;
		entry_int(t, "flags", &flags);
		return dup_fd(a, p, v, ret, (flags & TJ_O_CLOEXEC) != 0);
	case OP_FCNTL:
		if (!entry_int(t, "fd", &v) || !entry_int(t, "cmd", &v2))
			return TJ_OK;
		if (v2 == TJ_F_DUPFD || v2 == TJ_F_DUPFD_CLOEXEC)
			return dup_fd(a, p, v, ret, v2 == TJ_F_DUPFD_CLOEXEC);
		if (v2 == TJ_F_SETFD) {
			int64_t arg = 0;
			const struct fd_entry *e = fdtable_borrow_entry(&p->fds, v);
			entry_int(t, "arg", &arg);
			if (e)
				((struct fd_entry *)e)->cloexec = (uint8_t)(arg & 1);
		}
		return TJ_OK;
	case OP_ANON:
		entry_int(t, "flags", &flags);
		return set_fd(a, p, ret, entry->anon_desc, (flags & TJ_O_CLOEXEC) != 0, 0);
	default:
		return TJ_OK;
	}
}

int fd_on_statedump(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev)
{
	const struct tj_host *h = a->host;
	int64_t pid = -1, fd = -1, flags = 0, table;
	char desc[300];
	const char *fname = ci->f[F_FILENAME] >= 0 ? h->field_str(ev, ci->f[F_FILENAME]) : NULL;

	if (!get_int(a, ci, ev, F_PID, &pid) && get_int(a, ci, ev, F_FILE_TABLE, &table)) {
		/* lttng-modules 2.11+: fds name a file table, which the
		 * process_state events tie to a pid. */
		void *v = tj_map_get(&a->file_tables, table);
		pid = v ? (int64_t)(intptr_t)v - 1 : -1;
	}
	if (pid < 0 || !get_int(a, ci, ev, F_FD, &fd) || !fname)
		return TJ_OK;
	get_int(a, ci, ev, F_FLAGS, &flags);
	struct process *p = process_get(a, (int32_t)pid, 1);
	if (!p)
		return TJ_ENOMEM;
	int is_socket = strncmp(fname, "socket:", 7) == 0;
	if (is_socket)
		snprintf(desc, sizeof(desc), "socket %s", fname + 7);
	else if (strncmp(fname, "pipe:", 5) == 0)
		snprintf(desc, sizeof(desc), "pipe %s", fname + 5);
	else if (strncmp(fname, "anon_inode:", 11) == 0)
		snprintf(desc, sizeof(desc), "%s", fname + 11);
	else
		snprintf(desc, sizeof(desc), "file %s", fname);
	return fdtable_set(&p->fds, fd, desc, (flags & TJ_O_CLOEXEC) != 0, is_socket) ? TJ_ENOMEM : TJ_OK;
}

int fd_on_fork(struct analyzer *a, int32_t parent_pid, int32_t child_pid)
{
	if (parent_pid == child_pid || parent_pid < 0 || child_pid < 0)
		return TJ_OK;
	struct process *parent = process_get(a, parent_pid, 0);
	struct process *child = process_get(a, child_pid, 1);
	if (!child)
		return TJ_ENOMEM;
	if (!parent)
		return TJ_OK;
	fdtable_release(&child->fds);
	return fdtable_copy(&child->fds, &parent->fds) ? TJ_ENOMEM : TJ_OK;
}
