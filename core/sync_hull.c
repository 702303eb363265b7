/*
 * Convex-hull clock fit between two hosts (see sync_hull.h): a port of
 * Trace Compass's SyncAlgorithmFullyIncremental.ConvexHull, step for step
 * (processMatch, removeUselessPoints, adjustBound, approximateSync), with
 * 128-bit cross products (Java's long can overflow there) and points kept
 * relative to the first match; slopes in quad precision (sync.h).  Also the small algebra of linear clock transforms (sync.h).
 */
#include <stdlib.h>
#include <string.h>

#include "sync_hull.h"

__extension__ typedef __int128 tj_i128;

struct tj_clock_xform tj_clock_xform_identity(void)
{
	return (struct tj_clock_xform){.active = 0, .slope = 1.0L, .slope_hp = 1};
}

static struct tj_clock_xform xform_make(int64_t from, int64_t to, tj_hp frac, tj_hp slope)
{
	return (struct tj_clock_xform){.active = 1, .from_origin = from, .to_origin = to,
				       .to_frac = (long double)frac, .slope = (long double)slope,
				       .frac_hp = frac, .slope_hp = slope};
}

struct tj_clock_xform tj_clock_xform_compose(const struct tj_clock_xform *a,
					     const struct tj_clock_xform *b)
{
	if (!a->active)
		return *b;
	if (!b->active)
		return *a;
	/* b(a(t)) = B.to + B.frac + sb (A.to - B.from + A.frac + sa (t - A.from)) */
	return xform_make(a->from_origin, b->to_origin,
			  b->frac_hp + b->slope_hp * ((tj_hp)(a->to_origin - b->from_origin) + a->frac_hp),
			  a->slope_hp * b->slope_hp);
}

struct tj_clock_xform tj_clock_xform_invert(const struct tj_clock_xform *x)
{
	if (!x->active)
		return *x;
	/* t = from + (t' - to - frac) / slope */
	return xform_make(x->to_origin, x->from_origin, -x->frac_hp / x->slope_hp, 1 / x->slope_hp);
}

int64_t tj_clock_xform_offset(const struct tj_clock_xform *x)
{
	if (!x->active)
		return 0;
	tj_hp v = (tj_hp)x->to_origin + x->frac_hp - x->slope_hp * (tj_hp)x->from_origin;
	return (int64_t)(v < 0 ? v - (tj_hp)0.5 : v + (tj_hp)0.5);
}

void tj_hull_init(struct tj_hull *h)
{
	memset(h, 0, sizeof(*h));
	h->alpha = 1;
	h->quality = TJ_HULL_ABSENT;
}

void tj_hull_release(struct tj_hull *h)
{
	free(h->upper.v);
	free(h->lower.v);
	memset(h, 0, sizeof(*h));
}

/* (pa - p) x (pb - p): < 0 clockwise, > 0 counter-clockwise. */
static int cross_sign(const struct tj_hull_point *p, const struct tj_hull_point *pa,
		      const struct tj_hull_point *pb)
{
	tj_i128 cp = (tj_i128)(pa->x - p->x) * (pb->y - p->y) - (tj_i128)(pa->y - p->y) * (pb->x - p->x);
	return cp > 0 ? 1 : cp < 0 ? -1 : 0;
}

/* Slope from p0 to p1 (1 when p0 is missing or vertical, as Trace Compass). */
static tj_hp slope_of(const struct tj_hull_point *p1, const struct tj_hull_point *p0, int have0)
{
	if (!have0 || p1->x == p0->x)
		return 1;
	return (tj_hp)(p1->y - p0->y) / (tj_hp)(p1->x - p0->x);
}

static int side_index(const struct tj_hull_side *s, const struct tj_hull_point *p, int have)
{
	for (size_t i = 0; have && i < s->n; i++)
		if (s->v[i].serial == p->serial)
			return (int)i;
	return -1;
}

static int side_push(struct tj_hull_side *s, const struct tj_hull_point *p)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct tj_hull_point *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *p;
	return TJ_OK;
}

/* The new point p bounds the hull: drop the points it makes useless. */
static int remove_useless(const struct tj_hull_point *p, struct tj_hull_side *s, int inv)
{
	while (s->n >= 2 && cross_sign(p, &s->v[s->n - 2], &s->v[s->n - 1]) * inv > 0)
		s->n--;
	return side_push(s, p);
}

/* Move the line's first point along the other side while that makes the
 * line tighter (adjustBound). */
