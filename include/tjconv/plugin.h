/*
 * tjconv plugin ABI: the only header a third-party analyzer or exporter needs.
 *
 * A plugin is a shared object exporting one symbol, `tj_plugin_entry`, that
 * returns a `struct tj_plugin_desc`.  The host hands the plugin a function
 * table (`struct tj_host`) at init; plugins never see libbabeltrace2 types and
 * never link against the executable.
 *
 * Compatibility rules (SQLite/Redis-module style):
 *  - `abi_major` changes only on an incompatible change; the host refuses a
 *    plugin whose major differs.
 *  - `abi_minor` grows when fields are appended to a struct or callbacks to a
 *    table; the host refuses a plugin built against a newer minor than its own.
 *  - Every struct that crosses the boundary starts with (or carries) a `size`
 *    so either side can tell which appended fields the other one knows.
 *    Fields are only ever appended.
 *
 * Ownership: everything the host passes to a callback is borrowed for the
 * duration of that call.  Everything a plugin passes to the host (records,
 * annotation text) is copied by the host before the call returns.
 *
 * Build an out-of-tree plugin with
 *   cc -shared -fPIC $(pkg-config --cflags tjconv-plugin) myplugin.c -o myplugin.so
 */
#ifndef TJCONV_PLUGIN_H
#define TJCONV_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TJ_ABI_MAJOR 1
#define TJ_ABI_MINOR 0

/* Name of the single symbol a plugin exports. */
#define TJ_PLUGIN_ENTRY_SYMBOL "tj_plugin_entry"

#if defined(__GNUC__)
#define TJ_EXPORT __attribute__((visibility("default")))
#define TJ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define TJ_EXPORT
#define TJ_PRINTF(fmt, args)
#endif

/* One status enum for the whole project: 0 is success, errors are negative. */
enum tj_status {
	TJ_OK = 0,
	TJ_ERROR = -1,     /* generic failure; a cause was appended */
	TJ_ENOMEM = -2,
	TJ_EINVAL = -3,    /* bad argument or bad input data */
	TJ_EIO = -4,       /* reading or writing failed */
	TJ_EABI = -5,      /* plugin/host ABI mismatch */
	TJ_ESTOP = -6,     /* stop reading early without error (e.g. past --end) */
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
	uint32_t id;
	uint32_t trace_index;  /* index into tj_trace_info.traces */
	const char *name;
};

/* Text an analyzer attached to an event (see tj_host.annotate). */
struct tj_annotation {
	const char *plugin; /* name of the analyzer that attached it */
	const char *text;
};

/*
 * The view of one event offered to plugins.  Borrowed for the call only.
 * Identity fields are decoded once by the core; payload and context fields
 * are read through tj_host field accessors with handles from field_lookup.
 */
struct tj_event {
	const struct tj_event_class *cls;
	int64_t ts;            /* ns since the Unix epoch, or TJ_TS_NONE */
	int32_t cpu;           /* packet context cpu_id, -1 if unknown */
	int32_t tid;           /* vtid/tid context, -1 if absent */
	int32_t pid;           /* vpid/pid context, -1 if absent */
	int32_t prio;          /* prio context, INT32_MIN if absent */
	const char *procname;  /* procname context, NULL if absent */
	uint32_t stream_index; /* core-wide index of the stream that carried it */
	/* Annotations attached so far (exporters see all of them). */
	const struct tj_annotation *annotations;
	uint32_t nannotations;
	const void *host_private; /* do not touch */
};

/*
 * A field handle, valid only for events of the class it was resolved on.
 * Negative means "no such field".
 */
typedef int32_t tj_field;

/* Growable string buffer owned by the host (append with tj_host functions). */
struct tj_sbuf {
	char *data; /* NUL-terminated */
	size_t len;
	size_t cap;
};

/* ---- model records: what analyzers emit and exporters render ---------- */

enum tj_record_kind {
	TJ_REC_SPAN = 1,      /* a complete slice on a thread: ts + dur (a syscall) */
	TJ_REC_STATE = 2,     /* an interval of a named state on a track */
	TJ_REC_INSTANT = 3,   /* a point in time */
	TJ_REC_FLOW = 4,      /* one step of a flow (a packet journey) */
	TJ_REC_COUNTER = 5,   /* a sampled value */
	TJ_REC_PROCESS_NAME = 6, /* pid got a name: name = process name */
	TJ_REC_THREAD_NAME = 7,  /* tid got a name: name = thread name */
};

enum tj_track {
	TJ_TRACK_THREAD = 0,       /* the thread's main track (pid, tid) */
	TJ_TRACK_THREAD_STATE = 1, /* the thread's state track (pid, tid) */
	TJ_TRACK_CPU = 2,          /* per-CPU track (cpu) */
	TJ_TRACK_GLOBAL = 3,       /* one track for the whole trace */
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
	const char *key;
	uint32_t type; /* enum tj_arg_type */
	union {
		int64_t i;
		uint64_t u;
		double d;
		const char *s;
	} v;
};

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
	const struct tj_arg *args;
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
	const char *path;       /* directory holding the metadata */
	const char *hostname;   /* environment, NULL when absent */
	const char *domain;
	const char *tracer_name;
	const char *kernel_release;
	const char *uuid;       /* NULL when the trace has none */
	int64_t tracer_major, tracer_minor; /* -1 when absent */
	uint32_t nstreams;
};

