/*
 * fdbytes: a tjconv analyzer built out of tree, the plugin SDK's example.
 * For every thread and file descriptor it adds up the bytes that
 * read/write/recvfrom/sendto returned (ret > 0), annotates each such exit
 * event with "fd N read|written R bytes (total T)" (the text exporter shows
 * it after " => ") and emits a counter record "fdN read|written" on the
 * thread's track (chrome-json draws it as a counter track).
 *
 * Start your own analyzer from here: `tjconv new-plugin NAME` copies this
 * folder with every "fdbytes" renamed.  The ABI is documented in
 * tjconv-plugin(7) and <tjconv/plugin.h>.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tjconv/map.h>
#include <tjconv/plugin.h>

/* The syscalls we follow; an exit is paired with its own entry only. */
enum { SC_READ, SC_WRITE, SC_RECVFROM, SC_SENDTO, SC_N };
static const char *const sc_names[SC_N] = {"read", "write", "recvfrom", "sendto"};

/* Per event class, resolved once in on_class. */
struct cls {
	int sc;         /* SC_* */
	int is_entry;
	tj_field field; /* "fd" on entries, "ret" on exits */
	struct cls *next;
};

/* Per thread: the syscall in progress (entry seen, exit not yet). */
struct pending {
	int sc; /* -1: none */
	int64_t fd;
};

/* Per (thread, fd): bytes so far. */
struct fdstat {
	uint64_t bytes[2]; /* [0] read, [1] written */
};

struct state {
	const struct tj_host *host;
	struct tj_plugin *self;
	int annotate;          /* param "annotate" (default yes) */
	struct tj_map pending; /* tid -> struct pending */
	struct tj_map fds;     /* (tid << 32 | fd) -> struct fdstat */
	struct cls *classes;
	uint64_t total[2];
};

static enum tj_status fdbytes_init(const struct tj_host *host, struct tj_plugin *self,
				   void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	const char *a;

	if (!s)
		return TJ_ENOMEM;
	s->host = host;
	s->self = self;
	a = host->param(self, "annotate");
	s->annotate = !a || strcmp(a, "no") != 0;
	if (a && strcmp(a, "yes") != 0 && strcmp(a, "no") != 0) {
		host->error(self, "invalid annotate '%s' (expected yes or no)", a);
		free(s);
		return TJ_EINVAL;
	}
	*state = s;
	return TJ_OK;
}

static enum tj_status fdbytes_on_class(void *state, const struct tj_event_class *cls,
				       void **class_data)
{
	struct state *s = state;
	struct cls *c = calloc(1, sizeof(*c));
	const char *n = cls->name;

	if (!c)
		return TJ_ENOMEM;
	c->is_entry = strncmp(n, "syscall_entry_", 14) == 0;
	if (c->is_entry)
		n += strlen("syscall_entry_");
	else if (strncmp(n, "syscall_exit_", 13) == 0)
		n += strlen("syscall_exit_");
	c->sc = -1;
	for (int i = 0; i < SC_N; i++)
		if (strcmp(n, sc_names[i]) == 0)
			c->sc = i;
	c->field = s->host->field_lookup(cls, c->is_entry ? "payload:fd" : "payload:ret");
	c->next = s->classes;
	s->classes = c;
	*class_data = c;
	return TJ_OK;
}

