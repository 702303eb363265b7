/*
 * tjconv plugin ABI 2.0: the only header a third-party analyzer or exporter
 * needs (with tjconv/map.h, the header-only hash map, if it wants one).
 *
 * A plugin is a shared object exporting one symbol, `tj_plugin_entry`, that
 * returns a `struct tj_plugin_desc`; TJ_PLUGIN_DEFINE() writes both.  The host
 * hands the plugin a function table (`struct tj_host`) at init; plugins never
 * see libbabeltrace2 types and never link against the executable.
 *
 * Data flows one way:
 *
 *   reader -> event view (identity resolved by the core) -> analyzers, in
 *   order -> records queued per event -> exporters
 *
 * No callback re-enters a stage upstream of itself: an analyzer's emit()
 * only queues the record, which exporters receive after every analyzer has
 * returned from the current callback; nothing a plugin does changes what the
 * core tells other plugins about an event's thread.
 *
 * Compatibility rules (SQLite/Redis-module style):
 *  - `abi_major` changes only on an incompatible change; the host refuses a
 *    plugin whose major differs.
 *  - `abi_minor` grows when fields are appended to a struct or functions to
 *    the host table; the host refuses a plugin built against a newer minor.
 *  - Every struct that crosses the boundary starts with `size`, the size of
 *    the struct as its writer was compiled; fields are only ever appended, so
 *    a reader checks `size` before using a field newer than its own header.
 *    Arrays of structs (record args) are strided by their first element's
 *    `size`.
 *
 * Ownership: everything the host passes to a callback is borrowed for that
 * call only (copy what you keep; `struct tj_trace_info` passed to begin() is
 * the exception: it stays valid until fini()).  Everything a plugin passes to
 * the host (records, annotation text) is copied before the call returns.
 * Whoever allocates frees.
 *
 * Threading: every callback runs on the main thread, one at a time, in the
 * order documented on struct tj_plugin_desc.  `--jobs N` decodes on N threads
 * but never calls a plugin from them, so plugins need no locking.
 *
 * Build an out-of-tree plugin with
 *   cc -shared -fPIC $(pkg-config --cflags tjconv-plugin) myplugin.c -o myplugin.so
 *
 * Changes from 1.0 (never released):
 *  - every callback returns enum tj_status; TJ_DONE (positive) ends reading
 *    early without error, TJ_ESTOP is gone;
 *  - `size` first in tj_event, tj_event_class, tj_annotation, tj_arg,
 *    tj_trace_desc;
 *  - tj_event.procname became tj_event.comm and, like tid and pid, is
 *    resolved by the core for every event (from contexts, else from its own
 *    CPU/thread tables and a bounded lookahead over the statedump), so one
 *    thread has one pid everywhere; host.cpu_thread is gone;
 *  - records are queued and reach exporters after the analyzer returned;
 *    host.wants_record is gone (exporters only receive what passes the
 *    filters);
 *  - struct tj_sbuf is opaque, used through host functions;
 *  - host.format_time formats timestamps as the text exporter shows them;
 *  - TJ_PLUGIN_DEFINE() writes the descriptor and the entry symbol.
 *
 * Changes in 2.1 (appended only; 2.0 plugins load unchanged):
 *  - TJ_TRACK_CONNECTION, a track per network connection (or any other
 *    object an analyzer numbers), chosen by the new tj_record.track_id;
 *  - TJ_REC_TRACK_NAME names such a track (track, track_id, name).
 *
 * Changes in 2.2 (appended only; 2.0 and 2.1 plugins load unchanged):
 *  - tj_plugin_desc.model: an analyzer may describe its state machine as
 *    data (tjconv/model.h), the model it runs natively;
 *  - tj_host.models: an exporter reads the run's analyzers' models (the
 *    Trace Compass XML exporter serializes them);
 *  - on_class may return TJ_DONE to decline the class: the plugin receives
 *    none of its events (a "*" subscriber that wants only some classes);
 *  - tj_plugin_desc.record_categories: an exporter names the record
 *    categories it renders, so the others cost it nothing;
 *  - tj_record.trace: which trace (host) a record belongs to, filled in by
 *    the host from the event being dispatched when the emitter leaves it 0;
 *  - tj_host.summary: the unprefixed --summary lines scripts read.
 */
