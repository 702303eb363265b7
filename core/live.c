/*
 * Live sessions (see live.h): what is special about reading from
 * lttng-relayd.  The sources are source.ctf.lttng-live components, one per
 * session URL, each with one output port the reader merges like a ctf.fs
 * stream.  Before adding them, the relay is asked for its sessions (the
 * component's "sessions" query, which babeltrace2 uses to list them): that
 * tells an unreachable relay from a missing session, in plain words, where
 * the component itself would wait for the session forever.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bt_errors.h"
#include "error.h"
#include "live.h"
#include "log.h"
#include "reader_impl.h"
#include "sbuf.h"

/* How long to wait after the relay had nothing new: babeltrace2's CLI
 * waits 100 ms; a shorter pause keeps the text output close to live. */
#define TJ_LIVE_RETRY_NS 20000000L
#define TJ_LIVE_DEFAULT_PORT "5344"

static const char *const schemes[] = {"net://", "net4://", "net6://"};

static size_t scheme_len(const char *s)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(s, schemes[i], strlen(schemes[i])) == 0)
			return strlen(schemes[i]);
	return 0;
}

int tj_live_is_url(const char *input)
{
	return input && scheme_len(input) > 0;
}

int tj_live_join_urls(char **out, int n, char *const *urls)
{
	struct tj_sbuf all = {0};
	for (int i = 0; i < n; i++) {
		if (!tj_live_is_url(urls[i]) || strchr(urls[i], ' ')) {
			tj_error_append("unexpected argument '%s' (several inputs must all be live "
					"session URLs, net://...)", urls[i]);
			tj_sbuf_release(&all);
			return TJ_EINVAL;
		}
		tj_sbuf_printf(&all, "%s%s", i ? " " : "", urls[i]);
	}
	if (!all.data)
		return TJ_ENOMEM;
	free(*out);
	*out = all.data; /* the buffer's string, handed over */
	return TJ_OK;
}

/* One live URL split: relay ("net://HOST:PORT"), target host, session. */
struct live_url {
	char relay[512];
	char host[256];
	char session[256];
};

/* Parse url (up to len bytes).  Returns TJ_OK or TJ_EINVAL with a cause. */
static int parse_url(const char *url, size_t len, struct live_url *u)
{
	char buf[1024];
	size_t sl = scheme_len(url);
	memset(u, 0, sizeof(*u));
	if (len >= sizeof(buf) || sl == 0)
		goto bad;
	memcpy(buf, url, len);
	buf[len] = '\0';
	char *auth = buf + sl;
	char *path = strchr(auth, '/');
	if (path)
		*path++ = '\0';
	if (!*auth)
		goto bad;
	/* [v6addr]:port or host:port or host */
	const char *colon = auth[0] == '[' ? strstr(auth, "]:") : strrchr(auth, ':');
	if (auth[0] == '[' && colon)
		colon++;
	snprintf(u->relay, sizeof(u->relay), "%.*s%s%s%s", (int)sl, url, auth,
		 colon ? "" : ":", colon ? "" : TJ_LIVE_DEFAULT_PORT);
	if (!path || !*path)
		return TJ_OK;
	char *h = NULL, *s = NULL;
	if (strncmp(path, "host/", 5) == 0) {
		h = path + 5;
		s = strchr(h, '/');
		if (s)
			*s++ = '\0';
	}
	if (!h || !*h || !s || !*s || strchr(s, '/'))
		goto bad;
	snprintf(u->host, sizeof(u->host), "%s", h);
	snprintf(u->session, sizeof(u->session), "%s", s);
	return TJ_OK;
bad:
	tj_error_append("invalid live session URL '%.*s' (expected "
			"net://HOST[:PORT]/host/HOSTNAME/SESSION, or net://HOST[:PORT] to list "
			"sessions)", (int)(len < 512 ? len : 512), url);
	return TJ_EINVAL;
}

int tj_live_is_relay_only(const char *input)
{
	struct live_url u;
	if (!tj_live_is_url(input) || strchr(input, ' '))
		return 0;
	if (parse_url(input, strlen(input), &u)) {
		tj_error_clear();
		return 0;
	}
	return u.host[0] == '\0';
}

static const bt_component_class_source *live_class(const bt_plugin *ctf)
{
	return bt_plugin_borrow_source_component_class_by_name_const(ctf, "lttng-live");
}

