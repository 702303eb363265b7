/*
 * The "packets" analyzer's view of LTTng's network_header variant
 * (lttng-modules >= 2.9: IPv4/IPv6, then TCP/UDP), resolved once per event
 * class and read per event, and the labels packets get in the output.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "packets.h"
#include "tjconv/fmt.h"

static const char *const tcp_names[] = {"source_port", "dest_port", "seq", "ack_seq",
					"data_offset", "flags"};

void hdr_resolve(const struct tj_host *h, const struct tj_event_class *cls, struct hdr_fields *f)
{
	char path[128];
	memset(f, 0xff, sizeof(*f)); /* every handle -1 */
	f->v4_saddr = h->field_lookup(cls, "payload:network_header.ipv4.saddr");
	f->v4_daddr = h->field_lookup(cls, "payload:network_header.ipv4.daddr");
	f->v4_proto = h->field_lookup(cls, "payload:network_header.ipv4.protocol");
	f->v4_totlen = h->field_lookup(cls, "payload:network_header.ipv4.tot_len");
	f->v4_ihl = h->field_lookup(cls, "payload:network_header.ipv4.ihl");
	f->v6_saddr = h->field_lookup(cls, "payload:network_header.ipv6.saddr");
	f->v6_daddr = h->field_lookup(cls, "payload:network_header.ipv6.daddr");
	f->v6_next = h->field_lookup(cls, "payload:network_header.ipv6.nexthdr");
	f->v6_plen = h->field_lookup(cls, "payload:network_header.ipv6.payload_len");
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "payload:network_header.ipv4.transport_header.tcp.%s",
			 tcp_names[i]);
		f->t4[i] = h->field_lookup(cls, path);
		snprintf(path, sizeof(path), "payload:network_header.ipv6.transport_header.tcp.%s",
			 tcp_names[i]);
		f->t6[i] = h->field_lookup(cls, path);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "payload:network_header.ipv4.transport_header.udp.%s",
			 tcp_names[i]);
		f->u4[i] = h->field_lookup(cls, path);
		snprintf(path, sizeof(path), "payload:network_header.ipv6.transport_header.udp.%s",
			 tcp_names[i]);
		f->u6[i] = h->field_lookup(cls, path);
	}
}

static int rd(const struct tj_host *h, const struct tj_event *ev, tj_field f, uint64_t *v)
{
	return f >= 0 && h->field_uint(ev, f, v);
}

/* Address bytes: IPv4 as 4 bytes, IPv6 as 8 big-endian 16-bit words. */
static int addr(const struct tj_host *h, const struct tj_event *ev, tj_field f, int v6,
		uint8_t *out)
{
	uint64_t n = (uint64_t)h->field_len(ev, f), x;
	if (f < 0 || n != (v6 ? 8u : 4u))
		return 0;
	for (uint64_t i = 0; i < n; i++) {
		if (!h->field_elem_uint(ev, f, i, &x))
			return 0;
		if (v6) {
			out[2 * i] = (uint8_t)(x >> 8);
			out[2 * i + 1] = (uint8_t)x;
		} else {
			out[i] = (uint8_t)x;
		}
	}
	return 1;
}

int hdr_read(const struct tj_host *h, const struct tj_event *ev, const struct hdr_fields *f,
	     struct hdr *o)
{
	uint64_t v[6], proto = 0, iplen = 0, ihl = 5;
	const tj_field *t = f->t4, *u = f->u4;
	int v6 = 0;
	memset(o, 0, sizeof(*o));
	if (addr(h, ev, f->v4_saddr, 0, o->saddr) && addr(h, ev, f->v4_daddr, 0, o->daddr)) {
		o->family = 4;
		rd(h, ev, f->v4_proto, &proto);
		rd(h, ev, f->v4_totlen, &iplen);
		rd(h, ev, f->v4_ihl, &ihl);
		iplen = iplen > ihl * 4 ? iplen - ihl * 4 : 0;
	} else if (addr(h, ev, f->v6_saddr, 1, o->saddr) && addr(h, ev, f->v6_daddr, 1, o->daddr)) {
		o->family = 6;
		v6 = 1;
		t = f->t6;
		u = f->u6;
		rd(h, ev, f->v6_next, &proto);
		rd(h, ev, f->v6_plen, &iplen);
	} else {
		return 0;
	}
	(void)v6;
	if (proto == 6 && rd(h, ev, t[0], &v[0]) && rd(h, ev, t[1], &v[1])) {
		o->proto = 6;
		o->sport = (uint16_t)v[0];
		o->dport = (uint16_t)v[1];
		if (rd(h, ev, t[2], &v[2]))
			o->seq = (uint32_t)v[2];
		if (rd(h, ev, t[3], &v[3]))
			o->ack = (uint32_t)v[3];
		if (rd(h, ev, t[5], &v[5]))
			o->flags = (uint16_t)v[5];
		if (rd(h, ev, t[4], &v[4]) && iplen >= v[4] * 4)
			o->payload = (uint32_t)(iplen - v[4] * 4);
	} else if (proto == 17 && rd(h, ev, u[0], &v[0]) && rd(h, ev, u[1], &v[1])) {
		o->proto = 17;
		o->sport = (uint16_t)v[0];
		o->dport = (uint16_t)v[1];
		o->payload = iplen >= 8 ? (uint32_t)(iplen - 8) : 0;
	}
	return 1;
}

