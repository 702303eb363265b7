/*
 * Unit tests for core/sync_hull.c, the convex-hull clock fit (Trace
 * Compass's SyncAlgorithmFullyIncremental): the algebra of clock
 * transforms (compose, invert, the epoch offset); matches whose latency is
 * the same both ways, at the same instants, give the true line; matches one way only
 * never make a usable fit; a point on the wrong side (a clock jump) makes
 * the fit fail and keeps the last good one.  Points are computed from a
 * known clock relation, t_other = t_ref * (1 + d) + off, so the expected
 * values are known by construction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sync_hull.h"

#define T0 1795607078000000000ll

/* Other host's clock at reference time t: 2 ppm fast and 3.5 s ahead. */
static int64_t other_at(int64_t t)
{
	return t + 3500000123ll + (t - T0) / 500000;
}

static void test_xform_algebra(void **state)
{
	(void)state;
	struct tj_clock_xform id = tj_clock_xform_identity();
	assert_int_equal(tj_clock_xform_apply(&id, T0), T0);
	assert_int_equal(tj_clock_xform_apply(&id, TJ_TS_NONE), TJ_TS_NONE);
	/* x(t) = T0 + 7 + 2 (t - T0): its inverse and composition */
	struct tj_clock_xform x = {.active = 1, .from_origin = T0, .to_origin = T0, .to_frac = 7,
				   .slope = 2, .frac_hp = 7, .slope_hp = 2};
	struct tj_clock_xform inv = tj_clock_xform_invert(&x);
	assert_int_equal(tj_clock_xform_apply(&x, T0 + 100), T0 + 207);
	assert_int_equal(tj_clock_xform_apply(&inv, T0 + 207), T0 + 100);
	struct tj_clock_xform both = tj_clock_xform_compose(&x, &inv);
	assert_int_equal(tj_clock_xform_apply(&both, T0 + 123456), T0 + 123456);
	struct tj_clock_xform twice = tj_clock_xform_compose(&x, &x);
	assert_int_equal(tj_clock_xform_apply(&twice, T0 + 10), T0 + 7 + 2 * (7 + 20));
	/* x(0) = T0 + 7 - 2 T0 = 7 - T0 */
	assert_int_equal(tj_clock_xform_offset(&x), 7 - T0);
}

static void test_symmetric_latency_is_exact(void **state)
{
	(void)state;
	struct tj_hull h;
	tj_hull_init(&h);
	for (int64_t k = 0; k < 100; k++) {
		/* every 10 ms one packet leaves the reference and one arrives
		 * there, 40 us each way: the steepest and the flattest separating
		 * lines are then symmetric about the true one */
		int64_t t = T0 + k * 10000000;
		assert_int_equal(tj_hull_add(&h, t, other_at(t + 40000), 1), TJ_OK);
		assert_int_equal(tj_hull_add(&h, t, other_at(t - 40000), 0), TJ_OK);
	}
	assert_int_equal(h.matches, 200);
	assert_true(tj_hull_usable(&h));
	assert_int_equal(h.quality, TJ_HULL_ACCURATE);
	struct tj_clock_xform x = tj_hull_transform(&h);
	/* back onto the reference clock within a few ns over the whole second */
	for (int64_t t = T0; t < T0 + 1000000000; t += 99999999) {
		int64_t back = tj_clock_xform_apply(&x, other_at(t));
		assert_true(back - t < 5 && t - back < 5);
	}
	long double slope = (long double)x.slope_hp;
	assert_true(slope > 1.0L / (1 + 2e-6L) - 1e-9L && slope < 1.0L / (1 + 2e-6L) + 1e-9L);
	tj_hull_release(&h);
}

static void test_one_way_is_not_usable(void **state)
{
	(void)state;
	struct tj_hull h;
	tj_hull_init(&h);
	for (int64_t k = 0; k < 20; k++) {
		int64_t t = T0 + k * 1000000;
		assert_int_equal(tj_hull_add(&h, t, other_at(t + 30000 + k * 7), 1), TJ_OK);
	}
	assert_false(tj_hull_usable(&h));
	assert_int_equal(h.to_other, 20);
	assert_int_equal(h.to_ref, 0);
	tj_hull_release(&h);
}

static void test_contradiction_keeps_last_fit(void **state)
{
	(void)state;
	struct tj_hull h;
	tj_hull_init(&h);
	for (int64_t k = 0; k < 10; k++) {
		int64_t t = T0 + k * 10000000;
		assert_int_equal(tj_hull_add(&h, t, other_at(t + 40000), 1), TJ_OK);
		assert_int_equal(tj_hull_add(&h, t + 5040000, other_at(t + 5000000), 0), TJ_OK);
	}
	assert_int_equal(h.quality, TJ_HULL_ACCURATE);
	struct tj_clock_xform good = tj_hull_transform(&h);
	/* the other clock jumps back 1 ms: its next packet arrives "before" it left */
	int64_t t = T0 + 100000000;
	assert_int_equal(tj_hull_add(&h, t, other_at(t + 40000) - 1000000, 1), TJ_OK);
	assert_int_equal(tj_hull_add(&h, t + 5040000, other_at(t + 5000000) - 1000000, 0), TJ_OK);
	assert_int_equal(h.quality, TJ_HULL_FAIL);
	assert_true(tj_hull_usable(&h));
	struct tj_clock_xform kept = tj_hull_transform(&h);
	assert_int_equal(tj_clock_xform_apply(&kept, other_at(T0)), tj_clock_xform_apply(&good, other_at(T0)));
	tj_hull_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xform_algebra),
		cmocka_unit_test(test_symmetric_latency_is_exact),
		cmocka_unit_test(test_one_way_is_not_usable),
		cmocka_unit_test(test_contradiction_keeps_last_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
