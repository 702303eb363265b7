/*
 * Unit tests of the syscalls analyzer through a small fake host, the way
 * collectd and babeltrace2 test their plugins: the real plugin (the built
 * syscalls.so, dlopen'd like the core does) gets events whose fields a test
 * writes as text ("syscall_exit_read ret=6"), and every record and
 * annotation it emits is captured and checked.  The CLI tests check the same
 * analyzer end to end on real traces; these pin each rule down alone:
 * pairing by name, spans cut by lost events, errno names, fd tables through
 * open/close/dup2/accept4/fork/exec, thread states.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tjconv/plugin.h"

#define MAX_FIELDS 16
#define MAX_RECORDS 256
#define MAX_CLASSES 64

struct fclass {
	struct tj_event_class pub;
	char name[64];
	char fields[MAX_FIELDS][32];
	int nfields;
	void *class_data;
};

struct fevent {
	int64_t ints[MAX_FIELDS];
	int64_t arr[MAX_FIELDS][16]; /* "[1,2,3]": an array of integers */
	int arrlen[MAX_FIELDS];      /* -1: not an array */
	char strs[MAX_FIELDS][64];
	int is_str[MAX_FIELDS];
};

struct rec {
	uint32_t kind;
	char name[64];
	int64_t ts, dur;
	int32_t pid, tid;
	uint32_t flags, track;
	int nargs;
	char keys[16][24];
	char vals[16][96];
};

struct tj_sbuf {
	char *data;
	size_t len, cap;
};

static struct {
	const struct tj_plugin_desc *desc;
	void *dl;
	void *state;
	struct fclass classes[MAX_CLASSES];
	int nclasses;
	struct rec recs[MAX_RECORDS];
	int nrecs;
	char note[256]; /* last annotation */
} fx;

/* ---- fake host ------------------------------------------------------- */

static void h_log(struct tj_plugin *self, enum tj_log_level l, const char *fmt, ...)
{
	(void)self;
	(void)l;
	(void)fmt;
}

static void h_error(struct tj_plugin *self, const char *fmt, ...)
{
	(void)self;
	(void)fmt;
}

static const char *h_param(struct tj_plugin *self, const char *key)
{
	(void)self;
	(void)key;
	return NULL;
}

static tj_field h_lookup(const struct tj_event_class *pub, const char *path)
{
	const struct fclass *c = (const struct fclass *)pub;
	const char *colon = strchr(path, ':');
	if (colon && strncmp(path, "payload:", 8) != 0)
		return -1;
	const char *name = colon ? colon + 1 : path;
	for (int i = 0; i < c->nfields; i++)
		if (strcmp(c->fields[i], name) == 0)
			return i;
	return -1;
}

static const struct fevent *ev_of(const struct tj_event *ev)
{
	return ev->host_private;
}

static int h_int(const struct tj_event *ev, tj_field f, int64_t *out)
{
	if (f < 0 || f >= MAX_FIELDS || ev_of(ev)->is_str[f])
		return 0;
	*out = ev_of(ev)->ints[f];
	return 1;
}

static int h_uint(const struct tj_event *ev, tj_field f, uint64_t *out)
{
	int64_t v;
	if (!h_int(ev, f, &v))
		return 0;
	*out = (uint64_t)v;
	return 1;
}

static const char *h_str(const struct tj_event *ev, tj_field f)
{
	return f >= 0 && f < MAX_FIELDS && ev_of(ev)->is_str[f] ? ev_of(ev)->strs[f] : NULL;
}

static int64_t h_len(const struct tj_event *ev, tj_field f)
{
	return f >= 0 && f < MAX_FIELDS ? ev_of(ev)->arrlen[f] : -1;
}

static int h_elem(const struct tj_event *ev, tj_field f, uint64_t i, uint64_t *out)
{
	if (f < 0 || f >= MAX_FIELDS || ev_of(ev)->arrlen[f] < 0 || i >= (uint64_t)ev_of(ev)->arrlen[f])
		return 0;
	*out = (uint64_t)ev_of(ev)->arr[f][i];
	return 1;
}

static uint32_t h_count(const struct tj_event_class *pub)
{
	return (uint32_t)((const struct fclass *)pub)->nfields;
}