/* The relay's sessions (an array of maps), or NULL with a cause. */
static const bt_value *query_sessions(const bt_plugin *ctf, const char *relay)
{
	const bt_component_class_source *cls = live_class(ctf);
	bt_value *params = bt_value_map_create();
	const bt_value *result = NULL;
	bt_query_executor *qe = NULL;

	if (!cls) {
		tj_error_append("libbabeltrace2's ctf plugin has no lttng-live source");
		goto out;
	}
	if (!params || bt_value_map_insert_string_entry(params, "url", relay))
		goto out;
	qe = bt_query_executor_create(bt_component_class_source_as_component_class_const(cls),
				      "sessions", params);
	if (!qe)
		goto out;
	/* The component logs its connection failure itself: keep it off
	 * stderr, the cause below says it in one line. */
	struct tj_log_capture quiet;
	tj_log_capture_begin(&quiet);
	bt_query_executor_query_status st = bt_query_executor_query(qe, &result);
	tj_log_capture_discard(&quiet);
	if (st != BT_QUERY_EXECUTOR_QUERY_STATUS_OK || !result ||
	    !bt_value_is_array(result)) {
		bt_value_put_ref(result);
		result = NULL;
		bt_current_thread_clear_error();
		tj_error_append("cannot reach the relay '%s' (is lttng-relayd running and "
				"accepting viewers on that port?)", relay);
	}
out:
	if (!result && !tj_error_has())
		tj_error_append("out of memory");
	bt_query_executor_put_ref(qe);
	bt_value_put_ref(params);
	return result;
}

static const char *entry_str(const bt_value *e, const char *key)
{
	const bt_value *v = bt_value_map_borrow_entry_value_const(e, key);
	return v && bt_value_is_string(v) ? bt_value_string_get(v) : "";
}

static uint64_t entry_uint(const bt_value *e, const char *key)
{
	const bt_value *v = bt_value_map_borrow_entry_value_const(e, key);
	if (v && bt_value_is_unsigned_integer(v))
		return bt_value_integer_unsigned_get(v);
	if (v && bt_value_is_signed_integer(v))
		return (uint64_t)bt_value_integer_signed_get(v);
	return 0;
}

int tj_live_list_sessions(const char *url)
{
	const bt_plugin *ctf = NULL;
	struct live_url u;
	int rc = parse_url(url, strlen(url), &u);
	if (rc || (rc = tj_graph_find_ctf(&ctf)))
		return rc;
	const bt_value *list = query_sessions(ctf, u.relay);
	if (!list) {
		bt_plugin_put_ref(ctf);
		return TJ_EIO;
	}
	uint64_t n = bt_value_array_get_length(list);
	for (uint64_t i = 0; i < n; i++) {
		const bt_value *e = bt_value_array_borrow_element_by_index_const(list, i);
		printf("%s (timer = %llu, %llu stream(s), %llu client(s) connected)\n",
		       entry_str(e, "url"), (unsigned long long)entry_uint(e, "timer-us"),
		       (unsigned long long)entry_uint(e, "stream-count"),
		       (unsigned long long)entry_uint(e, "client-count"));
	}
	if (n == 0)
		tj_log(TJ_LOG_NOTICE, NULL, "the relay '%s' offers no session", u.relay);
	bt_value_put_ref(list);
	bt_plugin_put_ref(ctf);
	return TJ_OK;
}

/* The relay offers u's session; else a cause naming what it does offer. */
static int check_session(const bt_plugin *ctf, const struct live_url *u)
{
	const bt_value *list = query_sessions(ctf, u->relay);
	if (!list)
		return TJ_EIO;
	struct tj_sbuf offered = {0};
	uint64_t n = bt_value_array_get_length(list);
	const bt_value *match = NULL;
	for (uint64_t i = 0; i < n && !match; i++) {
		const bt_value *e = bt_value_array_borrow_element_by_index_const(list, i);
		const char *h = entry_str(e, "target-hostname"), *s = entry_str(e, "session-name");
		if (strcmp(h, u->host) == 0 && strcmp(s, u->session) == 0)
			match = e;
		tj_sbuf_printf(&offered, "%s'%s/%s'", offered.len ? ", " : "", h, s);
	}
	int found = match != NULL;
	if (!found)
		tj_error_append("the relay '%s' has no session '%s' of host '%s' (it offers %s)",
				u->relay, u->session, u->host,
				offered.len ? offered.data : "none");
	else if (entry_uint(match, "client-count") > 0) {
		/* lttng-relayd serves a session to one viewer at a time */
		tj_error_append("the session '%s' of host '%s' on the relay '%s' already has a "
				"viewer (the relay serves one at a time)", u->session, u->host,
				u->relay);
		found = 0;
	}
	tj_sbuf_release(&offered);
	bt_value_put_ref(list);
	return found ? TJ_OK : TJ_EINVAL;
}

