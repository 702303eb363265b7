/*
 * tjgen's capture writer (pcap_writer.c): the ncat scenario's loopback
 * segments as tcpdump would have captured them, with a known clock offset.
 */
#ifndef TJGEN_PCAP_WRITER_H
#define TJGEN_PCAP_WRITER_H

#include <stdint.h>

#include "netpkt.h"

struct tjg_pcap;

struct tjg_pcap *tjg_pcap_open(const char *path, int64_t offset_ns);
/* One segment received at epoch_ns on the trace's clock. */
void tjg_pcap_segment(struct tjg_pcap *c, uint64_t epoch_ns, const struct tjg_tcp_seg *seg);
int tjg_pcap_close(struct tjg_pcap *c);

#endif