#ifndef TJCONV_PLUGIN_H
#define TJCONV_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TJ_ABI_MAJOR 2
#define TJ_ABI_MINOR 2

/* Name of the single symbol a plugin exports. */
#define TJ_PLUGIN_ENTRY_SYMBOL "tj_plugin_entry"

#if defined(__GNUC__)
#define TJ_EXPORT __attribute__((visibility("default")))
#define TJ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define TJ_EXPORT
#define TJ_PRINTF(fmt, args)
#endif

/* One status enum for the whole project: 0 is success, errors are
 * negative, positive values are "success, and stop". */
enum tj_status {
	TJ_DONE = 1,       /* stop reading early, without error (e.g. past --end) */
	TJ_OK = 0,
	TJ_ERROR = -1,     /* generic failure; a cause was appended with host.error */
	TJ_ENOMEM = -2,
	TJ_EINVAL = -3,    /* bad argument or bad input data */
	TJ_EIO = -4,       /* reading or writing failed */
	TJ_EABI = -5,      /* plugin/host ABI mismatch (the loader's verdict) */
};

/* Timestamps are integer nanoseconds since the Unix epoch, clock offset applied. */
#define TJ_TS_NONE INT64_MIN

enum tj_plugin_kind {
	TJ_KIND_ANALYZER = 1, /* consumes events, emits records and annotations */
	TJ_KIND_EXPORTER = 2, /* renders events and records to the output */
};

enum tj_log_level {
	TJ_LOG_DEBUG = 0,
	TJ_LOG_INFO = 1,
	TJ_LOG_NOTICE = 2,
	TJ_LOG_WARNING = 3,
	TJ_LOG_ERROR = 4,
};

/*
 * An event class as the core interned it: `id` is dense from 0 and stable
 * for the whole run.  Two traces declaring the same name get distinct ids.
 */
struct tj_event_class {
	uint32_t size;
	uint32_t id;
	uint32_t trace_index;  /* index into tj_trace_info.traces */
	const char *name;
};

/* Text an analyzer attached to an event (see tj_host.annotate). */
struct tj_annotation {
	uint32_t size;
	const char *plugin; /* name of the analyzer that attached it */
	const char *text;
};

/* Where the core learned an event's thread (tj_event.identity). */
#define TJ_ID_FROM_CONTEXT 0x1u /* vtid/tid context of the event */
#define TJ_ID_FROM_CPU 0x2u     /* the thread its CPU was running (sched_switch,
				   statedump), the event having no tid context */

/*
 * The view of one event offered to plugins.  Borrowed for the call only.
 * Identity fields are resolved by the core before any plugin sees the event:
 * a sched_switch belongs to the thread it switches out; pid and comm are the
 * core's best knowledge for the thread, the same in every event of it.
 * Payload and context fields are read through tj_host field accessors with
 * handles from field_lookup.
 */
struct tj_event {
	uint32_t size;
	uint32_t stream_index; /* core-wide index of the stream that carried it */
	const struct tj_event_class *cls;
	int64_t ts;            /* ns since the Unix epoch, or TJ_TS_NONE */
	int32_t cpu;           /* packet context cpu_id, -1 if unknown */
	int32_t tid;           /* thread, -1 if unknown */
	int32_t pid;           /* its process, -1 if unknown */
	int32_t prio;          /* prio context, INT32_MIN if absent */
	const char *comm;      /* thread name, NULL if unknown */
	uint32_t identity;     /* TJ_ID_* */
	/* Exporters: the annotations analyzers attached to this event. */
	uint32_t nannotations;
	const struct tj_annotation *annotations;
	const void *host_private; /* do not touch */
};

/*
 * A field handle, valid only for events of the class it was resolved on.
 * Negative means "no such field".
 */
typedef int32_t tj_field;

/* Growable string buffer owned by the host (see tj_host.sbuf_*). */
struct tj_sbuf;

