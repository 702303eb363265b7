/*
 * Clock synchronization between the traces of several hosts (Trace
 * Compass's "trace synchronization"): a prescan reads only what the packet
 * events say, matches each TCP segment queued on one host with its arrival
 * on another, fits the clocks of each pair of hosts with a convex hull
 * (sync_hull.c), and gives every trace a linear transform onto the clock of
 * the reference host (the one whose trace babeltrace2 orders first).  The
 * reader then applies the transforms before it merges (reader.h), so every
 * analyzer and exporter sees the synchronized times.
 */
#ifndef TJ_CORE_SYNC_H
#define TJ_CORE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "tjconv/plugin.h"

/* The hull's slopes and the offset at the epoch need Trace Compass's
 * precision (it computes in 34-digit decimals): the epoch is 1.8e18 ns away
 * from the points, so a long double's 19 digits leave a nanosecond of
 * doubt.  Quad precision where the compiler has it (software arithmetic,
 * used only when a match tightens the hull). */
#if defined(__SIZEOF_FLOAT128__)
__extension__ typedef __float128 tj_hp;
#else
typedef long double tj_hp;
#endif

/*
 * t' = to_origin + round(to_frac + slope * (t - from_origin)): origins
 * near the trace times keep the products small, so the long double carries
 * the fractions exactly enough (far below a nanosecond).
 */
struct tj_clock_xform {
	int active;
	int64_t from_origin, to_origin;
	long double to_frac, slope; /* per event */
	tj_hp frac_hp, slope_hp;    /* the same, for composing and reporting */
};

/* Nearest integer, halves away from zero (no libm for one rounding). */
static inline int64_t tj_round_ld(long double v)
{
	return (int64_t)(v < 0 ? v - 0.5L : v + 0.5L);
}

static inline int64_t tj_clock_xform_apply(const struct tj_clock_xform *x, int64_t ts)
{
	if (!x->active || ts == TJ_TS_NONE)
		return ts;
	return x->to_origin + tj_round_ld(x->to_frac + x->slope * (long double)(ts - x->from_origin));
}

/* The identity (active = 0). */
struct tj_clock_xform tj_clock_xform_identity(void);
/* b after a: t -> b(a(t)). */
struct tj_clock_xform tj_clock_xform_compose(const struct tj_clock_xform *a,
					     const struct tj_clock_xform *b);
/* The inverse of x (x active). */
struct tj_clock_xform tj_clock_xform_invert(const struct tj_clock_xform *x);
/* x(0), rounded: the offset at the Unix epoch, as the summary line shows it. */
int64_t tj_clock_xform_offset(const struct tj_clock_xform *x);

struct tj_sync;

/*
 * --sync auto: when path holds traces of two or more hosts (by hostname)
 * whose metadata declares packet events, read those events once (its own
 * reader, jobs decoding threads), match and fit, and log what came of it
 * (the "sync: 'B' -> 'A': ..." line per synchronized trace, or why a host
 * was not synchronized; verbose: the packet counts too).  *out is NULL
 * when there is nothing to apply.
 * Returns TJ_OK or an error from reading (cause appended).
 */
int tj_sync_prepare(struct tj_sync **out, const char *path, uint32_t jobs, int verbose);
/* The transform of each trace, by trace index (discovery order). */
const struct tj_clock_xform *tj_sync_borrow_xforms(const struct tj_sync *s, size_t *ntraces);
void tj_sync_free(struct tj_sync *s);

#endif
