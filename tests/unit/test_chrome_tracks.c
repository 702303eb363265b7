/*
 * Unit tests for converters/chrome-json/tracks.c, the chrome-json
 * exporter's track layout: the synthetic pid/tid of every track kind, the
 * ring of recent slices that refuses partial overlaps (and forgets after
 * RING slices), the M events written once per track and again on a rename
 * or a move to another process, and the set of flows in flight.  tracks.c
 * calls no host function, so a struct cj with a memory sink is all it
 * needs.  Plugins are not part of the core library, so the exporter's files
 * are compiled into this test directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../converters/chrome-json/jsonw.c"
#include "../../converters/chrome-json/tracks.c"

struct mem {
	char data[1 << 16];
	size_t len;
};

static int mem_sink(void *ud, const void *data, size_t len)
{
	struct mem *m = ud;
	if (m->len + len >= sizeof(m->data))
		return TJ_ENOMEM;
	memcpy(m->data + m->len, data, len);
	m->len += len;
	m->data[m->len] = 0;
	return 0;
}

struct fixture {
	struct cj c;
	struct mem out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || jsonw_init(&f->c.w, 0, mem_sink, &f->out))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	jsonw_release(&f->c.w);
	cj_tracks_release(&f->c);
	free(f);
	return 0;
}

/* What was written since the last call (NUL-terminated in f->out). */
static const char *drain(struct fixture *f)
{
	jsonw_flush(&f->c.w);
	assert_int_equal(f->c.w.err, 0);
	static char copy[sizeof(f->out.data)];
	memcpy(copy, f->out.data, f->out.len + 1);
	f->out.len = 0;
	f->out.data[0] = 0;
	return copy;
}

static struct tj_record rec(uint32_t track, int32_t pid, int32_t tid, int32_t cpu)
{
	struct tj_record r;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.track = track;
	r.pid = pid;
	r.tid = tid;
	r.cpu = cpu;
	return r;
}

static void expect_loc(struct cj *c, struct tj_record r, int64_t pid, int64_t tid, int kind,
		       int32_t ref)
{
	struct loc l;
	cj_locate(c, &r, &l);
	assert_int_equal(l.pid, pid);
	assert_int_equal(l.tid, tid);
	assert_int_equal(l.kind, kind);
	assert_int_equal(l.ref, ref);
}

static void test_locate(void **state)
{
	struct fixture *f = *state;
	struct cj *c = &f->c;
	struct tj_record n;

	expect_loc(c, rec(TJ_TRACK_THREAD, 2150, 2151, 1), 2150, 2151, TK_THREAD, 2151);
	expect_loc(c, rec(TJ_TRACK_THREAD_STATE, 2150, 2151, 1), 2150, 1000002151, TK_STATE, 2151);
	expect_loc(c, rec(TJ_TRACK_THREAD, 0, 0, 3), 0, 1900000003, TK_IDLE, 3);
	expect_loc(c, rec(TJ_TRACK_THREAD_STATE, 0, 0, 3), 0, 1950000003, TK_IDLE_STATE, 3);
	expect_loc(c, rec(TJ_TRACK_CPU, -1, 2150, 7), 2000000000, 2000000007, TK_CPU, 7);
	expect_loc(c, rec(TJ_TRACK_GLOBAL, 5, 5, 0), 2100000000, 2100000000, TK_GLOBAL, -1);
	/* unplaceable: no tid, a CPU out of range, an unknown track */
	expect_loc(c, rec(TJ_TRACK_THREAD, 1, -1, 0), 2100000000, 2100000000, TK_GLOBAL, -1);
	expect_loc(c, rec(TJ_TRACK_CPU, -1, -1, MAX_CPU), 2100000000, 2100000000, TK_GLOBAL, -1);
	expect_loc(c, rec(99, 1, 1, 0), 2100000000, 2100000000, TK_GLOBAL, -1);
	/* tid 0 with no CPU is an ordinary thread */
	expect_loc(c, rec(TJ_TRACK_THREAD, 0, 0, -1), 0, 0, TK_THREAD, 0);
	/* pid unknown: the pid the thread was named under, else the tid */
	expect_loc(c, rec(TJ_TRACK_THREAD, -1, 77, 0), 77, 77, TK_THREAD, 77);
	n = rec(TJ_TRACK_THREAD, 70, 77, 0);
	n.kind = TJ_REC_THREAD_NAME;
	n.name = "worker";
	assert_int_equal(cj_thread_name(c, &n), TJ_OK);
	expect_loc(c, rec(TJ_TRACK_THREAD, -1, 77, 0), 70, 77, TK_THREAD, 77);
	expect_loc(c, rec(TJ_TRACK_THREAD_STATE, -1, 77, 0), 70, 1000000077, TK_STATE, 77);
	drain(f);
}