/* ---- model records: what analyzers emit and exporters render ---------- */

enum tj_record_kind {
	TJ_REC_SPAN = 1,      /* a complete slice on a thread: ts + dur (a syscall) */
	TJ_REC_STATE = 2,     /* an interval of a named state on a track */
	TJ_REC_INSTANT = 3,   /* a point in time */
	TJ_REC_FLOW = 4,      /* one step of a flow (a packet journey) */
	TJ_REC_COUNTER = 5,   /* a sampled value */
	TJ_REC_PROCESS_NAME = 6, /* pid got a name: name = process name */
	TJ_REC_THREAD_NAME = 7,  /* tid got a name: name = thread name */
	/* 2.1: a TJ_TRACK_CONNECTION track got a name: track, track_id, name. */
	TJ_REC_TRACK_NAME = 8,
};

enum tj_track {
	TJ_TRACK_THREAD = 0,       /* the thread's main track (pid, tid) */
	TJ_TRACK_THREAD_STATE = 1, /* the thread's state track (pid, tid) */
	TJ_TRACK_CPU = 2,          /* per-CPU track (cpu) */
	TJ_TRACK_GLOBAL = 3,       /* one track for the whole trace */
	/* 2.1: one track per network connection (or other numbered object):
	 * tj_record.track_id says which; exporters group them together. */
	TJ_TRACK_CONNECTION = 4,
};

enum tj_flow_phase {
	TJ_FLOW_BEGIN = 0,
	TJ_FLOW_STEP = 1,
	TJ_FLOW_END = 2,
};

enum tj_arg_type {
	TJ_ARG_INT = 0,
	TJ_ARG_UINT = 1,
	TJ_ARG_HEX = 2,    /* unsigned, rendered in hex */
	TJ_ARG_STR = 3,
	TJ_ARG_DOUBLE = 4,
};

struct tj_arg {
	uint32_t size;  /* sizeof(struct tj_arg) as the emitter knew it */
	uint32_t type;  /* enum tj_arg_type */
	const char *key;
	union {
		int64_t i;
		uint64_t u;
		double d;
		const char *s;
	} v;
};

/* TJ_ARG_I(key, value) etc.: one argument, size filled in. */
#define TJ_ARG_I(k, x) {sizeof(struct tj_arg), TJ_ARG_INT, (k), {.i = (x)}}
#define TJ_ARG_S(k, x) {sizeof(struct tj_arg), TJ_ARG_STR, (k), {.s = (x)}}

struct tj_record {
	uint32_t size;       /* sizeof(struct tj_record) as the emitter knew it */
	uint32_t kind;       /* enum tj_record_kind */
	const char *category;
	const char *name;
	int64_t ts;          /* ns since the Unix epoch */
	int64_t dur;         /* ns; spans and states */
	int32_t pid, tid, cpu;
	uint32_t track;      /* enum tj_track */
	uint64_t flow_id;    /* flows */
	uint32_t flow_phase; /* enum tj_flow_phase */
	double value;        /* counters */
	uint32_t flags;      /* TJ_REC_F_* */
	uint32_t nargs;
	const struct tj_arg *args; /* each with .size set (TJ_ARG_I/TJ_ARG_S) */
	/* Exporters: the plugin that emitted it (set by the host). */
	const char *origin;
	/* 2.1: which TJ_TRACK_CONNECTION track (0 .. 2^24 - 1); 0 in records
	 * from older emitters. */
	uint64_t track_id;
	/* 2.2: 1 + the index in tj_trace_info.traces of the trace the record
	 * belongs to (its host); 0: the host fills in the trace of the event
	 * being dispatched when the record was emitted (none from finish). */
	uint32_t trace;
};

#define TJ_REC_F_CUT_BEGIN 0x1u /* started before the trace (or window) began */
#define TJ_REC_F_CUT_END 0x2u   /* still open when the trace (or window) ended */

