/*
 * ABI fixture "abi20": an analyzer compiled against the 2.0 header kept in
 * tests/abi/v2.0 (no track_id in struct tj_record, so its records are
 * smaller than the host's).  It annotates every sched_switch with
 * "abi20 next=<tid>" and emits an instant "abi20 switch" on the thread's
 * track for each; t0010 checks it loads and runs on the current host and
 * that the host reads nothing past its smaller records.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tjconv/plugin.h"

#if TJ_ABI_MAJOR != 2 || TJ_ABI_MINOR != 0
#error "abi20.c must be compiled against tests/abi/v2.0/tjconv/plugin.h"
#endif

struct state {
	const struct tj_host *host;
	struct tj_plugin *self;
	tj_field next_tid;
};

static enum tj_status abi20_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	if (!s)
		return TJ_ENOMEM;
	s->host = host;
	s->self = self;
	*state = s;
	return TJ_OK;
}

static enum tj_status abi20_on_class(void *state, const struct tj_event_class *cls, void **cd)
{
	struct state *s = state;
	(void)cd;
	s->next_tid = s->host->field_lookup(cls, "next_tid");
	return TJ_OK;
}

static enum tj_status abi20_on_event(void *state, const struct tj_event *ev, void *cd)
{
	struct state *s = state;
	char text[64];
	int64_t tid = -1;
	(void)cd;
	if (s->next_tid >= 0)
		s->host->field_int(ev, s->next_tid, &tid);
	snprintf(text, sizeof(text), "abi20 next=%lld", (long long)tid);
	struct tj_arg args[] = {TJ_ARG_I("next_tid", tid)};
	struct tj_record r = {
		.size = sizeof(r), .kind = TJ_REC_INSTANT, .category = "abi20",
		.name = "abi20 switch", .ts = ev->ts, .pid = ev->pid, .tid = ev->tid,
		.cpu = ev->cpu, .track = TJ_TRACK_THREAD, .nargs = 1, .args = args,
	};
	enum tj_status rc = s->host->emit(s->self, &r);
	return rc ? rc : s->host->annotate(s->self, ev, text);
}

static void abi20_fini(void *state)
{
	free(state);
}

static const char *const subs[] = {"sched_switch", NULL};

TJ_PLUGIN_DEFINE(.name = "abi20", .version = "2.0", .kind = TJ_KIND_ANALYZER,
		 .description = "ABI fixture built against the 2.0 header",
		 .subscriptions = subs, .init = abi20_init, .on_class = abi20_on_class,
		 .on_event = abi20_on_event, .fini = abi20_fini)
