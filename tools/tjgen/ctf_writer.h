/*
 * CTF stream writer in the LTTng kernel layout: one stream file per CPU
 * (channel0_<cpu>), fixed-size packets with LTTng's packet header and packet
 * context, LTTng's "large" event header (16-bit id with 32-bit timestamp, or
 * the extended form with 32-bit id and 64-bit timestamp when the upper 32 bits
 * of the clock changed), then the optional stream event context
 * (procname, vtid, vpid, prio).
 *
 * Layout is packed (every field is byte aligned, as lttng-modules writes on
 * x86), little endian. The metadata text matching this layout is written by
 * metadata.c.
 */
#ifndef TJGEN_CTF_WRITER_H
#define TJGEN_CTF_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "encode.h"
#include "tjgen.h"

/* packet.header (32 bytes) + packet.context (52 bytes) */
#define TJG_PACKET_HEADER_LEN 84
/* Largest event header: id 65535 (2) + 32-bit id (4) + 64-bit timestamp (8). */
#define TJG_EV_HEADER_MAX 14
/* Stream event context: char _procname[16], int32 _vtid, _vpid, _prio. */
#define TJG_CTX_LEN 28
/* Largest payload an emitter may reserve. */
#define TJG_PAYLOAD_MAX 1024
#define TJG_PACKET_SIZE_MIN 4096u
#define TJG_PACKET_SIZE_MAX (64u * 1024u * 1024u)
#define TJG_EXTENDED_ID 65535u

/* A thread as seen by the tracer: identity plus its encoded event context. */
struct tjg_thread {
	char comm[16];
	int32_t tid;
	int32_t pid;
	int32_t ppid;
	int32_t prio; /* as LTTng reports it: task prio - MAX_RT_PRIO (20 = nice 0) */
	uint8_t ctx[TJG_CTX_LEN];
};

void tjg_thread_init(struct tjg_thread *t, const char *comm, int32_t tid, int32_t pid,
		     int32_t ppid, int32_t prio);

struct tjg_trace;

struct tjg_stream {
	struct tjg_trace *trace;
	unsigned cpu;
	int fd;
	uint8_t *buf;           /* the open packet, packet_size bytes */
	size_t pos;             /* bytes used in the open packet */
	uint64_t ts_begin;      /* timestamp_begin of the open packet */
	uint64_t last_ts;       /* clock value a reader holds after the last event */
	uint64_t seq;           /* packet_seq_num of the open packet */
	uint64_t packets;       /* packets written so far */
	uint64_t discarded;     /* cumulative events_discarded (LTTng counter) */
	uint64_t discard_left;  /* this stream's share of --discard not yet counted */
	uint64_t discard_step;  /* how much each packet switch adds */
	uint64_t nevents;
	const uint8_t *ctx;     /* encoded context of the thread running on this CPU */
	bool skip;              /* event under construction is over budget: drop it */
};

struct tjg_trace {
	unsigned ncpus;
	struct tjg_stream *streams;
	uint32_t packet_size;
	size_t ctx_len;         /* TJG_CTX_LEN, or 0 with --no-context */
	uint8_t uuid[16];
	uint64_t budget;        /* events still allowed; UINT64_MAX = no limit */
	uint64_t nevents;       /* events written */
	uint64_t t_begin;       /* clock value at trace start */
	uint64_t t_end;         /* largest event timestamp so far */
	int failed;             /* sticky error: set once, reported at close */
	char *dir;
	uint8_t scratch[TJG_EV_HEADER_MAX + TJG_CTX_LEN + TJG_PAYLOAD_MAX];
};

/*
 * Create dir/channel0_<cpu> for cpu in [0, ncpus) and open the first packet of
 * each at t_begin. Scenarios name each CPU's running thread with
 * tjg_stream_set_current before emitting. budget: exact number of events to
 * keep (UINT64_MAX for no limit); events beyond it are silently dropped.
 */
int tjg_trace_open(struct tjg_trace **out, const char *dir, unsigned ncpus,
		   const struct tjg_options *opts, uint64_t t_begin, const uint8_t uuid[16],
		   uint64_t budget);

/*
 * Close every stream's last packet at the trace end time (the last event),
 * write it, and report any deferred error. Frees nothing.
 */
int tjg_trace_finish(struct tjg_trace *t);

void tjg_trace_free(struct tjg_trace *t);

/* Slow paths of tjg_ev_begin. */
void tjg_stream_switch_packet(struct tjg_stream *s, uint64_t ts);
void tjg_stream_backwards(struct tjg_stream *s, uint64_t ts);

/* Make `thread` the one whose context the next events of s carry. */
static inline void tjg_stream_set_current(struct tjg_stream *s, const struct tjg_thread *thread)
{
	s->ctx = thread->ctx;
}

/*
 * Start an event of class `id` at clock value ts with up to `payload` bytes of
 * fields. Writes the event header and context; returns where the fields go.
 * Finish with tjg_ev_commit(s, end_of_fields).
 */
static inline uint8_t *tjg_ev_begin(struct tjg_stream *s, uint64_t ts, uint32_t id,
				    size_t payload)
{
	struct tjg_trace *t = s->trace;
	uint8_t *p;

	if (__builtin_expect(t->budget == 0, 0)) {
		s->skip = true;
		return t->scratch;
	}
	if (__builtin_expect(ts < s->last_ts, 0))
		tjg_stream_backwards(s, ts);
	if (__builtin_expect(s->pos + TJG_EV_HEADER_MAX + t->ctx_len + payload >
			     t->packet_size, 0))
		tjg_stream_switch_packet(s, ts);
	p = s->buf + s->pos;
	if (__builtin_expect((ts >> 32) == (s->last_ts >> 32) && id < TJG_EXTENDED_ID, 1)) {
		p = tjg_put_u16(p, (uint16_t)id);
		p = tjg_put_u32(p, (uint32_t)ts);
	} else {
		p = tjg_put_u16(p, (uint16_t)TJG_EXTENDED_ID);
		p = tjg_put_u32(p, id);
		p = tjg_put_u64(p, ts);
	}
	s->last_ts = ts;
	if (t->ctx_len) {
		memcpy(p, s->ctx, TJG_CTX_LEN);
		p += TJG_CTX_LEN;
	}
	return p;
}

static inline void tjg_ev_commit(struct tjg_stream *s, uint8_t *end)
{
	struct tjg_trace *t = s->trace;

	if (__builtin_expect(s->skip, 0)) {
		s->skip = false;
		return;
	}
	s->pos = (size_t)(end - s->buf);
	s->nevents++;
	t->nevents++;
	t->budget--;
	if (s->last_ts > t->t_end)
		t->t_end = s->last_ts;
}

#endif /* TJGEN_CTF_WRITER_H */