/* Events or packets the tracer reported as lost. */
struct tj_discard {
	uint32_t size;
	uint32_t is_packets;     /* 0: discarded events, 1: discarded packets */
	uint64_t count;          /* UINT64_MAX when the tracer did not say */
	int64_t begin_ts;        /* TJ_TS_NONE when unknown */
	int64_t end_ts;          /* TJ_TS_NONE when unknown */
	int32_t cpu;             /* -1 if unknown */
	uint32_t stream_index;
	const char *stream_name; /* stream file or port name */
};

struct tj_trace_desc {
	uint32_t size;
	uint32_t nstreams;
	const char *path;       /* directory holding the metadata */
	const char *hostname;   /* environment, NULL when absent */
	const char *domain;
	const char *tracer_name;
	const char *kernel_release;
	const char *uuid;       /* NULL when the trace has none */
	int64_t tracer_major, tracer_minor; /* -1 when absent */
};

struct tj_trace_info {
	uint32_t size;
	uint32_t ntraces;
	const struct tj_trace_desc *traces; /* strided by traces[0].size */
	int64_t first_ts;  /* first event timestamp over all traces, or TJ_TS_NONE */
	int64_t begin_ts;  /* --begin, or TJ_TS_NONE */
	int64_t end_ts;    /* --end, or TJ_TS_NONE */
	const char *input_path; /* the path the user gave */
	const char *host_version; /* tjconv's version, e.g. "0.3.0" */
};

/* Totals the core passes to finish(). */
struct tj_run_stats {
	uint32_t size;
	uint64_t events;            /* events read */
	uint64_t events_exported;   /* events inside the window and filters */
	uint64_t discarded_events;  /* sum of known counts */
	uint64_t discarded_event_reports; /* discarded-events messages seen */
	uint64_t discarded_packets;
	uint64_t backwards;         /* events whose time went back in their stream */
};

/* Timestamp styles for tj_host.format_time; TJ_TIME_GMT may be or-ed in. */
enum tj_time_style {
	TJ_TIME_CLOCK = 0,   /* "HH:MM:SS.nnnnnnnnn", local time */
	TJ_TIME_DATE = 1,    /* "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" */
	TJ_TIME_SECONDS = 2, /* "SSSSSSSSSS.nnnnnnnnn" since the epoch */
	TJ_TIME_DELTA = 3,   /* "+S.nnnnnnnnn": ts is a difference */
	TJ_TIME_GMT = 0x100, /* UTC instead of local time */
};

struct tj_plugin; /* the host's handle for one loaded plugin */
struct tj_model;  /* 2.2: an analyzer's declarative model, tjconv/model.h */

/*
 * The host function table.  `size` lets a plugin built against a newer minor
 * check that an appended function exists before calling it (the loader
 * refuses newer minors, so within one major every listed function exists).
 * Every function may be called from any callback unless it says otherwise.
 */
struct tj_host {
	uint32_t size;
	uint32_t abi_major, abi_minor;

	/* Logging through the host's one log facility (stderr, prefixed with
	 * the plugin name; -q hides notices). */
	void (*log)(struct tj_plugin *self, enum tj_log_level level, const char *fmt, ...)
		TJ_PRINTF(3, 4);
	/* Append a cause to the error chain printed if the run fails; return a
	 * negative tj_status after it. */
	void (*error)(struct tj_plugin *self, const char *fmt, ...) TJ_PRINTF(2, 3);

	/* A parameter from --param NAME.KEY=VALUE or the config file; NULL if
	 * unset.  Borrowed until fini. */
	const char *(*param)(struct tj_plugin *self, const char *key);