struct tj_trace_info {
	uint32_t size;
	uint32_t ntraces;
	const struct tj_trace_desc *traces;
	int64_t first_ts;  /* first event timestamp over all traces, or TJ_TS_NONE */
	int64_t begin_ts;  /* --begin, or TJ_TS_NONE */
	int64_t end_ts;    /* --end, or TJ_TS_NONE */
	const char *input_path; /* the path the user gave */
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

struct tj_plugin; /* the host's handle for one loaded plugin */

/*
 * The host function table.  `size` lets a plugin built against a newer minor
 * check that an appended function exists before calling it (the loader
 * refuses newer minors, so within one major every listed function exists).
 */
struct tj_host {
	uint32_t size;
	uint32_t abi_major, abi_minor;

	/* Logging to stderr, prefixed with the plugin name. */
	void (*log)(struct tj_plugin *self, enum tj_log_level level, const char *fmt, ...)
		TJ_PRINTF(3, 4);
	/* Append a cause to the error chain printed if the run fails. */
	void (*error)(struct tj_plugin *self, const char *fmt, ...) TJ_PRINTF(2, 3);

	/* A parameter from --param NAME.KEY=VALUE or the config file; NULL if unset. */
	const char *(*param)(struct tj_plugin *self, const char *key);

	/* Resolve a field by name (dotted path into structs/variants). Searches the
	 * payload, then the event context, the stream event context, the packet
	 * context.  Prefix with "payload:", "context:", "common:", "packet:" to
	 * pick one scope.  Returns < 0 if absent. */
	tj_field (*field_lookup)(const struct tj_event_class *cls, const char *path);
	/* Integer (signed, unsigned or enumeration) value: 1 if read, 0 if absent. */
	int (*field_int)(const struct tj_event *ev, tj_field f, int64_t *out);
	int (*field_uint)(const struct tj_event *ev, tj_field f, uint64_t *out);
	/* String value (also a char array/sequence of text); NULL if absent. */
	const char *(*field_str)(const struct tj_event *ev, tj_field f);
	/* Array or sequence length; -1 if absent or not an array. */
	int64_t (*field_len)(const struct tj_event *ev, tj_field f);
	/* Integer element i of an array or sequence of integers: 1 if read. */
	int (*field_elem_uint)(const struct tj_event *ev, tj_field f, uint64_t i, uint64_t *out);

	/* Append babeltrace2-style text of the event's fields:
	 * "{ cpu_id = 0 }, { vtid = 1 }, { fd = 3, ... }". */
	int (*format_fields)(const struct tj_event *ev, struct tj_sbuf *sb);

	/* String buffers. */
	int (*sbuf_append)(struct tj_sbuf *sb, const char *data, size_t len);
	int (*sbuf_printf)(struct tj_sbuf *sb, const char *fmt, ...) TJ_PRINTF(2, 3);
	void (*sbuf_release)(struct tj_sbuf *sb);

	/* Analyzers: attach text to the event being dispatched (copied). */
	int (*annotate)(struct tj_plugin *self, const struct tj_event *ev, const char *text);
	/* Analyzers: emit a model record to every exporter (copied). */
	int (*emit)(struct tj_plugin *self, const struct tj_record *rec);

	/* Exporters: write bytes to the run's output (stdout, file, .gz). */
	int (*write)(struct tj_plugin *self, const void *data, size_t len);

	/* Whether the record/event passes --pid/--tid/--comm and the time window. */
	int (*wants_record)(struct tj_plugin *self, const struct tj_record *rec);

	/* Top-level payload members of a class, for plugins that carry every
	 * argument (resolve each with field_lookup(cls, "payload:NAME")). */
	uint32_t (*field_count)(const struct tj_event_class *cls);
	const char *(*field_name)(const struct tj_event_class *cls, uint32_t index);

	/* Analyzers: from now on `cpu` runs thread tid (of process pid, named
	 * comm; -1/NULL when unknown).  Events that carry no vtid/vpid context
	 * are attributed to their CPU's thread, for exporters and filters. */
	int (*cpu_thread)(struct tj_plugin *self, int32_t cpu, int32_t tid, int32_t pid,
			  const char *comm);
};

/*
 * The descriptor a plugin returns.  Callbacks may be NULL when unused.
 * All callbacks return enum tj_status values.
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

	/* Called once; store private state in *state. */
	int (*init)(const struct tj_host *host, struct tj_plugin *self, void **state);
	/* Before any event: what is being read. */
	int (*begin)(void *state, const struct tj_trace_info *info);
	/* First time a subscribed class is seen: resolve field handles here and
	 * store per-class data in *class_data (freed by the plugin in fini). */
	int (*on_class)(void *state, const struct tj_event_class *cls, void **class_data);
	/* Each subscribed event. */
	int (*on_event)(void *state, const struct tj_event *ev, void *class_data);
	/* Exporters: each record an analyzer emitted. */
	int (*on_record)(void *state, const struct tj_record *rec);
	/* Discarded events or packets reported by the tracer. */
	int (*on_discard)(void *state, const struct tj_discard *d);
	/* After the last event: analyzers flush open state, exporters close
	 * their document.  Analyzers finish before exporters. */
	int (*finish)(void *state, const struct tj_run_stats *stats);
	/* Free everything; called only after a successful init. */
	void (*fini)(void *state);
	/* Optional NULL-terminated "key: meaning" lines shown by list-plugins. */
	const char *const *param_help;
};

typedef const struct tj_plugin_desc *(*tj_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* TJCONV_PLUGIN_H */
