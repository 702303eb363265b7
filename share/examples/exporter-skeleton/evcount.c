/*
 * evcount: a minimal tjconv exporter built out of tree (`tjconv
 * new-plugin NAME --exporter` copies this folder with every "evcount"
 * renamed).  It receives every event that passes the filters and every
 * record the analyzers emitted, and writes one line per event class,
 * "events NAME COUNT" in the order the classes first appeared, then
 * "records COUNT".  Run it with `tjconv --plugin-path . --to evcount TRACE`.
 * The ABI is documented in tjconv-plugin(7) and <tjconv/plugin.h>.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <tjconv/plugin.h>

struct cls {
	const char *name; /* borrowed: classes live for the whole run */
	uint64_t count;
	struct cls *next;
};

struct state {
	const struct tj_host *host;
	struct tj_plugin *self;
	struct cls *first, **last;
	uint64_t records;
};

static enum tj_status evcount_init(const struct tj_host *host, struct tj_plugin *self,
				   void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	if (!s)
		return TJ_ENOMEM;
	s->host = host;
	s->self = self;
	s->last = &s->first;
	*state = s;
	return TJ_OK;
}

static enum tj_status evcount_on_class(void *state, const struct tj_event_class *cls,
				       void **class_data)
{
	struct state *s = state;
	struct cls *c = calloc(1, sizeof(*c));
	if (!c)
		return TJ_ENOMEM;
	c->name = cls->name;
	*s->last = c;
	s->last = &c->next;
	*class_data = c;
	return TJ_OK;
}

static enum tj_status evcount_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct cls *c = class_data;
	(void)state;
	(void)ev;
	c->count++;
	return TJ_OK;
}

static enum tj_status evcount_on_record(void *state, const struct tj_record *rec)
{
	struct state *s = state;
	(void)rec;
	s->records++;
	return TJ_OK;
}

static enum tj_status evcount_finish(void *state, const struct tj_run_stats *stats)
{
	struct state *s = state;
	struct tj_sbuf *sb = s->host->sbuf_new();
	enum tj_status rc = TJ_OK;

	(void)stats;
	if (!sb)
		return TJ_ENOMEM;
	for (struct cls *c = s->first; c && rc == TJ_OK; c = c->next)
		if (c->count)
			rc = s->host->sbuf_printf(sb, "events %s %llu\n", c->name,
						  (unsigned long long)c->count);
	if (rc == TJ_OK)
		rc = s->host->sbuf_printf(sb, "records %llu\n", (unsigned long long)s->records);
	if (rc == TJ_OK)
		rc = s->host->write(s->self, s->host->sbuf_data(sb), s->host->sbuf_len(sb));
	s->host->sbuf_free(sb);
	return rc;
}

static void evcount_fini(void *state)
{
	struct state *s = state;
	while (s->first) {
		struct cls *c = s->first;
		s->first = c->next;
		free(c);
	}
	free(s);
}

static const char *const subscriptions[] = {"*", NULL};

TJ_PLUGIN_DEFINE(.name = "evcount", .version = "1.0", .kind = TJ_KIND_EXPORTER,
		 .description = "writes how many events of each class and records it saw",
		 .subscriptions = subscriptions, .init = evcount_init,
		 .on_class = evcount_on_class, .on_event = evcount_on_event,
		 .on_record = evcount_on_record, .finish = evcount_finish, .fini = evcount_fini)
