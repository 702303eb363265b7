/*
 * System call statistics of the "stats" exporter: entries and exits paired
 * per thread, durations accumulated per syscall and per (thread, syscall),
 * errors by errno name, a log2 duration histogram and the N slowest calls
 * with their entry arguments.  Read/write-family exits also feed io.c.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static const struct {
	const char *name;
	uint8_t op;
} io_ops[] = {
	{"read", IO_READ},	 {"readv", IO_READ},	{"pread64", IO_READ},	{"preadv", IO_READ},
	{"preadv2", IO_READ},	 {"recvfrom", IO_READ}, {"recvmsg", IO_READ},	{"write", IO_WRITE},
	{"writev", IO_WRITE},	 {"pwrite64", IO_WRITE}, {"pwritev", IO_WRITE}, {"pwritev2", IO_WRITE},
	{"sendto", IO_WRITE},	 {"sendmsg", IO_WRITE}, {"open", IO_OPEN},	{"openat", IO_OPEN},
	{"creat", IO_OPEN},	 {"openat2", IO_OPEN},	{"socket", IO_SOCKET},	{"accept", IO_ACCEPT},
	{"accept4", IO_ACCEPT}, {"pipe", IO_PIPE},	{"pipe2", IO_PIPE},	{"dup", IO_DUP},
	{"dup2", IO_DUP},	 {"dup3", IO_DUP},	{"close", IO_CLOSE},
};

static int32_t intern(struct stats *s, const char *name)
{
	for (uint32_t i = 0; i < s->nsys; i++)
		if (strcmp(s->sysnames[i], name) == 0)
			return (int32_t)i;
	if (s->nsys == MAX_SYSCALLS)
		return -1;
	if (!(s->sysnames[s->nsys] = strdup(name)) ||
	    !(s->sys[s->nsys] = calloc(1, sizeof(*s->sys[0])))) {
		free(s->sysnames[s->nsys]);
		return -2;
	}
	return (int32_t)s->nsys++;
}

int sys_class(struct stats *s, const struct tj_event_class *cls, struct stats_class *c)
{
	const struct tj_host *h = s->h;
	const char *name = NULL;
	if (strncmp(cls->name, "syscall_entry_", 14) == 0) {
		c->kind = K_SYS_ENTRY;
		name = cls->name + 14;
	} else if (strncmp(cls->name, "syscall_exit_", 13) == 0) {
		c->kind = K_SYS_EXIT;
		name = cls->name + 13;
	} else if (strcmp(cls->name, "exit_syscall") == 0) {
		c->kind = K_SYS_EXIT;
		return 0;
	} else {
		return 0;
	}
	/* The entry decides what the call is; exits are matched by thread. */
	if (c->kind == K_SYS_EXIT)
		return 0;
	if (strcmp(name, "unknown") == 0 && (c->f_id = h->field_lookup(cls, "payload:id")) >= 0) {
		c->sysid = SYSID_BY_ID; /* named per event: "syscall_<id>", as the syscalls analyzer does */
		return 0;
	}
	c->sysid = intern(s, name);
	if (c->sysid == -2)
		return -1;
	for (size_t i = 0; i < sizeof(io_ops) / sizeof(io_ops[0]); i++)
		if (strcmp(name, io_ops[i].name) == 0)
			c->io = io_ops[i].op;
	c->f_oldfd = h->field_lookup(cls, "payload:oldfd");
	if (c->f_oldfd < 0)
		c->f_oldfd = h->field_lookup(cls, "payload:fildes");
	uint32_t n = h->field_count(cls);
	for (uint32_t i = 0; i < n && c->nargs < SYS_ARGS; i++) {
		const char *an = h->field_name(cls, i);
		char path[96];
		if (!an)
			continue;
		snprintf(path, sizeof(path), "payload:%s", an);
		c->arg_names[c->nargs] = an; /* class names live until fini */
		c->args[c->nargs++] = h->field_lookup(cls, path);
	}
	return 0;
}

/* syscall_entry_unknown {id}: one name per id, found through a map. */
static int32_t unknown_sysid(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	int64_t id;
	char name[32];
	if (!s->h->field_int(ev, c->f_id, &id))
		return -1;
	void *v = tj_map_get(&s->unknown_ids, id);
	if (v)
		return (int32_t)((intptr_t)v - 1);
	snprintf(name, sizeof(name), "syscall_%lld", (long long)id);
	int32_t sysid = intern(s, name);
	if (sysid >= 0 && tj_map_put(&s->unknown_ids, id, (void *)(intptr_t)(sysid + 1)))
		return -2;
	return sysid;
}