static int add_live_source(struct tj_reader *r, const char *url, size_t ti,
			   const bt_component_source **out)
{
	bt_value *params = bt_value_map_create();
	bt_value *inputs = NULL;
	char name[32];
	int rc = TJ_OK;
	if (!params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
	    bt_value_array_append_string_element(inputs, url) ||
	    /* checked just before: if it went away since, say so, do not wait */
	    bt_value_map_insert_string_entry(params, "session-not-found-action", "fail")) {
		bt_value_put_ref(params);
		return TJ_ENOMEM;
	}
	snprintf(name, sizeof(name), "live%zu", ti);
	if (bt_graph_add_source_component(r->graph, live_class(r->ctf_plugin), name, params,
					  BT_LOGGING_LEVEL_NONE, out) != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		tj_bt_error_take();
		tj_error_append("cannot read live session '%s'", url);
		rc = TJ_EINVAL;
	}
	bt_value_put_ref(params);
	return rc;
}

int tj_live_open_sources(struct tj_reader *r)
{
	size_t n = 1;
	int rc;
	r->live = 1;
	for (const char *p = r->input; (p = strchr(p, ' ')); p++)
		n++;
	r->traces = calloc(n, sizeof(*r->traces));
	r->comps = calloc(n, sizeof(*r->comps));
	r->descs = calloc(n, sizeof(*r->descs));
	if (!r->traces || !r->comps || !r->descs)
		return TJ_ENOMEM;
	r->streams.traces = r->traces;
	r->streams.descs = r->descs;
	if ((rc = tj_graph_find_ctf(&r->ctf_plugin)))
		return rc;
	if (!live_class(r->ctf_plugin)) {
		tj_error_append("libbabeltrace2's ctf plugin has no lttng-live source");
		return TJ_ERROR;
	}
	if (!(r->graph = bt_graph_create(0)))
		return TJ_ENOMEM;
	tj_live_interrupt_graph(r->graph);
	const char *p = r->input;
	for (size_t i = 0; i < n; i++) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		struct live_url u;
		char *url = strndup(p, len);
		if (!url)
			return TJ_ENOMEM;
		tj_trace_slot_init(&r->traces[i], url);
		r->ntraces = i + 1;
		if ((rc = parse_url(p, len, &u)))
			return rc;
		if (!u.host[0]) {
			tj_error_append("'%s' names a relay, not a session: give "
					"net://HOST[:PORT]/host/HOSTNAME/SESSION (run 'tjconv %s' "
					"alone to list them)", url, url);
			return TJ_EINVAL;
		}
		if ((rc = check_session(r->ctf_plugin, &u)) ||
		    (rc = add_live_source(r, url, i, &r->comps[i])))
			return rc;
		r->nups += bt_component_source_get_output_port_count(r->comps[i]);
		p += len + (e ? 1 : 0);
	}
	return TJ_OK;
}

int64_t tj_live_inactivity_ts(const bt_message *m)
{
	int64_t ns;
	if (bt_message_get_type(m) != BT_MESSAGE_TYPE_MESSAGE_ITERATOR_INACTIVITY)
		return INT64_MIN;
	const bt_clock_snapshot *cs = bt_message_message_iterator_inactivity_borrow_clock_snapshot_const(m);
	if (!cs || bt_clock_snapshot_get_ns_from_origin(cs, &ns) !=
			   BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
		return INT64_MIN;
	return ns;
}

void tj_live_idle(struct tj_reader *r)
{
	if (r->live_flush)
		r->live_flush(r->live_flush_ud);
	if (tj_live_stop_requested())
		return;
	/* A signal ends the pause early (no SA_RESTART): then we stop. */
	struct timespec ts = {0, TJ_LIVE_RETRY_NS};
	nanosleep(&ts, NULL);
}

int tj_reader_is_live(const struct tj_reader *r)
{
	return r && r->live;
}

void tj_reader_set_live_flush(struct tj_reader *r, int (*fn)(void *ud), void *ud)
{
	r->live_flush = fn;
	r->live_flush_ud = ud;
}

/* ------------------------------------------------------------------ */
/* the stop request                                                    */

static volatile sig_atomic_t stop_requested;
static struct sigaction saved_int, saved_term;
static int catching;
/* Set by the handler too, as babeltrace2's CLI does: a live source blocked
 * on the relay's socket gives up when its graph is interrupted. */
static bt_interrupter *stop_interrupter;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (stop_interrupter)
		bt_interrupter_set(stop_interrupter);
}

void tj_live_interrupt_graph(bt_graph *g)
{
	if (!stop_interrupter)
		stop_interrupter = bt_interrupter_create();
	if (stop_interrupter)
		bt_graph_add_interrupter(g, stop_interrupter);
}

void tj_live_catch_stop(void)
{
	struct sigaction sa;
	if (catching)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	stop_requested = 0;
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
	catching = 1;
}

void tj_live_release_stop(void)
{
	if (catching) {
		sigaction(SIGINT, &saved_int, NULL);
		sigaction(SIGTERM, &saved_term, NULL);
		catching = 0;
	}
	bt_interrupter_put_ref(stop_interrupter);
	stop_interrupter = NULL;
}

int tj_live_stop_requested(void)
{
	return stop_requested != 0;
}
