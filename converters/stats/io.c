/*
 * I/O statistics of the "stats" exporter: read- and write-family calls
 * (count, bytes, duration) per kind of file descriptor (file, socket, pipe)
 * and per file or peer.  What a descriptor refers to is tracked minimally
 * here — open/socket/accept/pipe/dup/close exits, fork, and the statedump —
 * in the syscalls analyzer's fdtable (compiled into this plugin from
 * plugins/syscalls/fdtable.c, one definition).  Its fd_track.c is not
 * reused: it is bound to that analyzer's state and record emission.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/syscalls/fdtable.h"
#include "stats.h"

enum { FK_FILE, FK_SOCKET, FK_PIPE, FK_OTHER, FK_UNKNOWN, FK_COUNT };
static const char *const kind_names[FK_COUNT] = {"file", "socket", "pipe", "other", "unknown"};

static struct proc *proc_get(struct stats *s, int32_t pid)
{
	struct proc *p = tj_map_get(&s->procs, pid);
	if (p)
		return p;
	if (!(p = calloc(1, sizeof(*p))) || !(p->fds = calloc(1, sizeof(*p->fds)))) {
		free(p);
		return NULL;
	}
	p->pid = pid;
	if (tj_map_put(&s->procs, pid, p)) {
		free(p->fds);
		free(p);
		return NULL;
	}
	return p;
}

/* Descriptions are "KIND:NAME"; the kind is the index of kind_names. */
static int kind_of(const char *desc)
{
	if (!desc)
		return FK_UNKNOWN;
	for (int k = 0; k < FK_UNKNOWN; k++) {
		size_t n = strlen(kind_names[k]);
		if (strncmp(desc, kind_names[k], n) == 0 && desc[n] == ':')
			return k;
	}
	return FK_OTHER;
}

/* A statedump file name: "socket:[123]", "pipe:[45]", "anon_inode:[eventfd]", a path. */
static int set_from_name(struct fdtable *t, int64_t fd, const char *name)
{
	char desc[160];
	const char *k = strncmp(name, "socket:", 7) == 0 ? "socket"
			: strncmp(name, "pipe:", 5) == 0 ? "pipe"
			: strncmp(name, "anon_inode:", 11) == 0 ? "other"
								 : "file";
	snprintf(desc, sizeof(desc), "%s:%s", k, name);
	return fdtable_set(t, fd, desc, 0, k[0] == 's');
}

/* lttng-modules >= 2.11 names a process's fd table by address in the
 * statedump's file descriptors: learn which pid owns each table. */
int io_statedump_process(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	const struct tj_host *h = s->h;
	int64_t pid;
	uint64_t addr;
	if (c->f_ftable < 0 || c->f_pid < 0 || !h->field_uint(ev, c->f_ftable, &addr) ||
	    !h->field_int(ev, c->f_pid, &pid) || pid < 0)
		return TJ_OK;
	/* values are pointers to the map; pid + 1 keeps pid 0 non-NULL */
	return tj_map_put(&s->ftables, (int64_t)addr, (void *)(uintptr_t)(pid + 1)) ? TJ_ENOMEM
										     : TJ_OK;
}

int io_statedump(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	const struct tj_host *h = s->h;
	int64_t pid = -1, fd;
	uint64_t addr;
	const char *name = c->f_filename >= 0 ? h->field_str(ev, c->f_filename) : NULL;
	if (c->f_pid < 0 || !h->field_int(ev, c->f_pid, &pid)) {
		void *v = c->f_ftable >= 0 && h->field_uint(ev, c->f_ftable, &addr)
				  ? tj_map_get(&s->ftables, (int64_t)addr)
				  : NULL;
		pid = v ? (int64_t)(uintptr_t)v - 1 : -1;
	}
	if (pid < 0 || c->f_fd < 0 || !h->field_int(ev, c->f_fd, &fd) || fd < 0)
		return TJ_OK;
	struct proc *p = proc_get(s, (int32_t)pid);
	if (!p)
		return TJ_ENOMEM;
	return set_from_name(p->fds, fd, name && *name ? name : "?") ? TJ_ENOMEM : TJ_OK;
}

int io_fork(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	const struct tj_host *h = s->h;
	int64_t parent, child;
	if (c->f_parent_pid < 0 || c->f_child_pid < 0 || !h->field_int(ev, c->f_parent_pid, &parent) ||
	    !h->field_int(ev, c->f_child_pid, &child) || parent == child)
		return TJ_OK;
	struct proc *pp = tj_map_get(&s->procs, parent);
	if (!pp)
		return TJ_OK;
	struct proc *cp = proc_get(s, (int32_t)child);
	if (!cp)
		return TJ_ENOMEM;
	fdtable_release(cp->fds);
	return fdtable_copy(cp->fds, pp->fds) ? TJ_ENOMEM : TJ_OK;
}

