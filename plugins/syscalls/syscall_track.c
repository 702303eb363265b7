/*
 * Pairs syscall entries and exits per thread into spans carrying the entry
 * arguments, the exit values, the return value with its errno name, what
 * the fd refers to and how long the thread was blocked; attaches readable
 * annotations ("6 bytes from socket fd 4") for the text exporter.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errnames.h"
#include "tjconv/fmt.h"
#include "state.h"

#define MAX_SPAN_ARGS (2 * MAX_ARGS + 8)

static void note_reset(struct analyzer *a)
{
	a->host->sbuf_truncate(a->note, 0);
}

/* "3.21 s", "12.5 ms", "40 us", "800 ns" */
static void note_duration(struct analyzer *a, int64_t ns)
{
	char buf[48];
	struct tj_fmt o;
	tj_fmt_init(&o, buf, sizeof(buf));
	if (ns >= 1000000000) {
		tj_fmt_scaled(&o, ns, 9, 2);
		tj_fmt_str(&o, " s");
	} else if (ns >= 1000000) {
		tj_fmt_scaled(&o, ns, 6, 1);
		tj_fmt_str(&o, " ms");
	} else if (ns >= 1000) {
		tj_fmt_scaled(&o, ns, 3, 1);
		tj_fmt_str(&o, " us");
	} else {
		tj_fmt_i64(&o, ns);
		tj_fmt_str(&o, " ns");
	}
	a->host->sbuf_append(a->note, buf, tj_fmt_end(&o));
}

static int64_t arg_int(const struct thread *t, const char *name, int64_t dflt)
{
	for (uint32_t i = 0; i < t->nargs; i++)
		if (!t->args[i].is_str && strcmp(t->args[i].name, name) == 0)
			return t->args[i].i;
	return dflt;
}

static void capture_args(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
			 struct thread *t)
{
	const struct tj_host *h = a->host;
	t->nargs = 0;
	t->strused = 0;
	for (uint32_t i = 0; i < ci->nargs; i++) {
		struct sys_arg *arg = &t->args[t->nargs];
		const char *s;
		arg->name = ci->arg_names[i];
		if (h->field_int(ev, ci->arg_fields[i], &arg->i)) {
			arg->is_str = 0;
			t->nargs++;
		} else if ((s = h->field_str(ev, ci->arg_fields[i]))) {
			size_t room = sizeof(t->strbuf) - t->strused;
			if (room < 2)
				continue;
			arg->is_str = 1;
			arg->str_off = t->strused;
			int n = snprintf(t->strbuf + t->strused, room, "%s", s);
			t->strused += (uint16_t)((size_t)n < room ? (size_t)n + 1 : room);
			t->nargs++;
		}
	}
	/* Socket addresses come as family/port/address-array fields: keep
	 * them as one readable "addr" argument. */
	char addr[96];
	size_t room = sizeof(t->strbuf) - t->strused;
	if (t->nargs < MAX_ARGS && ci->f[F_FAMILY] >= 0 && room > sizeof(addr) &&
	    (fd_format_peer(a, ci, ev, F_DPORT, addr, sizeof(addr)) ||
	     fd_format_peer(a, ci, ev, F_SPORT, addr, sizeof(addr)))) {
		struct sys_arg *arg = &t->args[t->nargs++];
		arg->name = "addr";
		arg->is_str = 1;
		arg->str_off = t->strused;
		int n = snprintf(t->strbuf + t->strused, room, "%s", addr);
		t->strused += (uint16_t)n + 1;
	}
}

int syscall_entry(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		  struct thread *t)
{
	int rc = TJ_OK;
	if (!t)
		return TJ_OK;
	if (t->in_syscall)
		/* The exit was lost (discarded events): close what we had. */
		rc = syscall_exit(a, NULL, ev, t);
	t->in_syscall = 1;
	t->seen_entry = 1;
	t->sys_cls = ci;
	t->sys_ts = ev->ts;
	t->blocked_ns = t->waitcpu_ns = 0;
	capture_args(a, ci, ev, t);
	if (a->annotate && rc == TJ_OK) {
		int64_t fd = arg_int(t, "fd", -1);
		const char *d = fd >= 0 ? fd_describe(a, t, fd) : NULL;
		if (d) {
			note_reset(a);
			a->host->sbuf_printf(a->note, "fd %" PRId64 " = %s", fd, d);
			rc = a->host->annotate(a->self, ev, a->host->sbuf_data(a->note));
		}
	}
	return rc;
}

/* The syscall's name for the span: "accept4", or "syscall_<id>" for
 * syscall_entry_unknown. */
