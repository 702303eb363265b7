/*
 * Network statistics of the "stats" exporter: packets and bytes per
 * interface (net_dev_xmit sent, net_if_receive_skb received) with the
 * socket buffer's journey latencies (queue to transmit, receive to the copy
 * into user space), and per connection from the network_header variant
 * (lttng-modules >= 2.9), read with the packets analyzer's header code
 * (plugins/packets/header.c, compiled into this plugin: one definition).
 * In-flight socket buffers are capped (MAX_INFLIGHT).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/packets/packets.h"
#include "stats.h"

int net_class(struct stats *s, const struct tj_event_class *cls, struct stats_class *c)
{
	struct hdr_fields *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	hdr_resolve(s->h, cls, f);
	if (f->v4_saddr < 0 && f->v6_saddr < 0) {
		free(f);
		return 0;
	}
	c->hdr = f;
	return 0;
}

static struct netif_stat *netif_get(struct stats *s, const char *name)
{
	if (!name || !*name)
		name = "?";
	for (uint32_t i = 0; i < s->nnetifs; i++)
		if (strcmp(s->netifs[i].name, name) == 0)
			return &s->netifs[i];
	if (s->nnetifs >= 256)
		return NULL;
	struct netif_stat *v = realloc(s->netifs, (s->nnetifs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->netifs = v;
	memset(&v[s->nnetifs], 0, sizeof(v[0]));
	snprintf(v[s->nnetifs].name, sizeof(v[0].name), "%s", name);
	return &v[s->nnetifs++];
}

/* Both directions of a connection share one row: the endpoints ordered.
 * Found by hashing the raw addresses (no formatting per packet). */
static struct conn_stat *conn_get(struct stats *s, const struct hdr *hd)
{
	const uint8_t *a = hd->saddr, *b = hd->daddr;
	uint16_t pa = hd->sport, pb = hd->dport;
	int c = memcmp(a, b, 16);
	if (c > 0 || (c == 0 && pa > pb)) {
		a = hd->daddr;
		b = hd->saddr;
		pa = hd->dport;
		pb = hd->sport;
	}
	uint64_t key = UINT64_C(0xcbf29ce484222325);
	for (int i = 0; i < 16; i++)
		key = (key ^ a[i]) * UINT64_C(0x100000001b3);
	for (int i = 0; i < 16; i++)
		key = (key ^ b[i]) * UINT64_C(0x100000001b3);
	key = (key ^ ((uint64_t)pa << 24 | (uint64_t)pb << 8 | hd->proto)) * UINT64_C(0x100000001b3);
	struct conn_stat *cs;
	while ((cs = tj_map_get(&s->conns, (int64_t)key))) {
		if (cs->pa == pa && cs->pb == pb && cs->proto_nr == hd->proto &&
		    cs->family == hd->family && !memcmp(cs->a, a, 16) && !memcmp(cs->b, b, 16))
			return cs;
		key++; /* probe past a hash collision */
	}
	if (s->conns.n >= MAX_TARGETS)
		return NULL;
	if (!(cs = calloc(1, sizeof(*cs))))
		return NULL;
	memcpy(cs->a, a, 16);
	memcpy(cs->b, b, 16);
	cs->pa = pa;
	cs->pb = pb;
	cs->family = hd->family;
	cs->proto_nr = hd->proto;
	cs->proto = hd->proto == 6 ? "tcp" : hd->proto == 17 ? "udp" : "ip";
	if (tj_map_put(&s->conns, (int64_t)key, cs)) {
		free(cs);
		return NULL;
	}
	return cs;
}

/* "10.0.0.1:80 <-> 10.0.0.2:5555", with the packets analyzer's endpoint format. */
static void conn_name(const struct conn_stat *c, char *buf, size_t cap)
{
	struct hdr h = {.family = c->family, .sport = c->pa, .dport = c->pb};
	char x[64], y[64];
	memcpy(h.saddr, c->a, 16);
	memcpy(h.daddr, c->b, 16);
	hdr_endpoint(&h, 0, x, sizeof(x));
	hdr_endpoint(&h, 1, y, sizeof(y));
	snprintf(buf, cap, "%s <-> %s", x, y);
}

static struct inflight *inflight_put(struct stats *s, uint64_t skb)
{
	struct inflight *f = tj_map_get(&s->inflight, (int64_t)skb);
	if (f)
		return f;
	if (s->inflight.n >= MAX_INFLIGHT) {
		s->inflight_dropped++;
		return NULL;
	}
	if (!(f = calloc(1, sizeof(*f))))
		return NULL;
	if (tj_map_put(&s->inflight, (int64_t)skb, f)) {
		free(f);
		return NULL;
	}
	return f;
}