	/* Resolve a field by name (dotted path into structs/variants).  Searches
	 * the payload, then the event context, the stream event context, the
	 * packet context; "payload:", "context:", "common:", "packet:" pick one
	 * scope.  Returns < 0 if absent.  Call it from on_class. */
	tj_field (*field_lookup)(const struct tj_event_class *cls, const char *path);
	/* Integer (signed, unsigned or enumeration) value: 1 if read, 0 if absent. */
	int (*field_int)(const struct tj_event *ev, tj_field f, int64_t *out);
	int (*field_uint)(const struct tj_event *ev, tj_field f, uint64_t *out);
	/* String value (also a char array/sequence of text); NULL if absent.
	 * Borrowed for the callback. */
	const char *(*field_str)(const struct tj_event *ev, tj_field f);
	/* Array or sequence length; -1 if absent or not an array. */
	int64_t (*field_len)(const struct tj_event *ev, tj_field f);
	/* Integer element i of an array or sequence of integers: 1 if read. */
	int (*field_elem_uint)(const struct tj_event *ev, tj_field f, uint64_t i, uint64_t *out);
	/* Top-level payload members of a class, for plugins that carry every
	 * argument (resolve each with field_lookup(cls, "payload:NAME")). */
	uint32_t (*field_count)(const struct tj_event_class *cls);
	const char *(*field_name)(const struct tj_event_class *cls, uint32_t index);

	/* Append babeltrace2-style text of the event's fields:
	 * "{ cpu_id = 0 }, { vtid = 1 }, { fd = 3, ... }". */
	enum tj_status (*format_fields)(const struct tj_event *ev, struct tj_sbuf *sb);
	/* Format a timestamp (enum tj_time_style); returns the length written,
	 * at most cap - 1, buf always NUL-terminated. */
	size_t (*format_time)(struct tj_plugin *self, int64_t ts, unsigned style, char *buf,
			      size_t cap);

	/* String buffers, owned by whoever called sbuf_new. */
	struct tj_sbuf *(*sbuf_new)(void);
	void (*sbuf_free)(struct tj_sbuf *sb);
	enum tj_status (*sbuf_append)(struct tj_sbuf *sb, const char *data, size_t len);
	enum tj_status (*sbuf_printf)(struct tj_sbuf *sb, const char *fmt, ...) TJ_PRINTF(2, 3);
	/* NUL-terminated contents ("" when empty), valid until the next change. */
	const char *(*sbuf_data)(const struct tj_sbuf *sb);
	size_t (*sbuf_len)(const struct tj_sbuf *sb);
	/* Cut to len bytes (0 empties it). */
	void (*sbuf_truncate)(struct tj_sbuf *sb, size_t len);

	/* Analyzers, from on_event: attach text to the event being dispatched
	 * (copied; exporters see it in tj_event.annotations). */
	enum tj_status (*annotate)(struct tj_plugin *self, const struct tj_event *ev,
				   const char *text);
	/* Analyzers: queue a model record for the exporters (copied).  They
	 * receive it after this analyzer's callback returned. */
	enum tj_status (*emit)(struct tj_plugin *self, const struct tj_record *rec);

	/* Exporters: write bytes to the run's output (stdout, file, .gz). */
	enum tj_status (*write)(struct tj_plugin *self, const void *data, size_t len);

	/* ---- 2.2 ---- */
	/* Exporters, from begin on: the declarative models (tjconv/model.h) of
	 * the run's analyzers that have one, in load order, as they gave them
	 * after their begin and, in finish, after theirs (values the trace
	 * showed); *out is borrowed for the callback.  Returns how many. */
	uint32_t (*models)(struct tj_plugin *self, const struct tj_model *const **out);
	/* A --summary line a script reads: on stderr exactly as given (no
	 * prefix, one line), whatever -q says, e.g. "capture: 12/12 packets
	 * matched, ...".  Call it only when asked for a summary. */
	void (*summary)(struct tj_plugin *self, const char *fmt, ...) TJ_PRINTF(2, 3);
};

/*
 * The descriptor a plugin returns.  Callbacks may be NULL when unused.
 * Order of calls: init; begin (before the first event, once the first
 * timestamp is known); then, interleaved in trace order, on_class (first
 * event of a subscribed class), on_event, on_discard, and for exporters
 * on_record; finish (analyzers before exporters); fini (only after a
 * successful init, even when the run failed).
 */
struct tj_plugin_desc {
	uint32_t abi_major;
	uint32_t abi_minor;
	uint32_t size;  /* sizeof(struct tj_plugin_desc) as the plugin knew it */
	const char *name;
	const char *version;
	const char *description;
	uint32_t kind;  /* enum tj_plugin_kind */