static const char *h_fname(const struct tj_event_class *pub, uint32_t i)
{
	const struct fclass *c = (const struct fclass *)pub;
	return i < (uint32_t)c->nfields ? c->fields[i] : NULL;
}

static enum tj_status h_format(const struct tj_event *ev, struct tj_sbuf *sb)
{
	(void)ev;
	(void)sb;
	return TJ_OK;
}

static size_t h_time(struct tj_plugin *self, int64_t ts, unsigned style, char *buf, size_t cap)
{
	(void)self;
	(void)style;
	return (size_t)snprintf(buf, cap, "%lld", (long long)ts);
}

static struct tj_sbuf *h_sbuf_new(void)
{
	return calloc(1, sizeof(struct tj_sbuf));
}

static void h_sbuf_free(struct tj_sbuf *sb)
{
	if (sb)
		free(sb->data);
	free(sb);
}

static enum tj_status h_sbuf_append(struct tj_sbuf *sb, const char *d, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = (sb->len + n + 1) * 2;
		char *v = realloc(sb->data, cap);
		if (!v)
			return TJ_ENOMEM;
		sb->data = v;
		sb->cap = cap;
	}
	memcpy(sb->data + sb->len, d, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return TJ_OK;
}

static enum tj_status h_sbuf_printf(struct tj_sbuf *sb, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return h_sbuf_append(sb, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static const char *h_sbuf_data(const struct tj_sbuf *sb)
{
	return sb->data ? sb->data : "";
}

static size_t h_sbuf_len(const struct tj_sbuf *sb)
{
	return sb->len;
}

static void h_sbuf_truncate(struct tj_sbuf *sb, size_t n)
{
	if (n < sb->len) {
		sb->len = n;
		sb->data[n] = '\0';
	}
}

static enum tj_status h_annotate(struct tj_plugin *self, const struct tj_event *ev, const char *t)
{
	(void)self;
	(void)ev;
	snprintf(fx.note, sizeof(fx.note), "%s", t);
	return TJ_OK;
}

static enum tj_status h_emit(struct tj_plugin *self, const struct tj_record *r)
{
	(void)self;
	assert_true(fx.nrecs < MAX_RECORDS);
	struct rec *o = &fx.recs[fx.nrecs++];
	memset(o, 0, sizeof(*o));
	o->kind = r->kind;
	snprintf(o->name, sizeof(o->name), "%s", r->name ? r->name : "");
	o->ts = r->ts;
	o->dur = r->dur;
	o->pid = r->pid;
	o->tid = r->tid;
	o->flags = r->flags;
	o->track = r->track;
	for (uint32_t i = 0; i < r->nargs && i < 16; i++) {
		const struct tj_arg *a = &r->args[i];
		assert_int_equal(a->size, sizeof(struct tj_arg)); /* ABI: every arg sized */
		snprintf(o->keys[i], sizeof(o->keys[i]), "%s", a->key);
		if (a->type == TJ_ARG_STR)
			snprintf(o->vals[i], sizeof(o->vals[i]), "%s", a->v.s ? a->v.s : "");
		else
			snprintf(o->vals[i], sizeof(o->vals[i]), "%lld", (long long)a->v.i);
		o->nargs++;
	}
	return TJ_OK;
}

static enum tj_status h_write(struct tj_plugin *self, const void *d, size_t n)
{
	(void)self;
	(void)d;
	(void)n;
	return TJ_OK;
}

static const struct tj_host host = {
	.size = sizeof(struct tj_host),
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.log = h_log,
	.error = h_error,
	.param = h_param,
	.field_lookup = h_lookup,
	.field_int = h_int,
	.field_uint = h_uint,
	.field_str = h_str,
	.field_len = h_len,
	.field_elem_uint = h_elem,
	.field_count = h_count,
	.field_name = h_fname,
	.format_fields = h_format,
	.format_time = h_time,
	.sbuf_new = h_sbuf_new,
	.sbuf_free = h_sbuf_free,
	.sbuf_append = h_sbuf_append,
	.sbuf_printf = h_sbuf_printf,
	.sbuf_data = h_sbuf_data,
	.sbuf_len = h_sbuf_len,
	.sbuf_truncate = h_sbuf_truncate,
	.annotate = h_annotate,
	.emit = h_emit,
	.write = h_write,
};

/* ---- driving the analyzer -------------------------------------------- */

/* feed(ts, tid, pid, "name f1=1 f2=\"text\" ..."): one event of the class
 * named first, fields in the order written (the first event of a class
 * fixes its field list). */
static void feed(int64_t ts, int32_t tid, int32_t pid, const char *spec)
{
	char buf[512], *p = buf, *names[MAX_FIELDS], *vals[MAX_FIELDS];
	int n = 0;
	struct fevent fe;
	memset(&fe, 0, sizeof(fe));
	for (int i = 0; i < MAX_FIELDS; i++)
		fe.arrlen[i] = -1;
	snprintf(buf, sizeof(buf), "%s", spec);
	char *name = p;
	p = strchr(p, ' ');
	if (p)
		*p++ = '\0';
	while (p && *p && n < MAX_FIELDS) {
		names[n] = p;
		char *eq = strchr(p, '=');
		assert_non_null(eq);
		*eq = '\0';
		vals[n] = eq + 1;
		if (*vals[n] == '[') {
			char *q = vals[n] + 1;
			fe.arrlen[n] = 0;
			while (*q && *q != ']' && fe.arrlen[n] < 16) {
				fe.arr[n][fe.arrlen[n]++] = strtoll(q, &q, 0);
				if (*q == ',')
					q++;
			}
			fe.is_str[n] = 1; /* not an integer */
			fe.strs[n][0] = '\0';
			p = *q ? q + 1 : NULL;
		} else if (*vals[n] == '"') {
			vals[n]++;
			char *q = strchr(vals[n], '"');
			*q = '\0';
			p = q + 1;
			fe.is_str[n] = 1;
			snprintf(fe.strs[n], sizeof(fe.strs[n]), "%.63s", vals[n]);
		} else {
			char *sp = strchr(vals[n], ' ');
			if (sp)
				*sp = '\0';
			fe.ints[n] = strtoll(vals[n], NULL, 0);
			p = sp ? sp + 1 : NULL;
		}
		while (p && *p == ' ')
			p++;
		n++;
	}
	struct fclass *c = NULL;
	for (int i = 0; i < fx.nclasses; i++)
		if (strcmp(fx.classes[i].name, name) == 0)
			c = &fx.classes[i];
	if (!c) {
		assert_true(fx.nclasses < MAX_CLASSES);
		c = &fx.classes[fx.nclasses];
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%.63s", name);
		c->pub.size = sizeof(c->pub);
		c->pub.id = (uint32_t)fx.nclasses++;
		c->pub.name = c->name;
		for (int i = 0; i < n; i++)
			snprintf(c->fields[i], sizeof(c->fields[i]), "%.31s", names[i]);
		c->nfields = n;
		assert_int_equal(fx.desc->on_class(fx.state, &c->pub, &c->class_data), TJ_OK);
	} else {
		/* same field order as the first event of the class */
		for (int i = 0; i < n; i++)
			assert_string_equal(c->fields[i], names[i]);
	}
	struct tj_event ev = {
		.size = sizeof(ev), .cls = &c->pub, .ts = ts, .cpu = 0, .tid = tid, .pid = pid,
		.prio = INT32_MIN, .comm = NULL, .identity = TJ_ID_FROM_CONTEXT, .host_private = &fe,
	};
	fx.note[0] = '\0';
	assert_int_equal(fx.desc->on_event(fx.state, &ev, c->class_data), TJ_OK);
}

static void lost(int64_t begin, int64_t end)
{
	struct tj_discard d = {.size = sizeof(d), .count = 5, .begin_ts = begin, .end_ts = end,
			       .cpu = 0, .stream_name = "s"};
	if (fx.desc->on_discard)
		assert_int_equal(fx.desc->on_discard(fx.state, &d), TJ_OK);
}

static void finish(void)
{
	struct tj_run_stats st = {.size = sizeof(st)};
	assert_int_equal(fx.desc->finish(fx.state, &st), TJ_OK);
}

static int setup(void **unused)
{
	(void)unused;
	const char *b = getenv("TJ_BUILD");
	char path[4096];
	memset(&fx, 0, sizeof(fx));
	snprintf(path, sizeof(path), "%s/lib/tjconv/syscalls.so", b ? b : "build");
	fx.dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!fx.dl) {
		fprintf(stderr, "# cannot load '%s': %s\n", path, dlerror());
		return -1;
	}
	tj_plugin_entry_fn entry = (tj_plugin_entry_fn)(uintptr_t)dlsym(fx.dl, TJ_PLUGIN_ENTRY_SYMBOL);
	if (!entry)
		return -1;
	fx.desc = entry();
	/* begin()'s info stays valid until fini (ABI): not on the stack. */
	static struct tj_trace_info info;
	info = (struct tj_trace_info){.size = sizeof(info), .first_ts = 1000,
				      .begin_ts = TJ_TS_NONE, .end_ts = TJ_TS_NONE};
	if (fx.desc->init(&host, (struct tj_plugin *)&fx, &fx.state) != TJ_OK)
		return -1;
	return fx.desc->begin ? (fx.desc->begin(fx.state, &info) != TJ_OK) : 0;
}

static int teardown(void **unused)
{
	(void)unused;
	if (fx.desc && fx.state)
		fx.desc->fini(fx.state);
	if (fx.dl)
		dlclose(fx.dl);
	return 0;
}

/* The nth (from 0) span named name, or NULL. */
static const struct rec *span(const char *name, int nth)
{
	for (int i = 0; i < fx.nrecs; i++)
		if (fx.recs[i].kind == TJ_REC_SPAN && strcmp(fx.recs[i].name, name) == 0 && nth-- == 0)
			return &fx.recs[i];
	return NULL;
}

static int nspans(void)
{
	int n = 0;
	for (int i = 0; i < fx.nrecs; i++)
		n += fx.recs[i].kind == TJ_REC_SPAN;
	return n;
}

static const char *arg(const struct rec *r, const char *key)
{
	for (int i = 0; r && i < r->nargs; i++)
		if (strcmp(r->keys[i], key) == 0)
			return r->vals[i];
	return NULL;
}

/* ---- tests ------------------------------------------------------------ */

static void pairs_entry_and_exit_of_the_same_call(void **unused)
{
	(void)unused;
	feed(2000, 100, 100, "syscall_entry_read fd=0 count=10");
	feed(2500, 100, 100, "syscall_exit_read ret=6 buf=0");
	const struct rec *r = span("read", 0);
	assert_non_null(r);
	assert_int_equal(r->ts, 2000);
	assert_int_equal(r->dur, 500);
	assert_int_equal(r->flags, 0);
	assert_string_equal(arg(r, "ret"), "6");
	assert_int_equal(r->pid, 100);
	assert_int_equal(r->tid, 100);
}

static void an_exit_of_another_call_does_not_pair(void **unused)
{
	(void)unused;
	feed(2000, 100, 100, "syscall_entry_read fd=0 count=10");
	feed(2600, 100, 100, "syscall_exit_write ret=3");
	const struct rec *r = span("read", 0), *w = span("write", 0);
	assert_non_null(r);
	assert_non_null(w);
	/* The read's exit was lost: cut at the unrelated exit. */
	assert_int_equal(r->flags, TJ_REC_F_CUT_END);
	assert_int_equal(r->dur, 600);
	/* The write's entry was lost: a span that only ends. */
	assert_int_equal(w->flags, TJ_REC_F_CUT_BEGIN);
	assert_string_equal(arg(w, "ret"), "3");
	assert_null(arg(r, "ret"));
}

static void an_entry_after_a_lost_exit_closes_the_open_span(void **unused)
{
	(void)unused;
	feed(2000, 100, 100, "syscall_entry_read fd=0 count=10");
	lost(2100, 2900);
	feed(3000, 100, 100, "syscall_entry_write fd=1 count=3");
	feed(3100, 100, 100, "syscall_exit_write ret=3");
	const struct rec *r = span("read", 0), *w = span("write", 0);
	assert_non_null(r);
	assert_int_equal(r->ts, 2000);
	assert_int_equal(r->dur, 1000);
	assert_int_equal(r->flags, TJ_REC_F_CUT_END);
	assert_non_null(w);
	assert_int_equal(w->ts, 3000);
	assert_int_equal(w->flags, 0);
	assert_int_equal(nspans(), 2);
}

static void negative_returns_carry_the_errno_name(void **unused)
{
	(void)unused;
	static const struct {
		int err;
		const char *name;
	} cases[] = {{-11, "EAGAIN"}, {-2, "ENOENT"}, {-9, "EBADF"}, {-13, "EACCES"},
		     {-4, "EINTR"}, {-110, "ETIMEDOUT"}, {-1, "EPERM"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char e[96];
		snprintf(e, sizeof(e), "syscall_exit_read ret=%d buf=0", cases[i].err);
		feed(2000 + 10 * (int64_t)i, 100, 100, "syscall_entry_read fd=0 count=10");
		feed(2005 + 10 * (int64_t)i, 100, 100, e);
		const struct rec *r = span("read", (int)i);
		assert_non_null(r);
		assert_string_equal(arg(r, "errno"), cases[i].name);
	}
}

static void open_socket(int64_t ts, int32_t tid, int fd)
{
	char e[64];
	feed(ts, tid, tid, "syscall_entry_socket family=2 type=1 protocol=0");
	snprintf(e, sizeof(e), "syscall_exit_socket ret=%d", fd);
	feed(ts + 1, tid, tid, e);
}

static void read_fd(int64_t ts, int32_t tid, int fd)
{
	char e[64];
	snprintf(e, sizeof(e), "syscall_entry_read fd=%d count=10", fd);
	feed(ts, tid, tid, e);
	feed(ts + 1, tid, tid, "syscall_exit_read ret=1 buf=0");
}

static void close_removes_the_fd(void **unused)
{
	(void)unused;
	open_socket(2000, 100, 3);
	read_fd(2010, 100, 3);
	assert_non_null(arg(span("read", 0), "fd_target"));
	assert_non_null(strstr(arg(span("read", 0), "fd_target"), "socket"));
	feed(2020, 100, 100, "syscall_entry_close fd=3");
	feed(2021, 100, 100, "syscall_exit_close ret=0");
	read_fd(2030, 100, 3);
	assert_null(arg(span("read", 1), "fd_target"));
}

static void dup2_copies_old_onto_new(void **unused)
{
	(void)unused;
	open_socket(2000, 100, 3);
	feed(2010, 100, 100, "syscall_entry_dup2 oldfd=3 newfd=7");
	feed(2011, 100, 100, "syscall_exit_dup2 ret=7");
	read_fd(2020, 100, 7);
	const char *t = arg(span("read", 0), "fd_target");
	assert_non_null(t);
	assert_non_null(strstr(t, "socket"));
	/* and the old fd is still there */
	read_fd(2030, 100, 3);
	assert_non_null(arg(span("read", 1), "fd_target"));
	/* dup3 too, and the source is never overwritten by the target */
	feed(2040, 100, 100, "syscall_entry_dup3 oldfd=7 newfd=9 flags=0");
	feed(2041, 100, 100, "syscall_exit_dup3 ret=9");
	read_fd(2050, 100, 9);
	assert_non_null(strstr(arg(span("read", 2), "fd_target"), "socket"));
	read_fd(2060, 100, 5);
	assert_null(arg(span("read", 3), "fd_target"));
}

static void accept4_names_the_new_socket_not_the_listener(void **unused)
{
	(void)unused;
	open_socket(2000, 100, 3);
	feed(2010, 100, 100, "syscall_entry_listen fd=3 backlog=1");
	feed(2011, 100, 100, "syscall_exit_listen ret=0");
	feed(2020, 100, 100, "syscall_entry_accept4 fd=3 upeer_addrlen=16 flags=0");
	feed(3020, 100, 100,
	     "syscall_exit_accept4 ret=4 upeer_addrlen=16 family=2 sport=4444 v4addr=[127,0,0,1]");
	assert_non_null(strstr(fx.note, "ret 4 = new socket from 127.0.0.1:4444"));
	read_fd(3030, 100, 4);
	const char *t4 = arg(span("read", 0), "fd_target");
	assert_non_null(t4);
	assert_non_null(strstr(t4, "127.0.0.1:4444"));
	read_fd(3040, 100, 3);
	const char *t3 = arg(span("read", 1), "fd_target");
	assert_non_null(t3);
	assert_null(strstr(t3, "4444"));
}

static void fork_inherits_and_exec_closes_cloexec(void **unused)
{
	(void)unused;
	open_socket(2000, 100, 3);
	feed(2010, 100, 100, "syscall_entry_fcntl fd=3 cmd=2 arg=1"); /* F_SETFD FD_CLOEXEC */
	feed(2011, 100, 100, "syscall_exit_fcntl ret=0");
	open_socket(2020, 100, 5);
	feed(2030, 100, 100,
	     "sched_process_fork parent_comm=\"a\" parent_tid=100 parent_pid=100 child_comm=\"a\" "
	     "child_tid=200 child_pid=200");
	read_fd(2040, 200, 3);
	assert_non_null(arg(span("read", 0), "fd_target"));
	feed(2050, 200, 200, "sched_process_exec filename=\"/bin/b\" tid=200 old_tid=200");
	read_fd(2060, 200, 3);
	assert_null(arg(span("read", 1), "fd_target"));
	read_fd(2070, 200, 5);
	assert_non_null(arg(span("read", 2), "fd_target"));
	/* the parent keeps its close-on-exec fd */
	read_fd(2080, 100, 3);
	assert_non_null(arg(span("read", 3), "fd_target"));
}

/* The state record of tid that starts at ts, or NULL. */
static const struct rec *state_at(int32_t tid, int64_t ts)
{
	for (int i = 0; i < fx.nrecs; i++)
		if (fx.recs[i].kind == TJ_REC_STATE && fx.recs[i].track == TJ_TRACK_THREAD_STATE &&
		    fx.recs[i].tid == tid && fx.recs[i].ts == ts)
			return &fx.recs[i];
	return NULL;
}

static void thread_states_follow_the_scheduler(void **unused)
{
	(void)unused;
#define SW "sched_switch prev_comm=\"a\" prev_tid=%d prev_prio=20 prev_state=%d " \
	   "next_comm=\"b\" next_tid=%d next_prio=20"
	char e[256];
	feed(2000, 100, 100, "syscall_entry_read fd=0 count=10");
	snprintf(e, sizeof(e), SW, 100, 1, 0); /* sleeps in the read */
	feed(2100, 100, 100, e);
	feed(2500, 0, 0, "sched_waking comm=\"a\" tid=100 prio=20 target_cpu=0");
	snprintf(e, sizeof(e), SW, 0, 0, 100);
	feed(2700, 0, 0, e);
	feed(2800, 100, 100, "syscall_exit_read ret=6 buf=0");
	feed(2900, 100, 100, "syscall_entry_getpid");
	finish();
	const struct rec *s;
	assert_non_null(s = state_at(100, 2000));
	assert_string_equal(s->name, "syscall");
	assert_non_null(s = state_at(100, 2100));
	assert_string_equal(s->name, "blocked");
	assert_int_equal(s->dur, 400);
	assert_non_null(s = state_at(100, 2500));
	assert_string_equal(s->name, "wait-cpu");
	assert_int_equal(s->dur, 200);
	assert_non_null(s = state_at(100, 2700));
	assert_string_equal(s->name, "syscall");
	assert_non_null(s = state_at(100, 2800));
	assert_string_equal(s->name, "running");
	/* the read's span says how long it was blocked */
	assert_string_equal(arg(span("read", 0), "blocked_ns"), "400");
	/* the getpid still open at the end is cut there */
	assert_int_equal(span("getpid", 0)->flags, TJ_REC_F_CUT_END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pairs_entry_and_exit_of_the_same_call, setup, teardown),
		cmocka_unit_test_setup_teardown(an_exit_of_another_call_does_not_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(an_entry_after_a_lost_exit_closes_the_open_span, setup,
						teardown),
		cmocka_unit_test_setup_teardown(negative_returns_carry_the_errno_name, setup, teardown),
		cmocka_unit_test_setup_teardown(close_removes_the_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(dup2_copies_old_onto_new, setup, teardown),
		cmocka_unit_test_setup_teardown(accept4_names_the_new_socket_not_the_listener, setup,
						teardown),
		cmocka_unit_test_setup_teardown(fork_inherits_and_exec_closes_cloexec, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_states_follow_the_scheduler, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