int net_event(struct stats *s, const struct tj_event *ev, const struct stats_class *c)
{
	const struct tj_host *h = s->h;
	uint64_t skb = 0;
	int64_t len = 0, rc = 0;
	int has_skb = c->f_skb >= 0 && h->field_uint(ev, c->f_skb, &skb);
	if (c->f_len >= 0)
		h->field_int(ev, c->f_len, &len);
	const char *name = c->f_name >= 0 ? h->field_str(ev, c->f_name) : NULL;
	struct inflight *f = has_skb ? tj_map_get(&s->inflight, (int64_t)skb) : NULL;
	struct hdr hd;
	struct conn_stat *conn = NULL;

	if (c->hdr && hdr_read(h, ev, c->hdr, &hd) && hd.family)
		conn = conn_get(s, &hd);
	switch (c->kind) {
	case K_NET_QUEUE:
		if (conn) {
			conn->txp++;
			conn->txb += len > 0 ? (uint64_t)len : 0;
		}
		if (has_skb && (f = inflight_put(s, skb))) {
			f->ts = ev->ts;
			f->rx = 0;
			f->conn = conn;
			f->conn_queue_ts = conn ? ev->ts : TJ_TS_NONE;
			f->nif = NULL;
		}
		break;
	case K_NET_XMIT: {
		struct netif_stat *n = netif_get(s, name);
		if (c->f_rc >= 0 && h->field_int(ev, c->f_rc, &rc) && rc != 0)
			break; /* not sent: the driver refused it (NETDEV_TX_BUSY) */
		if (!n)
			break;
		n->txp++;
		n->txb += len > 0 ? (uint64_t)len : 0;
		if (f && !f->rx && f->ts != TJ_TS_NONE) {
			acc_add(&n->txlat, ev->ts - f->ts);
			f->ts = TJ_TS_NONE;
		}
		break;
	}
	case K_NET_RECEIVE: {
		struct netif_stat *n = netif_get(s, name);
		if (n) {
			n->rxp++;
			n->rxb += len > 0 ? (uint64_t)len : 0;
		}
		if (conn) {
			conn->rxp++;
			conn->rxb += len > 0 ? (uint64_t)len : 0;
			if (f && f->conn == conn && f->conn_queue_ts != TJ_TS_NONE)
				acc_add(&conn->lat, ev->ts - f->conn_queue_ts);
		}
		if (has_skb && (f = inflight_put(s, skb))) {
			f->ts = ev->ts;
			f->rx = 1;
			f->nif = n;
			f->conn = NULL;
			f->conn_queue_ts = TJ_TS_NONE;
		}
		break;
	}
	case K_SKB_COPY:
		if (f && f->rx && f->nif)
			acc_add(&f->nif->rxlat, ev->ts - f->ts);
		if (f)
			free(tj_map_del(&s->inflight, (int64_t)skb));
		break;
	default:
		break;
	}
	return TJ_OK;
}

static void lat_cells(struct table *t, const struct acc *a)
{
	if (!a->count) {
		cell_empty(t);
		cell_empty(t);
		return;
	}
	cell_durf(t, acc_avg(a));
	cell_dur(t, a->max);
}

static int by_packets(const void *a, const void *b)
{
	const struct conn_stat *x = *(const struct conn_stat *const *)a;
	const struct conn_stat *y = *(const struct conn_stat *const *)b;
	uint64_t px = x->txp + x->rxp, py = y->txp + y->rxp;
	if (px != py)
		return px < py ? 1 : -1;
	int c = memcmp(x->a, y->a, 16);
	return c ? c : x->pa != y->pa ? (x->pa < y->pa ? -1 : 1) : (x->pb > y->pb) - (x->pb < y->pb);
}

int net_tables(struct stats *s, struct table **out, uint32_t *n, uint32_t cap)
{
	int64_t b, e;
	stats_window(s, &b, &e);
	struct table *t = table_new(table_class_named("net-per-netif"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	for (uint32_t i = 0; i < s->nnetifs; i++) {
		const struct netif_stat *nf = &s->netifs[i];
		if (table_row(t))
			return -1;
		cell_str(t, C_NETIF, nf->name);
		cell_int(t, (int64_t)nf->txp);
		cell_size(t, (int64_t)nf->txb);
		cell_int(t, (int64_t)nf->rxp);
		cell_size(t, (int64_t)nf->rxb);
		lat_cells(t, &nf->txlat);
		lat_cells(t, &nf->rxlat);
	}
	t = table_new(table_class_named("net-per-connection"), b, e);
	if (table_push(out, n, cap, t))
		return -1;
	size_t nc = s->conns.n, k = 0;
	struct conn_stat **v = calloc(nc ? nc : 1, sizeof(*v));
	void *p;
	if (!v)
		return -1;
	for (size_t it = 0; (p = tj_map_next(&s->conns, &it, NULL)) && k < nc;)
		v[k++] = p;
	qsort(v, k, sizeof(*v), by_packets);
	for (size_t i = 0; i < k; i++) {
		if (table_row(t)) {
			free(v);
			return -1;
		}
		char name[160];
		conn_name(v[i], name, sizeof(name));
		cell_str(t, C_STR, name);
		cell_str(t, C_STR, v[i]->proto);
		cell_int(t, (int64_t)v[i]->txp);
		cell_size(t, (int64_t)v[i]->txb);
		cell_int(t, (int64_t)v[i]->rxp);
		cell_size(t, (int64_t)v[i]->rxb);
		lat_cells(t, &v[i]->lat);
	}
	free(v);
	return 0;
}

void net_release(struct stats *s)
{
	void *v;
	free(s->netifs);
	for (size_t it = 0; (v = tj_map_next(&s->conns, &it, NULL));) {
		free(v);
	}
	tj_map_release(&s->conns);
	for (size_t it = 0; (v = tj_map_next(&s->inflight, &it, NULL));)
		free(v);
	tj_map_release(&s->inflight);
}
