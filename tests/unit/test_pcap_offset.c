/*
 * Unit tests for plugins/packets/pcap_offset.c, the --pcap clock offset
 * estimate: the median after outlier rejection and its spread on
 * hand-checked samples, the reservoir past the sample cap, and the
 * alignment by lengths of captures against a trace without headers.
 * Plugins are not part of the core library, so the file is compiled into
 * this test directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../plugins/packets/pcap_offset.c"

/* 98..102 around 100 and one pair 100 µs off (a wrong match): the outlier
 * goes, the median of the rest is 100, MAD 1 -> spread round(1.4826) = 1. */
static void median_rejects_outliers(void **state)
{
	(void)state;
	struct offset_est e = {0};
	int64_t v[] = {100, 102, 98, 100100, 101, 99}, off, spread;
	uint32_t kept;
	for (size_t i = 0; i < 6; i++)
		offset_add(&e, v[i]);
	assert_int_equal(offset_robust(&e, &off, &spread, &kept), 1);
	assert_int_equal(off, 100);
	assert_int_equal(spread, 1);
	assert_int_equal(kept, 5);
	offset_release(&e);
}

/* Within the 20 µs floor nothing is rejected, even far from the MAD. */
static void floor_keeps_close_pairs(void **state)
{
	(void)state;
	struct offset_est e = {0};
	int64_t off, spread;
	uint32_t kept;
	for (int i = 0; i < 9; i++)
		offset_add(&e, -79796507913 + (i == 8 ? 15000 : 0));
	assert_int_equal(offset_robust(&e, &off, &spread, &kept), 1);
	assert_int_equal(off, -79796507913);
	assert_int_equal(spread, 0);
	assert_int_equal(kept, 9);
	offset_release(&e);
}

static void empty_has_no_offset(void **state)
{
	(void)state;
	struct offset_est e = {0};
	int64_t off = 7, spread = 7;
	uint32_t kept = 7;
	assert_int_equal(offset_robust(&e, &off, &spread, &kept), 0);
	assert_int_equal(off, 7);
}

/* Past 2^20 samples memory stays put and the estimate is unchanged. */
static void reservoir_is_bounded(void **state)
{
	(void)state;
	struct offset_est e = {0};
	int64_t off, spread;
	uint32_t kept;
	for (uint32_t i = 0; i < (3u << 20); i++)
		offset_add(&e, 500 + (int64_t)(i % 3)); /* 500, 501, 502 */
	assert_int_equal(e.n, 1u << 20);
	assert_int_equal(e.seen, 3u << 20);
	assert_int_equal(offset_robust(&e, &off, &spread, &kept), 1);
	assert_int_equal(off, 501);
	offset_release(&e);
}

/* Three packets queued with 74-byte skbs (Ethernet header included),
 * captured 777 ns later as 60-byte IP packets, among a captured 40-byte
 * packet that matches nothing: the offset is 777. */
static void align_by_lengths(void **state)
{
	(void)state;
	struct align_k k[] = {{1000, 0, 74, 0}, {2000, 0, 74, 0}, {5000, 0, 74, 0}};
	struct align_c c[] = {{1777, 60}, {2500, 40}, {2777, 60}, {5777, 60}};
	int64_t off = 0;
	assert_int_equal(offset_align(k, 3, c, 4, 500, &off), 1);
	assert_int_equal(off, 777);
	/* nothing of the right length: no alignment */
	struct align_c none[] = {{1777, 52}, {2777, 52}};
	assert_int_equal(offset_align(k, 3, none, 2, 500, &off), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_rejects_outliers), cmocka_unit_test(floor_keeps_close_pairs),
		cmocka_unit_test(empty_has_no_offset), cmocka_unit_test(reservoir_is_bounded),
		cmocka_unit_test(align_by_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