static void adjust_bound(struct tj_hull_point line[2], int set[2], const struct tj_hull_side *other,
			 int inv)
{
	const struct tj_hull_point *min = NULL;
	int done = 0;
	int i = side_index(other, &line[0], set[0]);
	if (i < 0)
		i = 0;
	while ((size_t)i + 1 < other->n && !done) {
		const struct tj_hull_point *next = &other->v[i + 1];
		min = &other->v[i];
		if (cross_sign(min, next, &line[1]) * inv > 0) {
			if (next->x < line[1].x) {
				i++;
			} else {
				set[0] = 0;
				done = 1;
			}
		} else {
			line[0] = *min;
			set[0] = 1;
			done = 1;
		}
	}
	if (!set[0] && min) {
		line[0] = *min;
		set[0] = 1;
	}
	if (set[0] && line[0].x > line[1].x)
		set[0] = 0;
}

static void approximate(struct tj_hull *h)
{
	if (h->lmax_set[0] || h->lmin_set[0]) {
		if (h->quality == TJ_HULL_FAIL)
			return; /* keep the last good fit */
		if (!h->lmax_set[1] || !h->lmin_set[1]) {
			h->quality = TJ_HULL_INCOMPLETE;
			return;
		}
		tj_hp amax = slope_of(&h->lmax[1], &h->lmax[0], h->lmax_set[0]);
		tj_hp amin = slope_of(&h->lmin[1], &h->lmin[0], h->lmin_set[0]);
		enum tj_hull_quality q;
		if (!h->lmax_set[0] || !h->lmin_set[0])
			q = TJ_HULL_APPROXIMATE;
		else if (amax > amin)
			q = TJ_HULL_ACCURATE;
		else
			q = TJ_HULL_FAIL;
		if (q != TJ_HULL_FAIL) {
			tj_hp bmin = (tj_hp)h->lmax[1].y - amax * (tj_hp)h->lmax[1].x;
			tj_hp bmax = (tj_hp)h->lmin[1].y - amin * (tj_hp)h->lmin[1].x;
			h->alpha = (amax + amin) / 2;
			h->beta = (bmin + bmax) / 2;
		}
		h->quality = q;
	} else if ((!h->lmax_set[0] && !h->lmin_set[1]) || (!h->lmax_set[1] && !h->lmin_set[0])) {
		h->quality = TJ_HULL_INCOMPLETE;
	}
}

int tj_hull_add(struct tj_hull *h, int64_t ref_ts, int64_t other_ts, int from_ref)
{
	if (!h->have_origin) {
		h->have_origin = 1;
		h->x0 = ref_ts;
		h->y0 = other_ts;
	}
	struct tj_hull_point p = {.x = ref_ts - h->x0, .y = other_ts - h->y0, .serial = ++h->serial};
	struct tj_hull_side *bound, *other_bound;
	struct tj_hull_point *line, *other_line;
	int *lset, *oset, inv, qualify = 0;

	h->matches++;
	if (!from_ref) {
		/* sent by the other host, received by the reference: upper hull */
		bound = &h->upper;
		other_bound = &h->lower;
		line = h->lmin;
		lset = h->lmin_set;
		other_line = h->lmax;
		oset = h->lmax_set;
		inv = 1;
		h->to_ref++;
	} else {
		bound = &h->lower;
		other_bound = &h->upper;
		line = h->lmax;
		lset = h->lmax_set;
		other_line = h->lmin;
		oset = h->lmin_set;
		inv = -1;
		h->to_other++;
	}
	if (!lset[0] || !lset[1] || cross_sign(&p, &line[0], &line[1]) * inv > 0) {
		h->accurate_matches++;
		qualify = 1;
		if (remove_useless(&p, bound, inv))
			return TJ_ENOMEM;
		line[1] = p;
		lset[1] = 1;
	}
	adjust_bound(line, lset, other_bound, inv);
	if (oset[1] && side_index(bound, &other_line[0], oset[0]) < 0)
		adjust_bound(other_line, oset, bound, -inv);
	if (qualify)
		approximate(h);
	return TJ_OK;
}

int tj_hull_usable(const struct tj_hull *h)
{
	return h->quality == TJ_HULL_ACCURATE || h->quality == TJ_HULL_APPROXIMATE ||
	       h->quality == TJ_HULL_FAIL;
}

struct tj_clock_xform tj_hull_transform(const struct tj_hull *h)
{
	/* y = alpha x + beta (relative) -> x = (y - beta) / alpha */
	return xform_make(h->y0, h->x0, -h->beta / h->alpha, 1 / h->alpha);
}
