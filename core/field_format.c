/*
 * babeltrace2-style text of an event's fields, as its `pretty` sink prints
 * them by default: packet context (without the tracer's bookkeeping
 * members), stream event context, event context, payload — each as
 * "{ name = value, ... }", joined by ", ".  Integers are formatted by hand.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

#include "fields.h"
#include "flat_event.h"
#include "tjconv/map.h"
#include "sbuf.h"

/* Packet context members babeltrace2 does not print. */
static int is_bookkeeping(const char *name)
{
	static const char *const skip[] = {"timestamp_begin", "timestamp_end", "content_size",
					   "packet_size", "packet_seq_num", "events_discarded"};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strcmp(name, skip[i]) == 0)
			return 1;
	return 0;
}

static int put_str(struct tj_sbuf *sb, const char *s)
{
	return tj_sbuf_append(sb, s, strlen(s));
}

static int put_hex(struct tj_sbuf *sb, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = "0123456789ABCDEF"[v & 0xf];
		v >>= 4;
	} while (v);
	return put_str(sb, "0x") || tj_sbuf_append(sb, tmp + i, sizeof(tmp) - i);
}

/* "0b" and exactly `bits` binary digits, as babeltrace2 prints them. */
static int put_binary(struct tj_sbuf *sb, uint64_t v, unsigned bits)
{
	char tmp[66];
	size_t n = 0;
	tmp[n++] = '0';
	tmp[n++] = 'b';
	for (unsigned b = bits; b-- > 0;)
		tmp[n++] = (char)('0' + ((v >> b) & 1));
	return tj_sbuf_append(sb, tmp, n);
}

/* "0" then the octal digits ("00" for zero), as printf's "0%o". */
static int put_octal(struct tj_sbuf *sb, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	tmp[--i] = '0';
	return tj_sbuf_append(sb, tmp + i, sizeof(tmp) - i);
}

/*
 * Quote a string as babeltrace2 2.0's pretty sink does (print_escape_string):
 * backslash, single and double quote and question mark get a backslash; the
 * C locale's control characters (0x01-0x1f, 0x7f) their C escape (\a \b \e
 * \f \n \r \t \v) or else "\x" and two lowercase hex digits; bytes from 0x80
 * up are copied as they are.
 */
static int put_quoted_n(struct tj_sbuf *sb, const char *s, size_t len)
{
	if (tj_sbuf_appendc(sb, '"'))
		return TJ_ENOMEM;
	for (const unsigned char *p = (const unsigned char *)s, *e = p + len; p < e && *p; p++) {
		const char *esc = NULL;
		int rc;
		switch (*p) {
		case '\\': esc = "\\\\"; break;
		case '\'': esc = "\\'"; break;
		case '"': esc = "\\\""; break;
		case '?': esc = "\\?"; break;
		case '\a': esc = "\\a"; break;
		case '\b': esc = "\\b"; break;
		case 0x1b: esc = "\\e"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\v': esc = "\\v"; break;
		default: break;
		}
		if (esc) {
			rc = put_str(sb, esc);
		} else if (*p < 0x20 || *p == 0x7f) {
			char hex[5] = {'\\', 'x', "0123456789abcdef"[*p >> 4], "0123456789abcdef"[*p & 0xf], 0};
			rc = put_str(sb, hex);
		} else {
			rc = tj_sbuf_appendc(sb, (char)*p);
		}
		if (rc)
			return rc;
	}
	return tj_sbuf_appendc(sb, '"');
}

static int put_quoted(struct tj_sbuf *sb, const char *s)
{
	return put_quoted_n(sb, s, strlen(s));
}

/* Keep the low `bits` bits of v (all of them from 64 up). */
static uint64_t low_bits(uint64_t v, uint64_t bits)
{
	return bits < 64 ? v & ((UINT64_C(1) << bits) - 1) : v;
}

