/* libFuzzer target: the packets analyzer's network_header decoder
 * (plugins/packets/header.c) and the labels made from what it decodes.  A
 * stand-in host serves the event's fields from the fuzz input: for each
 * field handle, one presence byte, a length byte and 8 value bytes, so
 * lengths and values disagree with the metadata in every way. */
#include <stdint.h>
#include <string.h>

#include "packets.h"
#include "tjconv/fmt.h"

static const uint8_t *in;
static size_t inlen;
static int nlook;

#define SLOT 10

static const uint8_t *slot(tj_field f)
{
	size_t at = (size_t)f * SLOT;
	return f >= 0 && at + SLOT <= inlen ? in + at : NULL;
}

static tj_field lookup(const struct tj_event_class *cls, const char *path)
{
	(void)cls;
	(void)path;
	return nlook++;
}

static int field_uint(const struct tj_event *ev, tj_field f, uint64_t *v)
{
	const uint8_t *s = slot(f);
	(void)ev;
	if (!s || !(s[0] & 1))
		return 0;
	memcpy(v, s + 2, 8);
	return 1;
}

static int64_t field_len(const struct tj_event *ev, tj_field f)
{
	const uint8_t *s = slot(f);
	(void)ev;
	return s ? (int64_t)(s[1] % 12) : -1;
}

static int field_elem_uint(const struct tj_event *ev, tj_field f, uint64_t i, uint64_t *v)
{
	const uint8_t *s = slot(f);
	(void)ev;
	if (!s || i >= 8 || (s[0] & 2))
		return 0;
	*v = (uint64_t)s[2 + i] << 8 | s[2 + (i + 1) % 8];
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tj_host h;
	struct hdr_fields f;
	struct hdr o;
	struct tj_event ev;
	char buf[128];

	memset(&h, 0, sizeof(h));
	memset(&ev, 0, sizeof(ev));
	h.field_lookup = lookup;
	h.field_uint = field_uint;
	h.field_len = field_len;
	h.field_elem_uint = field_elem_uint;
	in = data;
	inlen = size;
	nlook = 0;
	hdr_resolve(&h, NULL, &f);
	if (hdr_read(&h, &ev, &f, &o)) {
		hdr_endpoint(&o, 0, buf, sizeof(buf));
		hdr_endpoint(&o, 1, buf, 8);
		hdr_flags(o.flags, buf, sizeof(buf));
		hdr_flags(o.flags, buf, 4);
	}
	tj_fmt_duration(size > 8 ? (int64_t)((uint64_t)data[0] << 56 | data[7]) : 0, buf, sizeof(buf));
	return 0;
}
