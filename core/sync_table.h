/*
 * --sync's table of packets still waiting for their other end (sync.c):
 * a chained hash on the whole key, entries recycled through a free list,
 * so its size follows the packets in flight between the traces, not the
 * trace length.
 */
#ifndef TJ_CORE_SYNC_TABLE_H
#define TJ_CORE_SYNC_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* A TCP segment as both ends see it; zero-filled before it is set, since
 * it is hashed and compared as bytes. */
struct tj_pkt_key {
	uint32_t seq, ack;
	uint16_t flags, sport, dport;
	uint8_t family, with_addr;
	uint8_t saddr[16], daddr[16];
};

struct tj_pkt_entry {
	struct tj_pkt_key key;
	int64_t ts;
	uint32_t host;
	uint32_t next; /* chain, UINT32_MAX ends */
};

/* Unmatched packets of one direction; free_head starts as UINT32_MAX. */
struct tj_pkt_table {
	uint32_t *buckets;
	size_t nbuckets, count;
	struct tj_pkt_entry *e;
	size_t ne, cap;
	uint32_t free_head;
};

/* Remove the entry with key k into *out: 1, or 0 when there is none. */
int tj_pkt_table_take(struct tj_pkt_table *t, const struct tj_pkt_key *k, struct tj_pkt_entry *out);
int tj_pkt_table_has(const struct tj_pkt_table *t, const struct tj_pkt_key *k);
/* TJ_OK or TJ_ENOMEM. */
int tj_pkt_table_put(struct tj_pkt_table *t, const struct tj_pkt_key *k, int64_t ts, uint32_t host);
void tj_pkt_table_release(struct tj_pkt_table *t);

#endif
