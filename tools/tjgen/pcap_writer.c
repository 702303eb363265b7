/*
 * The capture tjgen writes beside its ncat trace (--pcap FILE): what
 * tcpdump -i lo would have seen, one Ethernet frame per loopback segment at
 * the time of its net_if_receive_skb (where libpcap's loopback tap sees it)
 * plus --pcap-offset nanoseconds, as if the capturing clock ran that far
 * ahead of the trace's.  Written with libpcap's own dumper (nanosecond
 * pcap), so every reader of pcap files reads it.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "pcap_writer.h"
#include "tjgen.h"

struct tjg_pcap {
	pcap_t *dead;
	pcap_dumper_t *out;
	int64_t offset;
	uint64_t n;
	char *path;
};

struct tjg_pcap *tjg_pcap_open(const char *path, int64_t offset_ns)
{
	struct tjg_pcap *c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		tjg_error_append("out of memory");
		return NULL;
	}
	c->offset = offset_ns;
	c->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_NANO);
	if (!c->dead || !(c->out = pcap_dump_open(c->dead, path))) {
		tjg_error_append("cannot write the capture '%s': %s", path,
				 c->dead ? pcap_geterr(c->dead) : "libpcap failed");
		if (c->dead)
			pcap_close(c->dead);
		free(c->path);
		free(c);
		return NULL;
	}
	return c;
}

void tjg_pcap_segment(struct tjg_pcap *c, uint64_t epoch_ns, const struct tjg_tcp_seg *seg)
{
	uint8_t frame[14 + 60 + 1500];
	uint32_t ip_len = tjg_tcp_seg_ip_len(seg), len = 14 + ip_len;
	uint8_t *p = frame;
	if (len > sizeof(frame))
		len = sizeof(frame);
	memset(frame, 0, sizeof(frame));
	p += 12;                       /* lo's all-zero MAC addresses */
	p = tjg_put_be16(p, 0x0800);   /* IPv4 */
	p = tjg_tcp_seg_encode_ipv4(p, seg);
	p = tjg_tcp_seg_encode_tcp(p, seg);
	/* options: NOPs up to the header length; payload: 'x' */
	memset(p, 1, 4u * seg->doff - 20);
	p += 4u * seg->doff - 20;
	if (seg->payload_len && p + seg->payload_len <= frame + sizeof(frame))
		memset(p, 'x', seg->payload_len);
	int64_t ts = (int64_t)epoch_ns + c->offset + 250 + (int64_t)((c->n * 389) % 500);
	struct pcap_pkthdr h = {.caplen = len, .len = len};
	h.ts.tv_sec = (time_t)(ts / 1000000000);
	h.ts.tv_usec = (suseconds_t)(ts % 1000000000); /* nanoseconds in a nano pcap */
	pcap_dump((u_char *)c->out, &h, frame);
	c->n++;
}

int tjg_pcap_close(struct tjg_pcap *c)
{
	int rc = TJG_OK;
	if (!c)
		return TJG_OK;
	if (pcap_dump_flush(c->out) != 0) {
		tjg_error_append("cannot write the capture '%s': %s", c->path, strerror(errno));
		rc = TJG_ERR;
	}
	pcap_dump_close(c->out);
	pcap_close(c->dead);
	free(c->path);
	free(c);
	return rc;
}
