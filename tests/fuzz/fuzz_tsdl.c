/* libFuzzer target: the TSDL layout reader (core/tsdl_layout.c) on any
 * metadata text, then reads of the fields it found from the same bytes. */
#include <stddef.h>
#include <stdint.h>

#include "tsdl_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tj_tsdl_layout l;
	uint64_t v;
	if (tj_tsdl_layout_parse((const char *)data, size, &l))
		return 0;
	tj_tsdl_read(&l.magic, data, size, &v);
	tj_tsdl_read(&l.stream_id, data, size, &v);
	for (size_t i = 0; i < l.nstreams; i++) {
		tj_tsdl_read(&l.streams[i].packet_size, data, size, &v);
		tj_tsdl_read(&l.streams[i].content_size, data, size, &v);
	}
	tj_tsdl_layout_release(&l);
	return 0;
}
