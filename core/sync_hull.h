/*
 * The convex-hull fit of two hosts' clocks from matched packets, after
 * Trace Compass's SyncAlgorithmFullyIncremental (its ConvexHull class):
 * each match is a point (time on the reference host, time on the other);
 * packets sent by the reference lie on one side of the true clock line,
 * packets it received on the other; the hull keeps the points that bound
 * the line and the fit is the bisector of the steepest and the flattest
 * line that separate the two sides.  Memory is the hull only.
 */
#ifndef TJ_CORE_SYNC_HULL_H
#define TJ_CORE_SYNC_HULL_H

#include <stddef.h>
#include <stdint.h>

#include "sync.h"

enum tj_hull_quality {
	TJ_HULL_ABSENT,      /* no match yet */
	TJ_HULL_INCOMPLETE,  /* packets went one way only */
	TJ_HULL_APPROXIMATE, /* one side has a single bounding point */
	TJ_HULL_ACCURATE,
	TJ_HULL_FAIL,        /* the sides crossed: the last good fit is kept */
};

struct tj_hull_point {
	int64_t x, y;   /* relative to the hull's origin */
	uint64_t serial;
};

struct tj_hull_side {
	struct tj_hull_point *v;
	size_t n, cap;
};

struct tj_hull {
	int have_origin;
	int64_t x0, y0;          /* the first match: the origin of the points */
	struct tj_hull_side upper, lower;
	struct tj_hull_point lmax[2], lmin[2];
	int lmax_set[2], lmin_set[2];
	tj_hp alpha, beta;       /* y = alpha x + beta, relative coordinates */
	enum tj_hull_quality quality;
	uint64_t matches, accurate_matches, serial;
	uint64_t to_other, to_ref; /* matches by direction */
};

void tj_hull_init(struct tj_hull *h);
void tj_hull_release(struct tj_hull *h);
/* One matched packet: ref_ts on the reference host, other_ts on the other;
 * from_ref: the reference sent it.  TJ_OK or TJ_ENOMEM. */
int tj_hull_add(struct tj_hull *h, int64_t ref_ts, int64_t other_ts, int from_ref);
/* The other host's times onto the reference's (only when the quality is
 * approximate, accurate or fail, as Trace Compass). */
int tj_hull_usable(const struct tj_hull *h);
struct tj_clock_xform tj_hull_transform(const struct tj_hull *h);

#endif
