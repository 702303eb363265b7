/* libFuzzer target: chrome-json's string escaping (converters/chrome-json/
 * jsonw.c).  Whatever the bytes, the output must be one strict JSON string:
 * quotes at both ends, no raw control byte, only JSON escapes, valid UTF-8.
 * A violation aborts (a crash libFuzzer keeps). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

static unsigned char out[1 << 20];
static size_t outlen;

static int sink(void *ud, const void *d, size_t n)
{
	(void)ud;
	if (outlen + n > sizeof(out))
		abort();
	memcpy(out + outlen, d, n);
	outlen += n;
	return 0;
}

static size_t utf8_ok(const unsigned char *p, size_t n)
{
	size_t k = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		   : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	if (!k || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return k;
}

static void check(void)
{
	if (outlen < 2 || out[0] != '"' || out[outlen - 1] != '"')
		abort();
	for (size_t i = 1; i + 1 < outlen;) {
		unsigned char c = out[i];
		if (c < 0x20 || c == '"')
			abort();
		if (c == '\\') {
			unsigned char e = out[i + 1];
			if (e == 'u') {
				for (int k = 2; k < 6; k++)
					if (!strchr("0123456789abcdefABCDEF", out[i + k]) || !out[i + k])
						abort();
				i += 6;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				i += 2;
			} else {
				abort();
			}
		} else if (c >= 0x80) {
			size_t k = utf8_ok(out + i, outlen - 1 - i);
			if (!k)
				abort();
			i += k;
		} else {
			i++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonw w;
	if (size > 65536 || jsonw_init(&w, 0, sink, NULL))
		return 0;
	outlen = 0;
	jsonw_strn(&w, (const char *)data, size);
	jsonw_flush(&w);
	jsonw_release(&w);
	check();
	return 0;
}
