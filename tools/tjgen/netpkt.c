/*
 * Builds the raw IPv4 and TCP headers that LTTng copies into the
 * network_header field of net_dev_queue / net_if_rx / net_if_receive_skb.
 */
#include "netpkt.h"

#include "encode.h"

/* Ones' complement sum of 16-bit big-endian words (len even), not folded. */
static uint32_t tjg_csum_add(uint32_t sum, const uint8_t *p, unsigned len)
{
	unsigned i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

static uint16_t tjg_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint8_t *tjg_tcp_seg_encode_ipv4(uint8_t *out, const struct tjg_tcp_seg *seg)
{
	uint8_t *p = out;

	p = tjg_put_u8(p, 0x45);                 /* version 4, ihl 5 */
	p = tjg_put_u8(p, 0);                    /* tos */
	p = tjg_put_be16(p, (uint16_t)tjg_tcp_seg_ip_len(seg));
	p = tjg_put_be16(p, seg->ip_id);
	p = tjg_put_be16(p, 0x4000);             /* frag_off: DF */
	p = tjg_put_u8(p, 64);                   /* ttl */
	p = tjg_put_u8(p, 6);                    /* protocol: TCP */
	p = tjg_put_be16(p, 0);                  /* checksum, below */
	p = tjg_put_be32(p, seg->saddr);
	p = tjg_put_be32(p, seg->daddr);
	tjg_put_be16(out + 10, (uint16_t)~tjg_csum_fold(tjg_csum_add(0, out, 20)));
	return p;
}

uint8_t *tjg_tcp_seg_encode_tcp(uint8_t *out, const struct tjg_tcp_seg *seg)
{
	uint32_t tcp_len = 4u * seg->doff + seg->payload_len;
	uint32_t pseudo = (seg->saddr >> 16) + (seg->saddr & 0xffff) + (seg->daddr >> 16) +
			  (seg->daddr & 0xffff) + 6 + tcp_len;
	uint8_t *p = out;

	p = tjg_put_be16(p, seg->sport);
	p = tjg_put_be16(p, seg->dport);
	p = tjg_put_be32(p, seg->seq);
	p = tjg_put_be32(p, seg->ack_seq);
	/* data offset (4) | reserved (3) | NS (1), then CWR..FIN */
	p = tjg_put_u8(p, (uint8_t)(seg->doff << 4 | ((seg->flags >> 8) & 1)));
	p = tjg_put_u8(p, (uint8_t)(seg->flags & 0xff));
	p = tjg_put_be16(p, seg->window);
	p = tjg_put_be16(p, tjg_csum_fold(pseudo)); /* check: pseudo-header sum */
	p = tjg_put_be16(p, 0);                     /* urg_ptr */
	return p;
}