/*
 * An integer in its preferred base, as babeltrace2 2.0's pretty sink prints
 * it (print_integer): decimal signed or unsigned; hexadecimal "0x" upper
 * case and octal "0" with a negative value masked to the field width rounded
 * up to whole digits (4 and 3 bits); binary "0b" with exactly the field
 * width's digits.
 */
static int put_integer_value(struct tj_sbuf *sb, const bt_field_class *fc, bt_field_class_type t,
			     uint64_t u)
{
	int is_signed = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
	uint64_t bits = bt_field_class_integer_get_field_value_range(fc);
	switch (bt_field_class_integer_get_preferred_display_base(fc)) {
	case BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL:
		return put_hex(sb, is_signed ? low_bits(u, (bits + 3) & ~UINT64_C(3)) : u);
	case BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_OCTAL:
		return put_octal(sb, is_signed ? low_bits(u, (bits + 2) / 3 * 3) : u);
	case BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_BINARY:
		return put_binary(sb, u, (unsigned)(bits < 64 ? bits : 64));
	default:
		return is_signed ? tj_sbuf_append_i64(sb, (int64_t)u) : tj_sbuf_append_u64(sb, u);
	}
}

static int put_integer(struct tj_sbuf *sb, const bt_field *f, bt_field_class_type t)
{
	int is_signed = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
	uint64_t u = is_signed ? (uint64_t)bt_field_integer_signed_get_value(f)
			       : bt_field_integer_unsigned_get_value(f);
	return put_integer_value(sb, bt_field_borrow_class_const(f), t, u);
}

static int put_field(struct tj_sbuf *sb, struct tj_map *plans, const bt_field *f, int packet_ctx);

/*
 * An enumeration's labels and value.  The labels come from the field
 * class for the value (what bt_field_enumeration_*_get_mapping_labels does
 * inside), so a flat record (--jobs) prints the same as a field.  Only
 * this thread asks a class for labels (it fills a buffer in the class).
 */
static int put_enum_value(struct tj_sbuf *sb, const bt_field_class *fc, bt_field_class_type t,
			  uint64_t u)
{
	bt_field_class_enumeration_mapping_label_array labels;
	uint64_t n = 0;
	int rc;
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		rc = bt_field_class_enumeration_signed_get_mapping_labels_for_value(
			     fc, (int64_t)u, &labels, &n) != 0;
	else
		rc = bt_field_class_enumeration_unsigned_get_mapping_labels_for_value(fc, u, &labels,
										      &n) != 0;
	if (rc)
		n = 0;
	if (put_str(sb, "( "))
		return TJ_ENOMEM;
	if (n == 0) {
		rc = put_str(sb, "<unknown>");
	} else {
		/* Several labels: "( "A", "B" : container = 4 )", no braces. */
		rc = 0;
		for (uint64_t i = 0; !rc && i < n; i++)
			rc = (i ? put_str(sb, ", ") : 0) || put_quoted(sb, labels[i]);
	}
	return rc || put_str(sb, " : container = ") || put_integer_value(sb, fc, t, u) ||
	       put_str(sb, " )");
}

static int put_enum(struct tj_sbuf *sb, const bt_field *f, bt_field_class_type t)
{
	int is_signed = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
	uint64_t u = is_signed ? (uint64_t)bt_field_integer_signed_get_value(f)
			       : bt_field_integer_unsigned_get_value(f);
	return put_enum_value(sb, bt_field_borrow_class_const(f), t, u);
}

/*
 * A structure's text layout, computed once per field class: for each member
 * the separator and name already joined (" name = " / ", name = "), so a
 * member costs one memcpy instead of three appends, a strlen and two
 * library calls.  Plans are cached per event class (struct tj_class owns
 * them, freed by tj_fields_format_release), keyed by field class pointers
 * that live as long as that class: no cache outlives its reader, so two
 * readers in one process cannot see each other's stale keys.
 */
struct struct_plan {
	uint32_t n, nvisible;
	uint8_t *skip;      /* bookkeeping member of a packet context */
	const bt_field_class **member; /* each member's class (flat records) */
	char **prefix;
	size_t *len;
};