static struct track *get(struct cj *c, struct tj_record r)
{
	struct loc l;
	cj_locate(c, &r, &l);
	struct track *t = cj_track_get(c, &l);
	assert_non_null(t);
	return t;
}

static void test_overlap_ring(void **state)
{
	struct fixture *f = *state;
	struct track *t = get(&f->c, rec(TJ_TRACK_THREAD, 1, 1, 0));

	assert_false(cj_track_overlaps(t, 100, 200));
	cj_track_remember(t, 100, 200);
	/* nesting either way, equal bounds and touching ends are fine */
	assert_false(cj_track_overlaps(t, 120, 180));
	assert_false(cj_track_overlaps(t, 50, 250));
	assert_false(cj_track_overlaps(t, 100, 200));
	assert_false(cj_track_overlaps(t, 100, 150));
	assert_false(cj_track_overlaps(t, 150, 200));
	assert_false(cj_track_overlaps(t, 200, 300));
	assert_false(cj_track_overlaps(t, 0, 100));
	/* partial overlaps from either side */
	assert_true(cj_track_overlaps(t, 150, 250));
	assert_true(cj_track_overlaps(t, 50, 150));
	/* another track does not see this one's slices */
	assert_false(cj_track_overlaps(get(&f->c, rec(TJ_TRACK_THREAD_STATE, 1, 1, 0)), 150, 250));
	/* RING later slices push it out */
	for (int i = 0; i < RING - 1; i++)
		cj_track_remember(t, 1000 + 10 * i, 1005 + 10 * i);
	assert_true(cj_track_overlaps(t, 150, 250));
	cj_track_remember(t, 5000, 5001);
	assert_false(cj_track_overlaps(t, 150, 250));
	assert_false(cj_track_overlaps(t, 4999, 5002));
	assert_false(cj_track_overlaps(t, 5000, 5002));
	assert_true(cj_track_overlaps(t, 1001, 1010)); /* [1000, 1005] is still there */
	drain(f);
}