static void span_name(struct analyzer *a, const struct thread *t, const struct cls_info *exit_ci,
		      const struct tj_event *ev, char *buf, size_t cap)
{
	const struct cls_info *ci = t->in_syscall ? t->sys_cls : exit_ci;
	if (ci && strcmp(ci->sysname, "unknown") == 0) {
		/* The id comes from the entry, or from the exit when the entry
		 * was not seen (syscall_exit_unknown carries it too). */
		int64_t id = arg_int(t, "id", -1);
		if (id < 0 && exit_ci && ev && exit_ci->f[F_ID] >= 0)
			a->host->field_int(ev, exit_ci->f[F_ID], &id);
		snprintf(buf, cap, "syscall_%" PRId64, id);
		return;
	}
	struct tj_fmt o;
	tj_fmt_init(&o, buf, cap);
	tj_fmt_str(&o, ci && ci->sysname[0] ? ci->sysname : "syscall");
	tj_fmt_end(&o);
}

static int emit_span(struct analyzer *a, struct thread *t, const struct cls_info *exit_ci,
		     const struct tj_event *ev, int has_ret, int64_t ret, const char *fd_target,
		     uint32_t flags, int64_t begin, int64_t end)
{
	const struct tj_host *h = a->host;
	struct tj_arg args[MAX_SPAN_ARGS];
	uint32_t n = 0;
	char name[64];

	span_name(a, t, exit_ci, ev, name, sizeof(name));
	if (t->in_syscall)
		for (uint32_t i = 0; i < t->nargs && n < MAX_ARGS; i++, n++) {
			args[n].size = sizeof(args[n]);
			args[n].key = t->args[i].name;
			if (t->args[i].is_str) {
				args[n].type = TJ_ARG_STR;
				args[n].v.s = t->strbuf + t->args[i].str_off;
			} else {
				args[n].type = TJ_ARG_INT;
				args[n].v.i = t->args[i].i;
			}
		}
	if (has_ret) {
		args[n++] = (struct tj_arg)TJ_ARG_I("ret", ret);
		const char *en = ret < 0 ? errno_name(-ret) : NULL;
		if (en)
			args[n++] = (struct tj_arg)TJ_ARG_S("errno", en);
	}
	uint32_t nentry = n;
	if (exit_ci && ev)
		for (uint32_t i = 0; i < exit_ci->nargs && n < MAX_SPAN_ARGS - 4; i++) {
			if (strcmp(exit_ci->arg_names[i], "ret") == 0)
				continue;
			/* Keys stay unique: an exit value named like an entry
			 * argument (accept4's upeer_addrlen) becomes NAME_out. */
			const char *key = exit_ci->arg_names[i];
			for (uint32_t j = 0; j < nentry; j++)
				if (strcmp(args[j].key, key) == 0)
					key = exit_ci->arg_out_names[i];
			int64_t v;
			const char *s;
			if (h->field_int(ev, exit_ci->arg_fields[i], &v))
				args[n++] = (struct tj_arg)TJ_ARG_I(key, v);
			else if ((s = h->field_str(ev, exit_ci->arg_fields[i])))
				args[n++] = (struct tj_arg)TJ_ARG_S(key, s);
		}
	if (fd_target)
		args[n++] = (struct tj_arg)TJ_ARG_S("fd_target", fd_target);
	if (t->blocked_ns)
		args[n++] = (struct tj_arg)TJ_ARG_I("blocked_ns", t->blocked_ns);
	if (a->host->sbuf_len(a->note) && n < MAX_SPAN_ARGS)
		args[n++] = (struct tj_arg)TJ_ARG_S("note", a->host->sbuf_data(a->note));

	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_SPAN,
		.category = "syscall",
		.name = name,
		.ts = begin,
		.dur = end - begin,
		.pid = t->pid >= 0 ? t->pid : t->tid,
		.tid = t->tid,
		.trace = t->trace,
		.cpu = -1,
		.track = TJ_TRACK_THREAD,
		.flags = flags,
		.nargs = n,
		.args = args,
	};
	a->syscalls++;
	if (flags)
		a->cut_syscalls++;
	return h->emit(a->self, &r);
}