/* plans: (field class pointer | packet_ctx) -> plan */
static const struct struct_plan *plan_get(struct tj_map *plans, const bt_field_class *fc,
					  int packet_ctx)
{
	int64_t key = (int64_t)((uintptr_t)fc | (uintptr_t)(packet_ctx != 0));
	struct struct_plan *p = tj_map_get(plans, key);
	if (p)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->n = (uint32_t)bt_field_class_structure_get_member_count(fc);
	p->skip = calloc(p->n ? p->n : 1, sizeof(*p->skip));
	p->prefix = calloc(p->n ? p->n : 1, sizeof(*p->prefix));
	p->len = calloc(p->n ? p->n : 1, sizeof(*p->len));
	p->member = calloc(p->n ? p->n : 1, sizeof(*p->member));
	if (!p->skip || !p->prefix || !p->len || !p->member || tj_map_put(plans, key, p)) {
		free(p->member);
		free(p->skip);
		free(p->prefix);
		free(p->len);
		free(p);
		return NULL;
	}
	for (uint32_t i = 0; i < p->n; i++) {
		const bt_field_class_structure_member *m =
			bt_field_class_structure_borrow_member_by_index_const(fc, i);
		const char *name = bt_field_class_structure_member_get_name(m);
		p->member[i] = bt_field_class_structure_member_borrow_field_class_const(m);
		if (packet_ctx && is_bookkeeping(name)) {
			p->skip[i] = 1;
			continue;
		}
		size_t n = strlen(name) + 6;
		p->prefix[i] = malloc(n);
		if (p->prefix[i]) {
			snprintf(p->prefix[i], n, "%s%s = ", p->nvisible ? ", " : " ", name);
			p->len[i] = strlen(p->prefix[i]);
		} else {
			p->skip[i] = 1;
			continue;
		}
		p->nvisible++;
	}
	return p;
}

void tj_fields_format_release(struct tj_class *cls)
{
	size_t it = 0;
	struct struct_plan *p;
	if (!cls->format_plans)
		return;
	while ((p = tj_map_next(cls->format_plans, &it, NULL))) {
		for (uint32_t i = 0; i < p->n; i++)
			free(p->prefix[i]);
		free(p->prefix);
		free(p->member);
		free(p->skip);
		free(p->len);
		free(p);
	}
	tj_map_release(cls->format_plans);
	free(cls->format_plans);
	cls->format_plans = NULL;
}

static int put_struct(struct tj_sbuf *sb, struct tj_map *plans, const bt_field *f, int packet_ctx)
{
	const struct struct_plan *p = plan_get(plans, bt_field_borrow_class_const(f), packet_ctx);
	if (!p || tj_sbuf_appendc(sb, '{'))
		return TJ_ENOMEM;
	for (uint32_t i = 0; i < p->n; i++) {
		if (p->skip[i])
			continue;
		if (tj_sbuf_append(sb, p->prefix[i], p->len[i]) ||
		    put_field(sb, plans, bt_field_structure_borrow_member_field_by_index_const(f, i), 0))
			return TJ_ENOMEM;
	}
	return tj_sbuf_append(sb, " }", 2);
}

