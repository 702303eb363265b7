/*
 * Dispatch: each event goes, in this order and never back,
 *   1. through the core's identity tables (its thread, pid and name),
 *   2. to the analyzers that subscribed to its class, in load order,
 *   3. the records they emitted meanwhile, to the exporter,
 *   4. the event itself, with the analyzers' annotations, to the exporter
 *      if it falls inside the time window and the filters.
 * Subscriber lists are built once per class; per event the core walks a
 * short array and reuses its annotation and record buffers, so the hot
 * path does not allocate.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "run_state.h"

static int subscribes(const struct tj_plugin_desc *d, const char *name)
{
	if (!d->subscriptions)
		return 0;
	for (const char *const *s = d->subscriptions; *s; s++) {
		size_t n = strlen(*s);
		if (n > 0 && (*s)[n - 1] == '*') {
			if (strncmp(name, *s, n - 1) == 0)
				return 1;
		} else if (strcmp(name, *s) == 0) {
			return 1;
		}
	}
	return 0;
}

int tj_dispatch_class(struct tj_run *run, struct tj_class *cls)
{
	int rc = tj_identity_on_class(run->identity, cls);
	if (rc)
		return rc;
	cls->subscribers = calloc(run->nanalyzers + 1, sizeof(*cls->subscribers));
	if (!cls->subscribers)
		return TJ_ENOMEM;
	for (size_t i = 0; i < run->nanalyzers + 1; i++) {
		struct tj_plugin *p = tj_run_plugin_at(run, i);
		if (!p || !subscribes(p->desc, cls->pub.name))
			continue;
		struct tj_subscriber *s = &cls->subscribers[cls->nsubscribers];
		s->plugin = p;
		if (p->desc->on_class) {
			rc = p->desc->on_class(p->state, &cls->pub, &s->class_data);
			if (rc < 0) {
				tj_error_append("plugin '%s' failed on event class '%s'", p->desc->name,
						cls->pub.name);
				return rc;
			}
			/* TJ_DONE: the plugin declines this class (ABI 2.2) */
			if (rc == TJ_DONE) {
				s->class_data = NULL;
				continue;
			}
		}
		cls->nsubscribers++;
		if (i < run->nanalyzers)
			cls->nanalyzers = cls->nsubscribers;
	}
	cls->dispatch_ready = 1;
	return tj_dispatch_records(run);
}

