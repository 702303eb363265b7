/*
 * CTF stream files for tjgen: creates channel0_<cpu>, fills fixed-size
 * packets, writes LTTng's packet header and packet context when a packet is
 * closed (on overflow or at the end), and keeps the tracer's
 * events_discarded counter for --discard.
 */
#include "ctf_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TJG_CTF_MAGIC 0xC1FC1FC1u

/* Context used before a scenario names the running thread. */
static const uint8_t tjg_no_thread_ctx[TJG_CTX_LEN];

void tjg_thread_init(struct tjg_thread *t, const char *comm, int32_t tid, int32_t pid,
		     int32_t ppid, int32_t prio)
{
	uint8_t *p = t->ctx;

	memset(t, 0, sizeof(*t));
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	t->tid = tid;
	t->pid = pid;
	t->ppid = ppid;
	t->prio = prio;
	p = tjg_put_comm(p, t->comm);
	p = tjg_put_i32(p, tid);  /* _vtid: no PID namespace, vtid == tid */
	p = tjg_put_i32(p, pid);  /* _vpid */
	tjg_put_i32(p, prio);     /* _prio */
}

static void tjg_fail(struct tjg_trace *t, const char *what, unsigned cpu)
{
	if (t->failed)
		return;
	t->failed = 1;
	tjg_error_append("%s '%s/channel0_%u': %s", what, t->dir, cpu, strerror(errno));
}

static void tjg_write_all(struct tjg_stream *s, const uint8_t *buf, size_t len)
{
	while (len > 0 && !s->trace->failed) {
		ssize_t n = write(s->fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			tjg_fail(s->trace, "cannot write", s->cpu);
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Fill in the packet header and context, pad, write, and count discards. */
static void tjg_close_packet(struct tjg_stream *s, uint64_t ts_end, bool last)
{
	struct tjg_trace *t = s->trace;
	uint64_t lost = last ? s->discard_left :
		(s->discard_left < s->discard_step ? s->discard_left : s->discard_step);
	uint8_t *p = s->buf;

	/*
	 * LTTng's counter is cumulative and a reader reports the increase from
	 * one packet to the next. A non-zero count in a stream's first packet
	 * only yields "may have discarded events" (babeltrace2), so the first
	 * packet always says 0.
	 */
	if (s->seq == 0)
		lost = 0;
	s->discarded += lost;
	s->discard_left -= lost;

	p = tjg_put_u32(p, TJG_CTF_MAGIC);
	p = tjg_put_bytes(p, t->uuid, 16);
	p = tjg_put_u32(p, 0);              /* stream_id */
	p = tjg_put_u64(p, s->cpu);         /* stream_instance_id */
	p = tjg_put_u64(p, s->ts_begin);    /* timestamp_begin */
	p = tjg_put_u64(p, ts_end);         /* timestamp_end */
	p = tjg_put_u64(p, (uint64_t)s->pos * 8);      /* content_size, bits */
	p = tjg_put_u64(p, (uint64_t)t->packet_size * 8); /* packet_size, bits */
	p = tjg_put_u64(p, s->seq);         /* packet_seq_num */
	p = tjg_put_u64(p, s->discarded);   /* events_discarded */
	tjg_put_u32(p, s->cpu);             /* cpu_id */

	memset(s->buf + s->pos, 0, t->packet_size - s->pos);
	tjg_write_all(s, s->buf, t->packet_size);
	s->packets++;
}

static void tjg_open_packet(struct tjg_stream *s, uint64_t ts_begin)
{
	s->pos = TJG_PACKET_HEADER_LEN;
	s->ts_begin = ts_begin;
	/* A reader's clock restarts from timestamp_begin in each packet. */
	s->last_ts = ts_begin;
}

void tjg_stream_switch_packet(struct tjg_stream *s, uint64_t ts)
{
	tjg_close_packet(s, ts, false);
	s->seq++;
	tjg_open_packet(s, ts);
}

void tjg_stream_backwards(struct tjg_stream *s, uint64_t ts)
{
	struct tjg_trace *t = s->trace;

	if (t->failed)
		return;
	t->failed = 1;
	tjg_error_append("time goes backwards on cpu %u: %" PRIu64 " after %" PRIu64, s->cpu,
			 ts, s->last_ts);
}

int tjg_trace_open(struct tjg_trace **out, const char *dir, unsigned ncpus,
		   const struct tjg_options *opts, uint64_t t_begin, const uint8_t uuid[16],
		   uint64_t budget)
{
	struct tjg_trace *t;
	size_t dirlen = strlen(dir);
	unsigned cpu;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->streams = calloc(ncpus, sizeof(*t->streams))) ||
	    !(t->dir = malloc(dirlen + 1))) {
		tjg_error_append("out of memory");
		tjg_trace_free(t);
		return TJG_ERR;
	}
	memcpy(t->dir, dir, dirlen + 1);
	t->ncpus = ncpus;
	t->packet_size = opts->packet_size;
	t->ctx_len = opts->no_context ? 0 : TJG_CTX_LEN;
	memcpy(t->uuid, uuid, 16);
	t->budget = budget;
	t->t_begin = t_begin;
	t->t_end = t_begin;
	for (cpu = 0; cpu < ncpus; cpu++)
		t->streams[cpu].fd = -1;
	for (cpu = 0; cpu < ncpus; cpu++) {
		struct tjg_stream *s = &t->streams[cpu];
		uint64_t share = opts->discard / ncpus + (cpu < opts->discard % ncpus ? 1 : 0);
		char path[4096];

		s->trace = t;
		s->cpu = cpu;
		s->ctx = tjg_no_thread_ctx;
		s->discard_left = share;
		/* Spread a stream's share over its first four packet switches. */
		s->discard_step = share / 4 + 1;
		if ((size_t)snprintf(path, sizeof(path), "%s/channel0_%u", dir, cpu) >=
		    sizeof(path)) {
			tjg_error_append("path too long: '%s'", dir);
			tjg_trace_free(t);
			return TJG_ERR;
		}
		s->buf = malloc(t->packet_size);
		if (!s->buf) {
			tjg_error_append("out of memory");
			tjg_trace_free(t);
			return TJG_ERR;
		}
		s->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (s->fd < 0) {
			tjg_error_append("cannot create '%s': %s", path, strerror(errno));
			tjg_trace_free(t);
			return TJG_ERR;
		}
		tjg_open_packet(s, t_begin);
	}
	*out = t;
	return TJG_OK;
}

int tjg_trace_finish(struct tjg_trace *t)
{
	unsigned cpu;

	for (cpu = 0; cpu < t->ncpus; cpu++) {
		struct tjg_stream *s = &t->streams[cpu];

		if (s->discard_left > 0 && s->seq == 0) {
			/* Only one packet: losses get reported by an empty last one. */
			tjg_stream_switch_packet(s, s->last_ts);
		}
		/* `lttng stop` flushes every stream at the same time. */
		tjg_close_packet(s, t->t_end, true);
		if (close(s->fd) != 0)
			tjg_fail(t, "cannot close", cpu);
		s->fd = -1;
	}
	return t->failed ? TJG_ERR : TJG_OK;
}

void tjg_trace_free(struct tjg_trace *t)
{
	unsigned cpu;

	if (!t)
		return;
	if (t->streams) {
		for (cpu = 0; cpu < t->ncpus; cpu++) {
			if (t->streams[cpu].fd >= 0)
				close(t->streams[cpu].fd);
			free(t->streams[cpu].buf);
		}
	}
	free(t->streams);
	free(t->dir);
	free(t);
}
