/*
 * Byte-level encoders for CTF payloads: fixed-width little-endian integers
 * (the trace byte order), big-endian integers (LTTng's network fields), raw
 * bytes, NUL-terminated strings and fixed 16-byte comm arrays. Each helper
 * writes at p and returns the position just after what it wrote. Callers
 * reserve room first (tjg_ev_begin); nothing here checks bounds.
 */
#ifndef TJGEN_ENCODE_H
#define TJGEN_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__)
#error "tjgen needs __BYTE_ORDER__ (GCC or Clang)"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TJG_LE16(v) (v)
#define TJG_LE32(v) (v)
#define TJG_LE64(v) (v)
#define TJG_BE16(v) __builtin_bswap16(v)
#define TJG_BE32(v) __builtin_bswap32(v)
#else
#define TJG_LE16(v) __builtin_bswap16(v)
#define TJG_LE32(v) __builtin_bswap32(v)
#define TJG_LE64(v) __builtin_bswap64(v)
#define TJG_BE16(v) (v)
#define TJG_BE32(v) (v)
#endif

static inline uint8_t *tjg_put_u8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}

static inline uint8_t *tjg_put_u16(uint8_t *p, uint16_t v)
{
	v = TJG_LE16(v);
	memcpy(p, &v, 2);
	return p + 2;
}

static inline uint8_t *tjg_put_u32(uint8_t *p, uint32_t v)
{
	v = TJG_LE32(v);
	memcpy(p, &v, 4);
	return p + 4;
}

static inline uint8_t *tjg_put_i32(uint8_t *p, int32_t v)
{
	return tjg_put_u32(p, (uint32_t)v);
}

static inline uint8_t *tjg_put_u64(uint8_t *p, uint64_t v)
{
	v = TJG_LE64(v);
	memcpy(p, &v, 8);
	return p + 8;
}

static inline uint8_t *tjg_put_i64(uint8_t *p, int64_t v)
{
	return tjg_put_u64(p, (uint64_t)v);
}

static inline uint8_t *tjg_put_be16(uint8_t *p, uint16_t v)
{
	v = TJG_BE16(v);
	memcpy(p, &v, 2);
	return p + 2;
}

static inline uint8_t *tjg_put_be32(uint8_t *p, uint32_t v)
{
	v = TJG_BE32(v);
	memcpy(p, &v, 4);
	return p + 4;
}

static inline uint8_t *tjg_put_bytes(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

/* Longest string payload tjgen writes (longer input is cut). */
#define TJG_STR_MAX 255

/* Room a tjg_put_str of s needs, NUL included. */
static inline size_t tjg_str_room(const char *s)
{
	size_t n = strlen(s);

	return (n > TJG_STR_MAX ? TJG_STR_MAX : n) + 1;
}

/* CTF string: the bytes then a NUL. */
static inline uint8_t *tjg_put_str(uint8_t *p, const char *s)
{
	size_t n = tjg_str_room(s) - 1;

	memcpy(p, s, n);
	p[n] = 0;
	return p + n + 1;
}

/* Linux TASK_COMM_LEN array: up to 15 characters, NUL padded to 16 bytes. */
static inline uint8_t *tjg_put_comm(uint8_t *p, const char *comm)
{
	size_t n = strnlen(comm, 15);

	memset(p, 0, 16);
	memcpy(p, comm, n);
	return p + 16;
}

#endif /* TJGEN_ENCODE_H */