static int in_list_i(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static int comm_listed(const struct tj_filters *f, const char *comm)
{
	for (size_t i = 0; comm && i < f->ncomms; i++)
		if (strcmp(f->comms[i], comm) == 0)
			return 1;
	return 0;
}

/* A thread whose process the trace never names is its own process. */
static int32_t pid_or_tid(int32_t pid, int32_t tid)
{
	return pid >= 0 ? pid : tid;
}

static int record_passes(const struct tj_run *run, const struct tj_record *rec)
{
	const struct tj_filters *f = &run->filt;
	if (rec->kind == TJ_REC_PROCESS_NAME || rec->kind == TJ_REC_THREAD_NAME)
		return 1;
	if (f->begin_ts != TJ_TS_NONE && rec->ts + (rec->dur > 0 ? rec->dur : 0) < f->begin_ts)
		return 0;
	if (f->end_ts != TJ_TS_NONE && rec->ts > f->end_ts)
		return 0;
	if (rec->track != TJ_TRACK_THREAD && rec->track != TJ_TRACK_THREAD_STATE)
		return 1;
	if (f->npids && !in_list_i(f->pids, f->npids, rec->pid))
		return 0;
	if (f->ntids && !in_list_i(f->tids, f->ntids, rec->tid))
		return 0;
	if (f->ncomms && !comm_listed(f, tj_identity_borrow_comm(run->identity, rec->tid)))
		return 0;
	return 1;
}

static int event_passes(const struct tj_filters *f, const struct tj_event *ev)
{
	if (ev->ts != TJ_TS_NONE && ((f->begin_ts != TJ_TS_NONE && ev->ts < f->begin_ts) ||
				     (f->end_ts != TJ_TS_NONE && ev->ts > f->end_ts)))
		return 0;
	if (f->npids && !in_list_i(f->pids, f->npids, pid_or_tid(ev->pid, ev->tid)))
		return 0;
	if (f->ntids && !in_list_i(f->tids, f->ntids, ev->tid))
		return 0;
	if (f->ncomms && !comm_listed(f, ev->comm))
		return 0;
	return 1;
}

static int deliver_record(void *ud, const struct tj_record *rec)
{
	struct tj_run *run = ud;
	struct tj_plugin *ex = run->exporter;
	if (!record_passes(run, rec))
		return TJ_OK;
	int rc = ex->desc->on_record(ex->state, rec);
	if (rc < 0)
		tj_error_append("exporter '%s' failed on a record from '%s'", ex->desc->name,
				rec->origin ? rec->origin : "?");
	return rc < 0 ? rc : TJ_OK;
}

int tj_dispatch_records(struct tj_run *run)
{
	if (!tj_record_queue_len(&run->records))
		return TJ_OK;
	return tj_record_queue_drain(&run->records, deliver_record, run);
}

/* The annotations of this event as exporters see them. */
static int annotation_view(struct tj_run *run, struct tj_event *view)
{
	if (!run->nann || run->filt.annotations == 0)
		return TJ_OK;
	if (run->nann > run->cap_view) {
		struct tj_annotation *v = realloc(run->ann_view, run->nann * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		run->ann_view = v;
		run->cap_view = run->nann;
	}
	for (size_t i = 0; i < run->nann; i++) {
		run->ann_view[i].size = sizeof(run->ann_view[i]);
		run->ann_view[i].plugin = run->ann[i].plugin;
		run->ann_view[i].text = run->ann_text.data + run->ann[i].offset;
	}
	view->annotations = run->ann_view;
	view->nannotations = (uint32_t)run->nann;
	return TJ_OK;
}

int tj_dispatch_event(struct tj_run *run, struct tj_class *cls, const struct tj_event *ev)
{
	struct tj_subscriber *s = cls->subscribers;
	struct tj_event view = *ev;
	int rc;

	run->stats.events++;
	tj_identity_resolve(run->identity, cls, &view);
	rc = tj_identity_learn(run->identity, cls, &view);
	if (rc)
		return rc;
	run->nann = 0;
	run->ann_text.len = 0;
	run->cur_trace = cls->pub.trace_index + 1;
	for (uint32_t i = 0; i < cls->nanalyzers; i++) {
		rc = s[i].plugin->desc->on_event(s[i].plugin->state, &view, s[i].class_data);
		if (rc < 0) {
			run->cur_trace = 0;
			tj_error_append("analyzer '%s' failed on event '%s'", s[i].plugin->desc->name,
					cls->pub.name);
			return rc;
		}
	}
	run->cur_trace = 0;
	rc = tj_dispatch_records(run);
	tj_identity_settle(run->identity);
	if (rc || cls->nsubscribers == cls->nanalyzers || !event_passes(&run->filt, &view))
		return rc;
	run->stats.events_exported++;
	if ((rc = annotation_view(run, &view)))
		return rc;
	struct tj_plugin *ex = s[cls->nanalyzers].plugin;
	rc = ex->desc->on_event(ex->state, &view, s[cls->nanalyzers].class_data);
	if (rc < 0)
		tj_error_append("exporter '%s' failed on event '%s'", ex->desc->name, cls->pub.name);
	return rc < 0 ? rc : TJ_OK;
}

int tj_dispatch_discard(struct tj_run *run, const struct tj_discard *d)
{
	const struct tj_filters *f = &run->filt;
	int rc;
	if (d->is_packets) {
		run->stats.discarded_packets += d->count == UINT64_MAX ? 1 : d->count;
	} else {
		run->stats.discarded_event_reports++;
		if (d->count != UINT64_MAX)
			run->stats.discarded_events += d->count;
	}
	for (size_t i = 0; i < run->nanalyzers; i++) {
		struct tj_plugin *p = run->analyzers[i];
		if (p->desc->on_discard && (rc = p->desc->on_discard(p->state, d)) < 0) {
			tj_error_append("analyzer '%s' failed on discarded events", p->desc->name);
			return rc;
		}
	}
	if ((rc = tj_dispatch_records(run)))
		return rc;
	struct tj_plugin *ex = run->exporter;
	int64_t b = d->begin_ts, e = d->end_ts != TJ_TS_NONE ? d->end_ts : d->begin_ts;
	if (e != TJ_TS_NONE && f->begin_ts != TJ_TS_NONE && e < f->begin_ts)
		return TJ_OK;
	if (b != TJ_TS_NONE && f->end_ts != TJ_TS_NONE && b > f->end_ts)
		return TJ_OK;
	if (ex->desc->on_discard && (rc = ex->desc->on_discard(ex->state, d)) < 0) {
		tj_error_append("exporter '%s' failed on discarded events", ex->desc->name);
		return rc;
	}
	return TJ_OK;
}