/* The row of an fd's target: by its description when it names something,
 * else by process and fd number.  Keys are hashed without formatting
 * anything: the display name is built once, when the row is created. */
static struct io_target *target_get(struct stats *s, const char *desc, int kind, int32_t pid,
				    int64_t fd, const char *comm)
{
	uint64_t key = desc ? name_hash(desc)
			    : ((uint64_t)(uint32_t)pid << 32 | (uint64_t)(fd & 0xffffffff)) *
				      UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)kind;
	struct io_target *t;
	while ((t = tj_map_get(&s->targets, (int64_t)key))) {
		if (desc ? t->desc && strcmp(t->desc, desc) == 0
			 : !t->desc && t->pid == pid && t->fd == fd && t->kind == kind_names[kind])
			return t;
		key++; /* probe past a hash collision */
	}
	if (s->targets.n >= MAX_TARGETS) {
		s->targets_dropped++;
		return NULL;
	}
	char name[192];
	if (desc)
		snprintf(name, sizeof(name), "%s", desc + strlen(kind_names[kind]) + 1);
	else
		snprintf(name, sizeof(name), "fd %" PRId64 " of %s (pid %d)", fd, comm, (int)pid);
	if (!(t = calloc(1, sizeof(*t))) || !(t->name = strdup(name)) ||
	    (desc && !(t->desc = strdup(desc)))) {
		if (t)
			free(t->name);
		free(t);
		return NULL;
	}
	t->pid = pid;
	t->fd = fd;
	t->kind = kind_names[kind];
	if (tj_map_put(&s->targets, (int64_t)key, t)) {
		free(t->desc);
		free(t->name);
		free(t);
		return NULL;
	}
	return t;
}

static void io_add(struct io_acc *a, int write, int64_t ret, int64_t dur)
{
	uint64_t bytes = ret > 0 ? (uint64_t)ret : 0;
	if (write) {
		a->writes++;
		a->wbytes += bytes;
	} else {
		a->reads++;
		a->rbytes += bytes;
	}
	acc_add(&a->acc, dur);
}

static int rw(struct stats *s, struct sthread *t, struct proc *p, int64_t ret, int64_t dur)
{
	const char *desc = t->sys.fd >= 0 ? fdtable_borrow(p->fds, t->sys.fd) : NULL;
	int kind = kind_of(desc), write = t->sys.io == IO_WRITE;
	io_add(&s->io_kind[kind], write, ret, dur);
	/* "KIND:NAME" names a target unless NAME is unknown ("?") */
	const char *nm = desc && kind < FK_UNKNOWN ? desc + strlen(kind_names[kind]) + 1 : NULL;
	if (kind == FK_OTHER && desc)
		nm = strchr(desc, ':') ? strchr(desc, ':') + 1 : desc;
	int named = nm && *nm && strcmp(nm, "?") != 0;
	struct io_target *tg = target_get(s, named ? desc : NULL, kind, p->pid, t->sys.fd, t->comm);
	if (tg)
		io_add(&tg->io, write, ret, dur);
	return TJ_OK;
}

/* accept's exit carries the peer on lttng-modules >= 2.11 (family, sport, v4addr). */
static void peer(struct stats *s, const struct tj_event *ev, const struct stats_class *c, char *buf,
		 size_t cap)
{
	const struct tj_host *h = s->h;
	uint64_t a[4];
	int64_t port;
	buf[0] = 0;
	if (c->f_v4addr < 0 || c->f_sport < 0 || h->field_len(ev, c->f_v4addr) != 4 ||
	    !h->field_int(ev, c->f_sport, &port))
		return;
	for (int i = 0; i < 4; i++)
		if (!h->field_elem_uint(ev, c->f_v4addr, (uint64_t)i, &a[i]))
			return;
	snprintf(buf, cap, "%u.%u.%u.%u:%u", (unsigned)a[0], (unsigned)a[1], (unsigned)a[2],
		 (unsigned)a[3], (unsigned)port);
}

