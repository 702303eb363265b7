/*
 * Live sessions: reading what lttng-relayd serves (net://HOST[:PORT]/host/
 * HOSTNAME/SESSION) through libbabeltrace2's source.ctf.lttng-live, listing
 * the sessions a relay offers, and the stop request (SIGINT, SIGTERM) that
 * ends a live run with its output finished.  The reader calls in through a
 * few hooks; the rest of the core only asks tj_reader_is_live.
 */
#ifndef TJ_CORE_LIVE_H
#define TJ_CORE_LIVE_H

#include <stdint.h>

#include <babeltrace2/babeltrace.h>

struct tj_reader;

/* input names live sessions: "net://", "net4://" or "net6://" URLs, several
 * separated by one space (main.c joins the arguments so). */
int tj_live_is_url(const char *input);
/* Several live sessions at once (merged in time): *out = the URLs, space
 * separated, as tj_live_open_sources reads them; TJ_EINVAL (cause appended)
 * when one is not a live URL. */
int tj_live_join_urls(char **out, int n, char *const *urls);
/* input is a relay alone (no /host/HOSTNAME/SESSION): list its sessions. */
int tj_live_is_relay_only(const char *input);
/* tjconv net://HOST[:PORT]: print the sessions the relay offers, one per
 * line, like babeltrace2 --input-format=lttng-live. */
int tj_live_list_sessions(const char *url);

/* reader_open.c: one source.ctf.lttng-live per URL of r->input, after
 * checking with the relay that each session exists. */
int tj_live_open_sources(struct tj_reader *r);
/* The time before which a message-iterator-inactivity message says
 * nothing more comes, or INT64_MIN for any other message. */
int64_t tj_live_inactivity_ts(const bt_message *m);
/* reader.c: the graph said AGAIN (no data yet): flush, then wait the live
 * source's retry interval, unless a stop was requested. */
void tj_live_idle(struct tj_reader *r);

int tj_reader_is_live(const struct tj_reader *r);
/* Called when the live reader waits for data, so that what arrived so far
 * reaches the output (the text exporter's lines as events arrive). */
void tj_reader_set_live_flush(struct tj_reader *r, int (*fn)(void *ud), void *ud);

/* The stop request: SIGINT/SIGTERM set a flag (nothing else happens in
 * the handler); the live reader ends as if the session had. */
void tj_live_catch_stop(void);
void tj_live_release_stop(void);
/* Let the stop request interrupt g (its live sources' socket waits). */
void tj_live_interrupt_graph(bt_graph *g);
int tj_live_stop_requested(void);

#endif
