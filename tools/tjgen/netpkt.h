/*
 * IPv4 + TCP headers as the kernel holds them in an skb, for LTTng's
 * network_header variant (net_dev_queue, net_if_rx, net_if_receive_skb).
 */
#ifndef TJGEN_NETPKT_H
#define TJGEN_NETPKT_H

#include <stdint.h>

/* The 9-bit TCP flags field as LTTng shows it (NS then the flags byte). */
#define TJG_TCP_FIN 0x001
#define TJG_TCP_SYN 0x002
#define TJG_TCP_RST 0x004
#define TJG_TCP_PSH 0x008
#define TJG_TCP_ACK 0x010

#define TJG_IPV4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* One TCP segment; addresses and ports in host order. */
struct tjg_tcp_seg {
	uint32_t saddr;
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack_seq;
	uint16_t flags;       /* TJG_TCP_* */
	uint16_t window;      /* raw (unscaled) window field */
	uint16_t ip_id;
	uint8_t doff;         /* TCP header length in 32-bit words, options included */
	uint16_t payload_len; /* data bytes after the TCP header */
};

/* IPv4 total length: 20-byte IP header + TCP header with options + data. */
static inline uint32_t tjg_tcp_seg_ip_len(const struct tjg_tcp_seg *seg)
{
	return 20u + 4u * seg->doff + seg->payload_len;
}

/* The 20-byte IPv4 header (DF, TTL 64, valid checksum), network order. */
uint8_t *tjg_tcp_seg_encode_ipv4(uint8_t *out, const struct tjg_tcp_seg *seg);

/*
 * The 20-byte fixed TCP header (LTTng copies sizeof(struct tcphdr), options
 * excluded), network order. Its checksum is the pseudo-header sum a
 * CHECKSUM_PARTIAL skb carries on loopback.
 */
uint8_t *tjg_tcp_seg_encode_tcp(uint8_t *out, const struct tjg_tcp_seg *seg);

#endif /* TJGEN_NETPKT_H */