/* Human reading of a completed syscall, into a->note. */
static void describe_exit(struct analyzer *a, const struct thread *t, enum sys_op op,
			  int64_t ret, const char *fd_short, int64_t fd)
{
	/* By hand, not sbuf_printf: one note per syscall exit.  The longest
	 * is "0 bytes: end of file on " + a 23-byte kind + " fd " + 20 digits. */
	char buf[160];
	struct tj_fmt o;
	tj_fmt_init(&o, buf, sizeof(buf));
	if (ret < 0) {
		const char *en = errno_name(-ret);
		tj_fmt_str(&o, "ret ");
		tj_fmt_i64(&o, ret);
		if (en) {
			tj_fmt_char(&o, ' ');
			tj_fmt_str(&o, en);
		}
	} else if (op == OP_READ && fd >= 0) {
		if (ret == 0) {
			tj_fmt_str(&o, "0 bytes: end of file on ");
		} else {
			tj_fmt_i64(&o, ret);
			tj_fmt_str(&o, " bytes from ");
		}
	} else if (op == OP_WAIT) {
		if (ret == 0) {
			tj_fmt_str(&o, "timed out");
		} else {
			tj_fmt_i64(&o, ret);
			tj_fmt_str(&o, " ready");
		}
	} else if (op == OP_WRITE && fd >= 0) {
		tj_fmt_i64(&o, ret);
		tj_fmt_str(&o, " bytes to ");
	} else {
		return;
	}
	if (ret >= 0 && fd >= 0 && (op == OP_READ || op == OP_WRITE)) {
		if (fd_short) {
			tj_fmt_str(&o, fd_short);
			tj_fmt_char(&o, ' ');
		}
		tj_fmt_str(&o, "fd ");
		tj_fmt_i64(&o, fd);
	}
	a->host->sbuf_append(a->note, buf, tj_fmt_end(&o));
	(void)t;
}

/* First word of an fd description: "socket", "file", "pipe"... */
static void short_kind(const char *desc, char *buf, size_t cap)
{
	size_t n = desc ? strcspn(desc, " ") : 0;
	snprintf(buf, cap, "%.*s", (int)n, desc ? desc : "");
}

int syscall_exit(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		 struct thread *t)
{
	const struct tj_host *h = a->host;
	int64_t ret = 0;
	int has_ret = 0, rc;
	char kind[24];

	if (!t)
		return TJ_OK;
	note_reset(a);
	if (!ci) {
		/* Entry without exit (lost events): cut at the next entry. */
		rc = emit_span(a, t, NULL, NULL, 0, 0, NULL, TJ_REC_F_CUT_END, t->sys_ts, ev->ts);
		t->in_syscall = 0;
		return rc;
	}
	has_ret = ci->f[F_RET] >= 0 && h->field_int(ev, ci->f[F_RET], &ret);

	/* Entry and exit must name the same call (exit_syscall names none). */
	int paired = t->in_syscall && (!ci->sysname[0] || strcmp(ci->sysname, t->sys_cls->sysname) == 0);
	if (t->in_syscall && !paired) {
		rc = emit_span(a, t, NULL, NULL, 0, 0, NULL, TJ_REC_F_CUT_END, t->sys_ts, ev->ts);
		if (rc)
			return rc;
		t->in_syscall = 0;
	}
	if (!paired) {
		/* Exit without entry: began before the trace (or the entry was lost). */
		t->nargs = 0;
		t->blocked_ns = 0;
		int64_t begin = t->seen_entry || a->first_ts == TJ_TS_NONE ? ev->ts
				: t->born_ts != TJ_TS_NONE ? t->born_ts : a->first_ts;
		return emit_span(a, t, ci, ev, has_ret, ret, NULL, TJ_REC_F_CUT_BEGIN, begin, ev->ts);
	}

	int64_t fd = arg_int(t, "fd", -1);
	const char *desc = fd >= 0 ? fd_describe(a, t, fd) : NULL;
	char *fd_target = NULL;
	if (desc) {
		/* Copy: fd_on_exit may close or replace it (close, dup2). */
		fd_target = strdup(desc);
		short_kind(desc, kind, sizeof(kind));
	}
	if (has_ret)
		fd_on_exit(a, t->sys_cls, t, ci, ev, ret);
	if (has_ret)
		describe_exit(a, t, t->sys_cls->op, ret, desc ? kind : NULL, fd);
	if (t->blocked_ns >= 1000) {
		if (h->sbuf_len(a->note))
			h->sbuf_append(a->note, ", blocked ", 10);
		else
			h->sbuf_append(a->note, "blocked ", 8);
		note_duration(a, t->blocked_ns);
	}
	rc = emit_span(a, t, ci, ev, has_ret, ret, fd_target, 0, t->sys_ts, ev->ts);
	free(fd_target);
	if (rc == TJ_OK && a->annotate && a->host->sbuf_len(a->note))
		rc = h->annotate(a->self, ev, a->host->sbuf_data(a->note));
	t->in_syscall = 0;
	return rc;
}

int syscalls_finish(struct analyzer *a)
{
	size_t it = 0;
	struct thread *t;
	int rc = TJ_OK;
	note_reset(a);
	while (rc == TJ_OK && (t = tj_map_next(&a->threads, &it, NULL)))
		if (t->in_syscall) {
			rc = emit_span(a, t, NULL, NULL, 0, 0, NULL, TJ_REC_F_CUT_END, t->sys_ts,
				       a->last_ts);
			t->in_syscall = 0;
		}
	return rc;
}