	/* NULL-terminated event names to receive.  "name" matches exactly,
	 * "prefix*" matches a prefix, "*" matches every event.  NULL: none. */
	const char *const *subscriptions;

	/* Once; store private state in *state.  Host functions may be kept. */
	enum tj_status (*init)(const struct tj_host *host, struct tj_plugin *self, void **state);
	/* Before any event: what is being read (valid until fini). */
	enum tj_status (*begin)(void *state, const struct tj_trace_info *info);
	/* First time a subscribed class is seen: resolve field handles here and
	 * store per-class data in *class_data (freed by the plugin in fini).
	 * Return TJ_DONE (2.2) to decline the class: none of its events come. */
	enum tj_status (*on_class)(void *state, const struct tj_event_class *cls,
				   void **class_data);
	/* Each subscribed event.  Exporters see only events inside the window
	 * and filters, with every analyzer's annotations. */
	enum tj_status (*on_event)(void *state, const struct tj_event *ev, void *class_data);
	/* Exporters: each record an analyzer emitted that passes the filters. */
	enum tj_status (*on_record)(void *state, const struct tj_record *rec);
	/* Discarded events or packets reported by the tracer. */
	enum tj_status (*on_discard)(void *state, const struct tj_discard *d);
	/* After the last event: analyzers flush open state, exporters close
	 * their document. */
	enum tj_status (*finish)(void *state, const struct tj_run_stats *stats);
	/* Free everything. */
	void (*fini)(void *state);
	/* Optional NULL-terminated "key: meaning" lines shown by list-plugins. */
	const char *const *param_help;

	/* ---- 2.2 ---- */
	/* Analyzers: the declarative model of what they compute (tjconv/
	 * model.h), owned by the plugin; NULL: none.  The host calls it after
	 * this analyzer's begin and again after its finish (never from another
	 * plugin's call); each result stays valid until the next call or fini,
	 * so the second may add what the trace showed. */
	const struct tj_model *(*model)(void *state);
	/* Exporters: NULL-terminated record categories on_record wants (e.g.
	 * {"capture", NULL}); records of other categories are not even queued.
	 * NULL: every record. */
	const char *const *record_categories;
};

typedef const struct tj_plugin_desc *(*tj_plugin_entry_fn)(void);

/* A boolean parameter: "true", "1" or "yes" are true, any other value is
 * false, unset gives dflt.  Header-only, so every plugin reads flags alike. */
static inline int tj_param_bool(const struct tj_host *host, struct tj_plugin *self, const char *key,
				int dflt)
{
	const char *v = host->param(self, key);
	if (!v)
		return dflt;
	return (v[0] == 't' && v[1] == 'r' && v[2] == 'u' && v[3] == 'e' && !v[4]) ||
	       (v[0] == '1' && !v[1]) || (v[0] == 'y' && v[1] == 'e' && v[2] == 's' && !v[3]);
}

#ifdef __cplusplus
#define TJ_EXTERN_C extern "C"
#else
#define TJ_EXTERN_C
#endif

/*
 * Define the descriptor and the entry symbol in one line:
 *
 *   TJ_PLUGIN_DEFINE(.name = "futex", .version = "1.0", .kind = TJ_KIND_ANALYZER,
 *                    .description = "...", .subscriptions = subs,
 *                    .init = my_init, .on_event = my_event, .fini = my_fini)
 *
 * (C: designated initializers in any order; C++20: in declaration order.)
 */
#define TJ_PLUGIN_DEFINE(...)                                                        \
	static const struct tj_plugin_desc tj_plugin_desc_ = {                       \
		.abi_major = TJ_ABI_MAJOR, .abi_minor = TJ_ABI_MINOR,                \
		.size = sizeof(struct tj_plugin_desc), __VA_ARGS__};                 \
	TJ_EXTERN_C TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void);    \
	TJ_EXTERN_C TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)     \
	{                                                                            \
		return &tj_plugin_desc_;                                             \
	}

#ifdef __cplusplus
}
#endif

#endif /* TJCONV_PLUGIN_H */