static void test_track_names(void **state)
{
	struct fixture *f = *state;
	struct cj *c = &f->c;
	struct tj_record n = rec(TJ_TRACK_THREAD, 2150, 2150, 0);
	const char *o;

	/* a real thread track writes nothing by itself */
	get(c, rec(TJ_TRACK_THREAD, 2150, 2150, 0));
	assert_string_equal(drain(f), "");
	/* its state track: named once, sorted right under the thread */
	get(c, rec(TJ_TRACK_THREAD_STATE, 2150, 2150, 0));
	o = drain(f);
	assert_non_null(strstr(o, "\"pid\":2150,\"tid\":1000002150,\"name\":\"thread_name\","
				  "\"args\":{\"name\":\"tid 2150 state\"}}"));
	assert_non_null(strstr(o, "\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":4301}}"));
	get(c, rec(TJ_TRACK_THREAD_STATE, 2150, 2150, 0));
	assert_string_equal(drain(f), "");
	/* naming the thread renames its state track too */
	n.kind = TJ_REC_THREAD_NAME;
	n.name = "ncat";
	assert_int_equal(cj_thread_name(c, &n), TJ_OK);
	o = drain(f);
	assert_non_null(strstr(o, "\"tid\":2150,\"name\":\"thread_name\",\"args\":{\"name\":\"ncat\"}}"));
	assert_non_null(strstr(o, "\"sort_index\":4300}"));
	assert_non_null(strstr(o, "\"args\":{\"name\":\"ncat 2150 state\"}}"));
	/* the same name again writes nothing; a new one is written (the thread
	 * is sorted already; its state track follows the rename) */
	assert_int_equal(cj_thread_name(c, &n), TJ_OK);
	assert_string_equal(drain(f), "");
	n.name = "ncat2";
	assert_int_equal(cj_thread_name(c, &n), TJ_OK);
	o = drain(f);
	assert_non_null(strstr(o, "{\"name\":\"ncat2\"}"));
	assert_null(strstr(o, "\"tid\":2150,\"name\":\"thread_sort_index\""));
	assert_non_null(strstr(o, "{\"name\":\"ncat2 2150 state\"}"));
	/* the tid in another process: a new track, named again */
	get(c, rec(TJ_TRACK_THREAD_STATE, 3000, 2150, 0));
	assert_non_null(strstr(drain(f), "\"pid\":3000,\"tid\":1000002150"));
	/* processes: once per name */
	n = rec(TJ_TRACK_THREAD, 2150, 2150, 0);
	n.kind = TJ_REC_PROCESS_NAME;
	n.name = "ncat";
	assert_int_equal(cj_process_name(c, &n), TJ_OK);
	assert_non_null(strstr(drain(f), "\"pid\":2150,\"tid\":2150,\"name\":\"process_name\""));
	assert_int_equal(cj_process_name(c, &n), TJ_OK);
	assert_string_equal(drain(f), "");
	/* CPU and global tracks bring their pseudo-process once */
	get(c, rec(TJ_TRACK_CPU, -1, -1, 0));
	get(c, rec(TJ_TRACK_CPU, -1, -1, 1));
	get(c, rec(TJ_TRACK_GLOBAL, -1, -1, -1));
	o = drain(f);
	assert_non_null(strstr(o, "{\"name\":\"CPUs\"}"));
	assert_null(strstr(strstr(o, "\"CPUs\"") + 1, "\"CPUs\""));
	assert_non_null(strstr(o, "{\"name\":\"CPU 1\"}"));
	assert_non_null(strstr(o, "\"sort_index\":-2}"));
	assert_non_null(strstr(o, "{\"name\":\"Trace\"}"));
	assert_non_null(strstr(o, "{\"name\":\"global\"}"));
	get(c, rec(TJ_TRACK_THREAD_STATE, 0, 0, 2));
	assert_non_null(strstr(drain(f), "{\"name\":\"swapper/2 state\"}"));
}

static void test_flows(void **state)
{
	struct fixture *f = *state;
	struct cj *c = &f->c;
	enum { N = 3000 };
	static uint8_t ref[N];

	assert_false(cj_flow_is_open(c, 0));
	cj_flow_end(c, 0); /* unknown: nothing happens */
	/* ids that a reserved key would have merged stay apart */
	assert_int_equal(cj_flow_begin(c, 0), TJ_OK);
	assert_false(cj_flow_is_open(c, UINT64_C(1) << 63));
	assert_int_equal(cj_flow_begin(c, UINT64_C(1) << 63), TJ_OK);
	cj_flow_end(c, 0);
	assert_true(cj_flow_is_open(c, UINT64_C(1) << 63));
	assert_false(cj_flow_is_open(c, 0));
	cj_flow_end(c, UINT64_C(1) << 63);
	/* many journeys begun and ended at random (tombstones, regrowth) */
	srand(11);
	for (int step = 0; step < 100000; step++) {
		int k = rand() % N;
		uint64_t id = (uint64_t)k * 4096 + 0xffff000000000000u;
		if (rand() % 2) {
			assert_int_equal(cj_flow_begin(c, id), TJ_OK);
			ref[k] = 1;
		} else {
			cj_flow_end(c, id);
			ref[k] = 0;
		}
		if (step % 4999 == 0) {
			size_t open = 0;
			for (int i = 0; i < N; i++) {
				uint64_t j = (uint64_t)i * 4096 + 0xffff000000000000u;
				assert_int_equal(cj_flow_is_open(c, j), ref[i]);
				open += ref[i];
			}
			assert_int_equal(tj_map_count(&c->flows), open);
		}
	}
	assert_string_equal(drain(f), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_locate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
