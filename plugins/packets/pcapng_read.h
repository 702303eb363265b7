/*
 * pcapng files for the capture reader (pcapng_read.c): libpcap refuses
 * those whose interfaces differ in link type, so they are read block by
 * block here, each packet decoded with its own interface's link type.
 */
#ifndef TJ_PACKETS_PCAPNG_READ_H
#define TJ_PACKETS_PCAPNG_READ_H

#include <stdio.h>

#include "pcap.h"

struct ng_reader;

int ng_is_pcapng(const uint8_t magic[4]);
/* Takes f (closed by ng_close). */
struct ng_reader *ng_open(FILE *f, char *err, size_t cap);
/* The next packet: 1, 0 at the end, -1 with err set; *linktype is its
 * interface's DLT_ value. */
int ng_next(struct ng_reader *r, struct cpkt *out, int *linktype, char *err, size_t cap);
void ng_close(struct ng_reader *r);

#endif