int io_exit(struct stats *s, const struct tj_event *ev, struct sthread *t, int64_t ret,
	    int64_t dur)
{
	struct proc *p = proc_get(s, t->pid >= 0 ? t->pid : t->tid);
	char desc[192], buf[64];
	uint64_t fds[2];
	if (!p)
		return TJ_ENOMEM;
	switch (t->sys.io) {
	case IO_READ:
	case IO_WRITE:
		return rw(s, t, p, ret, dur);
	case IO_OPEN:
		if (ret < 0)
			return TJ_OK;
		snprintf(desc, sizeof(desc), "file:%s", t->sys.path[0] ? t->sys.path : "?");
		return fdtable_set(p->fds, ret, desc, 0, 0) ? TJ_ENOMEM : TJ_OK;
	case IO_SOCKET:
		return ret >= 0 && fdtable_set(p->fds, ret, "socket:?", 0, 1) ? TJ_ENOMEM : TJ_OK;
	case IO_ACCEPT:
		if (ret < 0)
			return TJ_OK;
		peer(s, ev, s->cur_exit, buf, sizeof(buf));
		snprintf(desc, sizeof(desc), "socket:%s", buf[0] ? buf : "?");
		return fdtable_set(p->fds, ret, desc, 0, 1) ? TJ_ENOMEM : TJ_OK;
	case IO_PIPE:
		if (ret < 0 || !s->cur_exit || s->cur_exit->f_fildes < 0 ||
		    s->h->field_len(ev, s->cur_exit->f_fildes) != 2 ||
		    !s->h->field_elem_uint(ev, s->cur_exit->f_fildes, 0, &fds[0]) ||
		    !s->h->field_elem_uint(ev, s->cur_exit->f_fildes, 1, &fds[1]))
			return TJ_OK;
		if (fdtable_set(p->fds, (int64_t)fds[0], "pipe:?", 0, 0) ||
		    fdtable_set(p->fds, (int64_t)fds[1], "pipe:?", 0, 0))
			return TJ_ENOMEM;
		return TJ_OK;
	case IO_DUP: {
		const char *old = t->sys.fd >= 0 ? fdtable_borrow(p->fds, t->sys.fd) : NULL;
		if (ret < 0 || !old || ret == t->sys.fd)
			return TJ_OK;
		snprintf(desc, sizeof(desc), "%s", old);
		return fdtable_set(p->fds, ret, desc, 0, kind_of(desc) == FK_SOCKET) ? TJ_ENOMEM
										       : TJ_OK;
	}
	case IO_CLOSE:
		if (ret == 0 && t->sys.fd >= 0)
			fdtable_close(p->fds, t->sys.fd);
		return TJ_OK;
	default:
		return TJ_OK;
	}
}

static void io_cells(struct table *t, const struct io_acc *a)
{
	cell_int(t, (int64_t)a->reads);
	cell_size(t, (int64_t)a->rbytes);
	cell_int(t, (int64_t)a->writes);
	cell_size(t, (int64_t)a->wbytes);
}

static int by_bytes(const void *a, const void *b)
{
	const struct io_target *x = *(const struct io_target *const *)a;
	const struct io_target *y = *(const struct io_target *const *)b;
	uint64_t bx = x->io.rbytes + x->io.wbytes, by = y->io.rbytes + y->io.wbytes;
	if (bx != by)
		return bx < by ? 1 : -1;
	if (x->io.acc.count != y->io.acc.count)
		return x->io.acc.count < y->io.acc.count ? 1 : -1;
	return strcmp(x->name, y->name);
}

int io_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap)
{
	int64_t b, e;
	stats_window(s, &b, &e);
	struct table *t = table_new(table_class_named("io-per-kind"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	for (int k = 0; k < FK_COUNT; k++) {
		const struct io_acc *a = &s->io_kind[k];
		if (!a->acc.count)
			continue;
		if (table_row(t))
			return -1;
		cell_str(t, C_STR, kind_names[k]);
		io_cells(t, a);
		cell_dur(t, a->acc.min);
		cell_durf(t, acc_avg(&a->acc));
		cell_dur(t, a->acc.max);
	}
	t = table_new(table_class_named("io-per-target"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	size_t nt = s->targets.n, k = 0;
	struct io_target **v = calloc(nt ? nt : 1, sizeof(*v));
	void *p;
	if (!v)
		return -1;
	for (size_t it = 0; (p = tj_map_next(&s->targets, &it, NULL)) && k < nt;)
		v[k++] = p;
	qsort(v, k, sizeof(*v), by_bytes);
	for (size_t i = 0; i < k; i++) {
		if (table_row(t)) {
			free(v);
			return -1;
		}
		cell_str(t, C_PATH, v[i]->name);
		cell_str(t, C_STR, v[i]->kind);
		io_cells(t, &v[i]->io);
		cell_durf(t, acc_avg(&v[i]->io.acc));
		cell_dur(t, v[i]->io.acc.max);
	}
	free(v);
	if (s->targets_dropped)
		s->h->log(s->self, TJ_LOG_NOTICE,
			  "%llu I/O calls were counted by kind only: more than %d files and peers",
			  (unsigned long long)s->targets_dropped, MAX_TARGETS);
	return 0;
}

void io_release(struct stats *s)
{
	void *v;
	for (size_t it = 0; (v = tj_map_next(&s->procs, &it, NULL));) {
		struct proc *p = v;
		fdtable_release(p->fds);
		free(p->fds);
		free(p);
	}
	tj_map_release(&s->procs);
	tj_map_release(&s->ftables);
	for (size_t it = 0; (v = tj_map_next(&s->targets, &it, NULL));) {
		struct io_target *t = v;
		free(t->desc);
		free(t->name);
		free(t);
	}
	tj_map_release(&s->targets);
}