static void read_entry(struct stats *s, const struct tj_event *ev, const struct stats_class *c,
		       struct sys_open *o)
{
	const struct tj_host *h = s->h;
	o->nargs = c->nargs;
	for (uint32_t i = 0; i < c->nargs; i++) {
		const char *str;
		o->args_kind[i] = 0;
		if (h->field_int(ev, c->args[i], &o->args_int[i]))
			o->args_kind[i] = 1;
		else if ((str = h->field_str(ev, c->args[i]))) {
			o->args_kind[i] = 2;
			snprintf(o->args_str[i], sizeof(o->args_str[i]), "%s", str);
		}
	}
	o->fd = -1;
	if (c->f_fd >= 0 && !h->field_int(ev, c->f_fd, &o->fd))
		o->fd = -1;
	if (c->io == IO_DUP && c->f_oldfd >= 0 && !h->field_int(ev, c->f_oldfd, &o->fd))
		o->fd = -1;
	o->path[0] = 0;
	const char *fn = c->f_filename >= 0 ? h->field_str(ev, c->f_filename) : NULL;
	if (fn)
		snprintf(o->path, sizeof(o->path), "%s", fn);
}

static void args_text(const struct sys_open *o, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < o->nargs && n < cap; i++) {
		const char *sep = n ? ", " : "";
		const char *an = o->cls->arg_names[i];
		int w = 0;
		if (o->args_kind[i] == 1)
			w = snprintf(buf + n, cap - n, "%s%s=%" PRId64, sep, an, o->args_int[i]);
		else if (o->args_kind[i] == 2)
			w = snprintf(buf + n, cap - n, "%s%s=\"%s\"", sep, an, o->args_str[i]);
		if (w > 0)
			n += (size_t)w;
	}
}

static struct tid_sys *tid_sys_get(struct stats *s, int32_t tid, int32_t sysid)
{
	int64_t key = (int64_t)tid << 12 | sysid;
	struct tid_sys *ts = tj_map_get(&s->tid_sys, key);
	if (ts)
		return ts;
	if (!(ts = calloc(1, sizeof(*ts))))
		return NULL;
	ts->tid = tid;
	ts->sysid = sysid;
	if (tj_map_put(&s->tid_sys, key, ts)) {
		free(ts);
		return NULL;
	}
	return ts;
}

static void note_identity(struct sthread *t, const struct tj_event *ev)
{
	if (ev->pid >= 0)
		t->pid = ev->pid;
	if (ev->comm)
		snprintf(t->comm, sizeof(t->comm), "%s", ev->comm);
}

int sys_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	if (ev->tid < 0 || ev->ts == TJ_TS_NONE)
		return TJ_OK;
	struct sthread *t = thread_get(s, ev->tid);
	if (!t)
		return TJ_ENOMEM;
	note_identity(t, ev);
	if (c->kind == K_SYS_ENTRY) {
		int32_t id = c->sysid;
		if (id == SYSID_BY_ID && (id = unknown_sysid(s, ev, c)) == -2)
			return TJ_ENOMEM;
		if (id < 0)
			return TJ_OK;
		t->sys.sysid = id;
		t->sys.io = c->io;
		t->sys.ts = ev->ts;
		t->sys.cpu = ev->cpu;
		t->sys.cls = c;
		read_entry(s, ev, c, &t->sys);
		return TJ_OK;
	}
	if (t->sys.sysid < 0) {
		s->sys_unmatched_exits++;
		return TJ_OK;
	}
	int64_t ret = 0, dur = ev->ts - t->sys.ts;
	int32_t id = t->sys.sysid;
	int has_ret = c->f_ret >= 0 && s->h->field_int(ev, c->f_ret, &ret);
	t->sys.sysid = -1;
	if (dur < 0)
		return TJ_OK;
	int err = has_ret && ret < 0 && ret >= -4095;
	if (s->what & W_SYSCALLS) {
		struct sys_stat *st = s->sys[id];
		struct tid_sys *ts = tid_sys_get(s, t->tid, id);
		if (!ts)
			return TJ_ENOMEM;
		acc_add(&st->acc, dur);
		acc_add(&ts->acc, dur);
		hist_add(&s->sys_hist, dur);
		t->syscalls++;
		if (err) {
			st->errors++;
			ts->errors++;
			st->errno_count[-ret < NERRNO ? -ret : 0]++;
		}
		if (top_wants(&s->sys_top, dur)) {
			struct top_item it = {.dur = dur, .ts = t->sys.ts, .tid = t->tid,
					      .pid = t->pid, .cpu = t->sys.cpu, .ret = ret};
			snprintf(it.comm, sizeof(it.comm), "%s", t->comm);
			snprintf(it.name, sizeof(it.name), "%s", s->sysnames[id]);
			args_text(&t->sys, it.text, sizeof(it.text));
			top_add(&s->sys_top, &it);
		}
	}
	if ((s->what & W_IO) && t->sys.io && has_ret) {
		s->cur_exit = c;
		return io_exit(s, ev, t, ret, dur);
	}
	return TJ_OK;
}