static int put_field(struct tj_sbuf *sb, struct tj_map *plans, const bt_field *f, int packet_ctx)
{
	bt_field_class_type t = bt_field_get_class_type(f);
	char num[64];

	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ENUMERATION))
		return put_enum(sb, f, t);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_INTEGER))
		return put_integer(sb, f, t);
	if (t == BT_FIELD_CLASS_TYPE_STRING)
		/* The length, not the NUL: libbabeltrace2 2.0 leaves the previous
		 * event's text in an emptied string field (babeltrace review 4528). */
		return put_quoted_n(sb, bt_field_string_get_value(f), bt_field_string_get_length(f));
	if (t == BT_FIELD_CLASS_TYPE_STRUCTURE)
		return put_struct(sb, plans, f, packet_ctx);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ARRAY)) {
		uint64_t n = bt_field_array_get_length(f);
		if (tj_sbuf_appendc(sb, '['))
			return TJ_ENOMEM;
		for (uint64_t i = 0; i < n; i++) {
			if (put_str(sb, i ? ", [" : " [") || tj_sbuf_append_u64(sb, i) ||
			    put_str(sb, "] = ") ||
			    put_field(sb, plans, bt_field_array_borrow_element_field_by_index_const(f, i), 0))
				return TJ_ENOMEM;
		}
		return put_str(sb, " ]");
	}
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_VARIANT))
		/* babeltrace2 2.0 prints the selected option's value without its
		 * name: "{ VALUE }" (babeltrace 1 printed "{ name = VALUE }"). */
		return put_str(sb, "{ ") ||
		       put_field(sb, plans, bt_field_variant_borrow_selected_option_field_const(f), 0) ||
		       put_str(sb, " }");
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_OPTION)) {
		const bt_field *inner = bt_field_option_borrow_field_const(f);
		return inner ? put_field(sb, plans, inner, 0) : put_str(sb, "<none>");
	}
	if (t == BT_FIELD_CLASS_TYPE_BOOL)
		return put_str(sb, bt_field_bool_get_value(f) ? "true" : "false");
	if (t == BT_FIELD_CLASS_TYPE_BIT_ARRAY)
		return put_hex(sb, bt_field_bit_array_get_value_as_integer(f));
	if (t == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL) {
		snprintf(num, sizeof(num), "%g", (double)bt_field_real_single_precision_get_value(f));
		return put_str(sb, num);
	}
	if (t == BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL) {
		snprintf(num, sizeof(num), "%g", bt_field_real_double_precision_get_value(f));
		return put_str(sb, num);
	}
	return put_str(sb, "<?>");
}

/* put_field for an encoded field p of class fc (flat_event.h): the same
 * text, with the class read from the immutable field class tree. */
static int put_flat(struct tj_sbuf *sb, struct tj_map *plans, const bt_field_class *fc,
		    const uint8_t *p, int packet_ctx)
{
	bt_field_class_type t = bt_field_class_get_type(fc);
	char num[64];

	switch (p[0]) {
	case TJ_FLAT_S64:
	case TJ_FLAT_U64:
		if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ENUMERATION))
			return put_enum_value(sb, fc, t, tj_flat_u64(p + 1));
		return put_integer_value(sb, fc, t, tj_flat_u64(p + 1));
	case TJ_FLAT_STR:
		return put_quoted_n(sb, (const char *)p + 5, tj_flat_u32(p + 1));
	case TJ_FLAT_STRUCT: {
		const struct struct_plan *pl = plan_get(plans, fc, packet_ctx);
		if (!pl || tj_sbuf_appendc(sb, '{'))
			return TJ_ENOMEM;
		const uint8_t *m = p + 9 + 4 * (size_t)tj_flat_u32(p + 5); /* past the offsets */
		for (uint32_t i = 0; i < pl->n; i++, m += tj_flat_field_size(m)) {
			if (pl->skip[i])
				continue;
			if (tj_sbuf_append(sb, pl->prefix[i], pl->len[i]) ||
			    put_flat(sb, plans, pl->member[i], m, 0))
				return TJ_ENOMEM;
		}
		return tj_sbuf_append(sb, " }", 2);
	}
	case TJ_FLAT_ARRAY: {
		uint32_t n = tj_flat_u32(p + 5);
		const bt_field_class *efc = bt_field_class_array_borrow_element_field_class_const(fc);
		const uint8_t *el = p + 9;
		if (tj_sbuf_appendc(sb, '['))
			return TJ_ENOMEM;
		for (uint32_t i = 0; i < n; i++, el += tj_flat_field_size(el)) {
			if (put_str(sb, i ? ", [" : " [") || tj_sbuf_append_u64(sb, i) ||
			    put_str(sb, "] = ") || put_flat(sb, plans, efc, el, 0))
				return TJ_ENOMEM;
		}
		return put_str(sb, " ]");
	}
	case TJ_FLAT_VARIANT: {
		const bt_field_class *ofc = bt_field_class_variant_option_borrow_field_class_const(
			bt_field_class_variant_borrow_option_by_index_const(fc, tj_flat_u32(p + 5)));
		return put_str(sb, "{ ") || put_flat(sb, plans, ofc, p + 9, 0) || put_str(sb, " }");
	}
	case TJ_FLAT_OPTION:
		return p[5] ? put_flat(sb, plans, bt_field_class_option_borrow_field_class_const(fc),
				       p + 6, 0)
			    : put_str(sb, "<none>");
	case TJ_FLAT_BOOL:
		return put_str(sb, tj_flat_u64(p + 1) ? "true" : "false");
	case TJ_FLAT_BITS:
		return put_hex(sb, tj_flat_u64(p + 1));
	case TJ_FLAT_REAL: {
		uint64_t bits = tj_flat_u64(p + 1);
		double d;
		memcpy(&d, &bits, sizeof(d));
		snprintf(num, sizeof(num), "%g", d);
		return put_str(sb, num);
	}
	default:
		return put_str(sb, "<?>");
	}
}