static enum tj_status on_exit_bytes(struct state *s, const struct tj_event *ev, int sc,
				    int64_t fd, int64_t ret)
{
	int64_t key = (int64_t)((uint64_t)(uint32_t)ev->tid << 32 | (uint32_t)fd);
	struct fdstat *st = tj_map_get(&s->fds, key);
	int dir = sc == SC_WRITE || sc == SC_SENDTO;
	char name[64], text[128];

	if (!st) {
		if (!(st = calloc(1, sizeof(*st))))
			return TJ_ENOMEM;
		if (tj_map_put(&s->fds, key, st)) {
			free(st);
			return TJ_ENOMEM;
		}
	}
	st->bytes[dir] += (uint64_t)ret;
	s->total[dir] += (uint64_t)ret;

	snprintf(name, sizeof(name), "fd%lld %s", (long long)fd, dir ? "written" : "read");
	struct tj_arg args[] = {TJ_ARG_I("fd", fd), TJ_ARG_S("syscall", sc_names[sc])};
	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_COUNTER,
		.category = "fdbytes",
		.name = name,
		.ts = ev->ts,
		.pid = ev->pid,
		.tid = ev->tid,
		.cpu = ev->cpu,
		.track = TJ_TRACK_THREAD,
		.value = (double)st->bytes[dir],
		.nargs = 2,
		.args = args,
	};
	enum tj_status rc = s->host->emit(s->self, &r);
	if (rc || !s->annotate)
		return rc;
	snprintf(text, sizeof(text), "fd %lld %s %lld bytes (total %llu)", (long long)fd,
		 dir ? "written" : "read", (long long)ret, (unsigned long long)st->bytes[dir]);
	return s->host->annotate(s->self, ev, text);
}

static enum tj_status fdbytes_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct state *s = state;
	struct cls *c = class_data;
	struct pending *p;
	int64_t v;

	if (c->sc < 0 || ev->tid < 0 || c->field < 0 || !s->host->field_int(ev, c->field, &v))
		return TJ_OK;
	p = tj_map_get(&s->pending, ev->tid);
	if (c->is_entry) {
		if (!p) {
			if (!(p = calloc(1, sizeof(*p))))
				return TJ_ENOMEM;
			if (tj_map_put(&s->pending, ev->tid, p)) {
				free(p);
				return TJ_ENOMEM;
			}
		}
		p->sc = c->sc;
		p->fd = v;
		return TJ_OK;
	}
	if (!p || p->sc != c->sc) /* entry before the trace began, or another call */
		return TJ_OK;
	p->sc = -1;
	return v > 0 ? on_exit_bytes(s, ev, c->sc, p->fd, v) : TJ_OK;
}

static enum tj_status fdbytes_finish(void *state, const struct tj_run_stats *stats)
{
	struct state *s = state;
	(void)stats;
	s->host->log(s->self, TJ_LOG_NOTICE, "%zu (thread, fd) pairs, %llu bytes read, %llu written",
		     tj_map_count(&s->fds), (unsigned long long)s->total[0],
		     (unsigned long long)s->total[1]);
	return TJ_OK;
}

static void free_values(struct tj_map *m)
{
	void *v;
	int64_t key;
	for (size_t it = 0; (v = tj_map_next(m, &it, &key));)
		free(v);
	tj_map_release(m);
}

static void fdbytes_fini(void *state)
{
	struct state *s = state;
	free_values(&s->pending);
	free_values(&s->fds);
	while (s->classes) {
		struct cls *c = s->classes;
		s->classes = c->next;
		free(c);
	}
	free(s);
}

static const char *const subscriptions[] = {
	"syscall_entry_read", "syscall_exit_read",         "syscall_entry_write",
	"syscall_exit_write", "syscall_entry_recvfrom",    "syscall_exit_recvfrom",
	"syscall_entry_sendto", "syscall_exit_sendto",     NULL,
};

static const char *const param_help[] = {
	"annotate: yes|no, annotate each read/write exit (default yes)",
	NULL,
};

TJ_PLUGIN_DEFINE(.name = "fdbytes", .version = "1.0", .kind = TJ_KIND_ANALYZER,
		 .description = "bytes read and written per thread and file descriptor",
		 .subscriptions = subscriptions, .init = fdbytes_init,
		 .on_class = fdbytes_on_class, .on_event = fdbytes_on_event,
		 .finish = fdbytes_finish, .fini = fdbytes_fini, .param_help = param_help)