static int by_count(const void *a, const void *b)
{
	const struct tid_sys *x = *(const struct tid_sys *const *)a;
	const struct tid_sys *y = *(const struct tid_sys *const *)b;
	if (x->acc.count != y->acc.count)
		return x->acc.count < y->acc.count ? 1 : -1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->sysid - y->sysid;
}

static void stat_cells(struct table *t, const struct acc *a)
{
	cell_dur(t, a->min);
	cell_durf(t, acc_avg(a));
	cell_dur(t, a->max);
	cell_durf(t, acc_stdev(a));
}

int sys_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap)
{
	int64_t b, e;
	stats_window(s, &b, &e);
	struct table *t = table_new(table_class_named("syscall-stats"), b, e);
	uint32_t order[MAX_SYSCALLS], k = 0;
	if (table_push(out, n, cap, t))
		return -1;
	for (uint32_t i = 0; i < s->nsys; i++)
		if (s->sys[i]->acc.count)
			order[k++] = i;
	/* most frequent first, then by name */
	for (uint32_t i = 1; i < k; i++)
		for (uint32_t j = i; j > 0; j--) {
			const struct sys_stat *x = s->sys[order[j - 1]], *y = s->sys[order[j]];
			if (x->acc.count > y->acc.count ||
			    (x->acc.count == y->acc.count &&
			     strcmp(s->sysnames[order[j - 1]], s->sysnames[order[j]]) <= 0))
				break;
			uint32_t x2 = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x2;
		}
	for (uint32_t i = 0; i < k; i++) {
		const struct sys_stat *st = s->sys[order[i]];
		char errs[512];
		size_t m = 0;
		errs[0] = 0;
		for (int en = 1; en <= NERRNO; en++) {
			int idx = en == NERRNO ? 0 : en;
			const char *nm = idx ? errno_name(idx) : "other";
			if (st->errno_count[idx] && m < sizeof(errs))
				m += (size_t)snprintf(errs + m, sizeof(errs) - m, "%s%s:%u",
						      m ? " " : "", nm ? nm : "?",
						      (unsigned)st->errno_count[idx]);
		}
		if (table_row(t))
			return -1;
		cell_str(t, C_SYSCALL, s->sysnames[order[i]]);
		cell_int(t, (int64_t)st->acc.count);
		cell_int(t, (int64_t)st->errors);
		stat_cells(t, &st->acc);
		cell_str(t, C_STR, errs);
	}

	t = table_new(table_class_named("syscall-per-tid"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	size_t nts = s->tid_sys.n, j = 0;
	struct tid_sys **v = calloc(nts ? nts : 1, sizeof(*v));
	void *p;
	if (!v)
		return -1;
	for (size_t it = 0; (p = tj_map_next(&s->tid_sys, &it, NULL)) && j < nts;)
		v[j++] = p;
	qsort(v, j, sizeof(*v), by_count);
	for (size_t i = 0; i < j; i++) {
		const struct sthread *th = tj_map_get(&s->threads, v[i]->tid);
		if (table_row(t)) {
			free(v);
			return -1;
		}
		cell_proc(t, th ? th->comm : "?", th ? th->pid : -1, v[i]->tid);
		cell_str(t, C_SYSCALL, s->sysnames[v[i]->sysid]);
		cell_int(t, (int64_t)v[i]->acc.count);
		cell_int(t, (int64_t)v[i]->errors);
		stat_cells(t, &v[i]->acc);
	}
	free(v);

	t = table_new(table_class_named("syscall-top"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	top_sort(&s->sys_top);
	for (uint32_t i = 0; i < s->sys_top.n; i++) {
		const struct top_item *it = &s->sys_top.v[i];
		if (table_row(t))
			return -1;
		cell_ts(t, it->ts);
		cell_dur(t, it->dur);
		cell_str(t, C_SYSCALL, it->name);
		cell_proc(t, it->comm, it->pid, it->tid);
		cell_cpu(t, it->cpu);
		cell_int(t, it->ret);
		cell_str(t, C_STR, it->text);
	}

	t = table_new(table_class_named("syscall-latency-freq"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	int lo = HIST_BUCKETS, hi = -1;
	for (int i = 0; i < HIST_BUCKETS; i++)
		if (s->sys_hist.n[i]) {
			lo = i < lo ? i : lo;
			hi = i;
		}
	for (int i = lo; i <= hi; i++) {
		if (table_row(t))
			return -1;
		cell_dur(t, hist_lower(i));
		cell_dur(t, hist_upper(i));
		cell_int(t, (int64_t)s->sys_hist.n[i]);
	}
	return 0;
}

void sys_release(struct stats *s)
{
	void *v;
	for (uint32_t i = 0; i < s->nsys; i++) {
		free(s->sysnames[i]);
		free(s->sys[i]);
	}
	for (size_t it = 0; (v = tj_map_next(&s->tid_sys, &it, NULL));)
		free(v);
	tj_map_release(&s->tid_sys);
	tj_map_release(&s->unknown_ids);
}