/* tj_fields_format for a flat record: the scopes' classes come from the
 * event class and its stream class. */
static int format_flat(const struct tj_event_impl *impl, struct tj_map *plans, struct tj_sbuf *sb)
{
	const struct tj_flat_event *fe = impl->flat;
	const bt_event_class *ec = fe->event_class;
	const bt_stream_class *sc = bt_event_class_borrow_stream_class_const(ec);
	const uint8_t *scopes[4] = {tj_flat_packet_context(fe), tj_flat_scope(fe, 0),
				    tj_flat_scope(fe, 1), tj_flat_scope(fe, 2)};
	const bt_field_class *classes[4] = {
		bt_stream_class_borrow_packet_context_field_class_const(sc),
		bt_stream_class_borrow_event_common_context_field_class_const(sc),
		bt_event_class_borrow_specific_context_field_class_const(ec),
		bt_event_class_borrow_payload_field_class_const(ec),
	};
	int first = 1;
	for (int s = 0; s < 4; s++) {
		if (!scopes[s] || !classes[s])
			continue;
		if ((!first && put_str(sb, ", ")) || put_flat(sb, plans, classes[s], scopes[s], s == 0))
			return TJ_ENOMEM;
		first = 0;
	}
	return TJ_OK;
}

/*
 * babeltrace2's pretty sink prints every scope the event has, an empty
 * structure included (as "{ }": an event without payload members ends in
 * ", { }").  A scope is absent only when its field class is.
 */
static int scope_present(const bt_field *f)
{
	return f != NULL;
}

int tj_fields_format(const struct tj_event *ev, struct tj_sbuf *sb)
{
	const struct tj_event_impl *impl = ev->host_private;
	const bt_event *e = impl->bt;
	struct tj_class *cls = impl->cls;
	if (!cls->format_plans && !(cls->format_plans = calloc(1, sizeof(*cls->format_plans))))
		return TJ_ENOMEM;
	struct tj_map *plans = cls->format_plans;
	if (impl->flat)
		return format_flat(impl, plans, sb);
	const bt_packet *pkt = bt_event_borrow_packet_const(e);
	const bt_field *scopes[4] = {
		pkt ? bt_packet_borrow_context_field_const(pkt) : NULL,
		bt_event_borrow_common_context_field_const(e),
		bt_event_borrow_specific_context_field_const(e),
		bt_event_borrow_payload_field_const(e),
	};
	int first = 1;
	for (int s = 0; s < 4; s++) {
		if (!scope_present(scopes[s]))
			continue;
		if ((!first && put_str(sb, ", ")) || put_field(sb, plans, scopes[s], s == 0))
			return TJ_ENOMEM;
		first = 0;
	}
	return TJ_OK;
}