void hdr_endpoint(const struct hdr *h, int dst, char *buf, size_t cap)
{
	const uint8_t *a = dst ? h->daddr : h->saddr;
	unsigned port = dst ? h->dport : h->sport;
	if (h->family == 4) {
		struct tj_fmt o;
		tj_fmt_init(&o, buf, cap);
		for (int i = 0; i < 4; i++) {
			tj_fmt_u64(&o, a[i]);
			tj_fmt_char(&o, i < 3 ? '.' : ':');
		}
		tj_fmt_u64(&o, port);
		tj_fmt_end(&o);
		return;
	}
	/* IPv6 as Wireshark and tcpdump show it (RFC 5952, :: compressed) */
	char ip[INET6_ADDRSTRLEN];
	if (!inet_ntop(AF_INET6, a, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, cap, "[%s]:%u", ip, port);
}

void hdr_flags(uint16_t flags, char *buf, size_t cap)
{
	static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
	struct tj_fmt o;
	tj_fmt_init(&o, buf, cap);
	/* tcpdump's order: SYN FIN RST PSH then ACK */
	static const int order[] = {1, 0, 2, 3, 4, 5, 6, 7};
	for (int k = 0; k < 8; k++) {
		int i = order[k];
		if ((flags & (1u << i)) && o.len < cap) {
			if (o.len)
				tj_fmt_char(&o, ',');
			tj_fmt_str(&o, names[i]);
		}
	}
	if (!o.len)
		tj_fmt_str(&o, "-");
	tj_fmt_end(&o);
}

void journey_label(const struct journey *j, char *buf, size_t cap)
{
	char s[64], d[64], f[40];
	if (!j->h.family) {
		snprintf(buf, cap, "%s %u bytes", j->dev[0] ? j->dev : "?", (unsigned)j->len);
		return;
	}
	hdr_endpoint(&j->h, 0, s, sizeof(s));
	hdr_endpoint(&j->h, 1, d, sizeof(d));
	if (j->h.proto == 6) {
		struct tj_fmt o;
		hdr_flags(j->h.flags, f, sizeof(f));
		tj_fmt_init(&o, buf, cap);
		tj_fmt_str(&o, "TCP ");
		tj_fmt_str(&o, s);
		tj_fmt_str(&o, " → ");
		tj_fmt_str(&o, d);
		tj_fmt_str(&o, " [");
		tj_fmt_str(&o, f);
		tj_fmt_str(&o, "] len ");
		tj_fmt_u64(&o, j->h.payload);
		tj_fmt_end(&o);
	} else if (j->h.proto == 17) {
		struct tj_fmt o;
		tj_fmt_init(&o, buf, cap);
		tj_fmt_str(&o, "UDP ");
		tj_fmt_str(&o, s);
		tj_fmt_str(&o, " → ");
		tj_fmt_str(&o, d);
		tj_fmt_str(&o, " len ");
		tj_fmt_u64(&o, j->h.payload);
		tj_fmt_end(&o);
	} else {
		snprintf(buf, cap, "IPv%d %s → %s %u bytes", j->h.family, s, d, (unsigned)j->len);
	}
}

void journey_short(const struct journey *j, char *buf, size_t cap)
{
	char s[64], f[40];
	if (j->h.proto != 6 && j->h.proto != 17) {
		journey_label(j, buf, cap);
		return;
	}
	hdr_endpoint(&j->h, 0, s, sizeof(s));
	struct tj_fmt o;
	if (j->h.proto == 6 && !j->h.payload) {
		hdr_flags(j->h.flags, f, sizeof(f));
	} else {
		tj_fmt_init(&o, f, sizeof(f));
		tj_fmt_str(&o, j->h.proto == 6 ? "" : "UDP ");
		tj_fmt_u64(&o, j->h.payload);
		tj_fmt_str(&o, " bytes");
		tj_fmt_end(&o);
	}
	tj_fmt_init(&o, buf, cap);
	tj_fmt_char(&o, '#');
	tj_fmt_u64(&o, j->id);
	tj_fmt_char(&o, ' ');
	tj_fmt_str(&o, f);
	tj_fmt_char(&o, ' ');
	tj_fmt_str(&o, s);
	tj_fmt_str(&o, "→");
	tj_fmt_u64(&o, j->h.dport);
	tj_fmt_end(&o);
}

