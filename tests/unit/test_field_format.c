/*
 * Unit tests for core/field_format.c (tj_fields_format): the text of every
 * field kind as babeltrace2 2.0.4's pretty sink prints it — signed,
 * unsigned, hexadecimal, octal and binary integers (odd widths, negative
 * values masked), enumerations with no, one and several labels, strings with
 * every escape, text arrays and sequences, arrays, nested structures,
 * variants, floats, empty payloads and the packet context.  The events come
 * from the hand-made trace tests/tools/mkctf-fields writes, read with
 * libbabeltrace2 (source.ctf.fs, utils.muxer, a simple sink); each expected
 * text is babeltrace2's own output for that event, checked by hand against
 * the values the generator writes.  Each event is also copied into a flat
 * record (core/flat_event.h, what --jobs workers hand over) and formatted
 * from the copy: the text must be the same, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <babeltrace2/babeltrace.h>

#include "fields.h"
#include "flat_event.h"
#include "sbuf.h"

#define MAX_EVENTS 64

static struct tj_class shared_cls; /* holds the cached text layouts */

static char *texts[MAX_EVENTS]; /* "name: fields", in babeltrace2's order */
static char *flat_texts[MAX_EVENTS]; /* the same from flat records */
static size_t ntexts;
static char tracedir[256];

static bt_graph_simple_sink_component_initialize_func_status sink_init(bt_message_iterator *it,
								       void *data)
{
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_INITIALIZE_FUNC_STATUS_OK;
}

static bt_graph_simple_sink_component_consume_func_status sink_consume(bt_message_iterator *it,
								       void *data)
{
	bt_message_array_const msgs;
	uint64_t n;
	switch (bt_message_iterator_next(it, &msgs, &n)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	for (uint64_t i = 0; i < n; i++) {
		int put = 0;
		if (bt_message_get_type(msgs[i]) == BT_MESSAGE_TYPE_EVENT && ntexts < MAX_EVENTS) {
			const bt_event *e = bt_message_event_borrow_event_const(msgs[i]);
			/* One class for all: the cached layouts are keyed by
			 * field class, so sharing it is harmless here. */
			struct tj_event_impl impl = {.bt = e, .cls = &shared_cls};
			struct tj_event ev = {.host_private = &impl};
			struct tj_sbuf sb = {0};
			const char *name = bt_event_class_get_name(bt_event_borrow_class_const(e));
			if (tj_sbuf_append(&sb, name, strlen(name)) || tj_sbuf_append(&sb, ": ", 2) ||
			    tj_fields_format(&ev, &sb) != TJ_OK)
				return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
			/* the flat copy, formatted after the event is gone */
			struct tj_flat_arena a = {0};
			size_t pkt_off, off;
			if (tj_flat_add_packet(&a, bt_event_borrow_packet_const(e), &pkt_off) ||
			    tj_flat_add_event(&a, e, pkt_off, &off))
				return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
			bt_message_put_ref(msgs[i]);
			put = 1;
			struct tj_event_impl fimpl = {
				.flat = (const struct tj_flat_event *)(const void *)(a.data + off),
				.cls = &shared_cls};
			struct tj_event fev = {.host_private = &fimpl};
			struct tj_sbuf fsb = {0};
			if (tj_sbuf_append(&fsb, name, strlen(name)) || tj_sbuf_append(&fsb, ": ", 2) ||
			    tj_fields_format(&fev, &fsb) != TJ_OK)
				return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
			tj_flat_arena_release(&a);
			flat_texts[ntexts] = fsb.data;
			texts[ntexts++] = sb.data;
		}
		if (!put)
			bt_message_put_ref(msgs[i]);
	}
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* Writes the trace and formats all its events, in babeltrace2's order. */
static int read_trace(void **state)
{
	const char *top = getenv("TJ_TOP");
	const char *tmp = getenv("TMPDIR");
	char cmd[1024];
	const bt_plugin *ctf = NULL, *utils = NULL;
	const bt_component_source *src = NULL;
	const bt_component_filter *mux = NULL;
	const bt_component_sink *sink = NULL;
	bt_graph *g = NULL;
	bt_value *params = NULL, *inputs = NULL;
	int rc = -1;

	snprintf(tracedir, sizeof(tracedir), "%s/tj-fields-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tracedir))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s/tests/tools/mkctf-fields' '%s/trace'", top ? top : ".",
		 tracedir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/trace", tracedir);

	if (bt_plugin_find("ctf", BT_FALSE, BT_FALSE, BT_TRUE, BT_TRUE, BT_TRUE, &ctf) !=
		    BT_PLUGIN_FIND_STATUS_OK ||
	    bt_plugin_find("utils", BT_FALSE, BT_FALSE, BT_TRUE, BT_TRUE, BT_TRUE, &utils) !=
		    BT_PLUGIN_FIND_STATUS_OK)
		goto out;
	g = bt_graph_create(0);
	params = bt_value_map_create();
	if (!g || !params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
	    bt_value_array_append_string_element(inputs, cmd))
		goto out;
	if (bt_graph_add_source_component(
		    g, bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs"), "src",
		    params, BT_LOGGING_LEVEL_WARNING, &src) ||
	    bt_graph_add_filter_component(
		    g, bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer"), "mux",
		    NULL, BT_LOGGING_LEVEL_WARNING, &mux) ||
	    bt_graph_add_simple_sink_component(g, "sink", sink_init, sink_consume, NULL, NULL,
					       &sink))
		goto out;
	for (uint64_t i = 0; i < bt_component_source_get_output_port_count(src); i++)
		if (bt_graph_connect_ports(g, bt_component_source_borrow_output_port_by_index_const(src, i),
					   bt_component_filter_borrow_input_port_by_index_const(mux, i),
					   NULL))
			goto out;
	if (bt_graph_connect_ports(g, bt_component_filter_borrow_output_port_by_index_const(mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL))
		goto out;
	bt_graph_run_status st;
	while ((st = bt_graph_run(g)) == BT_GRAPH_RUN_STATUS_AGAIN)
		;
	rc = st == BT_GRAPH_RUN_STATUS_OK ? 0 : -1;
out:
	bt_value_put_ref(params);
	bt_graph_put_ref(g);
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	*state = NULL;
	return rc;
}

static int release(void **state)
{
	char cmd[512];
	for (size_t i = 0; i < ntexts; i++) {
		free(texts[i]);
		free(flat_texts[i]);
	}
	tj_fields_format_release(&shared_cls);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tracedir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The text of event I (0-based, babeltrace2's order). */
static const char *text(size_t i)
{
	assert_true(i < ntexts);
	return texts[i];
}

/* Every event's text from its flat record is the text from its fields
 * (which the tests below check against babeltrace2's). */
static void test_flat_records_same_text(void **state)
{
	(void)state;
	assert_true(ntexts > 0);
	for (size_t i = 0; i < ntexts; i++) {
		assert_non_null(flat_texts[i]);
		assert_string_equal(flat_texts[i], texts[i]);
	}
}

static void test_event_count(void **state)
{
	assert_int_equal(ntexts, 17);
}

static void test_signed_unsigned_extremes(void **state)
{
	assert_string_equal(text(0), "ints: { cpu_id = 0 }, { s8 = -1, s32 = -2147483648, "
				     "s64 = -9223372036854775808, u64 = 18446744073709551615, "
				     "x16 = 0xBEEF, sx32 = 0xFFFFFFFF, o8 = 010, b8 = 0b00000101 }");
	assert_string_equal(text(1), "ints: { cpu_id = 0 }, { s8 = 127, s32 = 2147483647, "
				     "s64 = 9223372036854775807, u64 = 0, x16 = 0x0, "
				     "sx32 = 0x7FFFFFFF, o8 = 00, b8 = 0b00000000 }");
	/* Ties: stream 0's two events, then stream 1's (the muxer's order). */
	assert_string_equal(text(2), "ints: { cpu_id = 1 }, { s8 = 0, s32 = 1, s64 = 2, u64 = 3, "
				     "x16 = 0x4, sx32 = 0x5, o8 = 06, b8 = 0b00000111 }");
	assert_string_equal(text(16), "ints: { cpu_id = 1 }, { s8 = -128, s32 = -1, s64 = -1, "
				      "u64 = 1, x16 = 0xFFFF, sx32 = 0x80000000, o8 = 0377, "
				      "b8 = 0b11111111 }");
}

static void test_enumerations(void **state)
{
	assert_string_equal(text(3), "enums: { cpu_id = 0 }, { e = ( \"NEG\" : container = -1 ), "
				     "u = ( \"it\\'s\" : container = 7 ) }");
	/* Two labels: no braces; no label: <unknown>. */
	assert_string_equal(text(4), "enums: { cpu_id = 0 }, { e = ( \"ONE TO FIVE\", \"OVERLAP\" "
				     ": container = 4 ), u = ( <unknown> : container = 8 ) }");
	assert_string_equal(text(5), "enums: { cpu_id = 0 }, { e = ( <unknown> : container = 10 ), "
				     "u = ( \"it\\'s\" : container = 7 ) }");
}

static void test_string_escapes(void **state)
{
	/* Bytes 1..255: C escapes, \xNN lower case for the other controls,
	 * \\ \' \" \? escaped, 0x80..0xff raw. */
	char want[1024];
	size_t n = (size_t)snprintf(
		want, sizeof(want), "%s",
		"strings: { cpu_id = 0 }, { s = \"\\x01\\x02\\x03\\x04\\x05\\x06\\a\\b\\t\\n\\v\\f\\r"
		"\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\e\\x1c\\x1d\\x1e"
		"\\x1f !\\\"#$%&\\'()*+,-./0123456789:;<=>\\?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`"
		"abcdefghijklmnopqrstuvwxyz{|}~\\x7f");
	for (int c = 0x80; c <= 0xff; c++)
		want[n++] = (char)c;
	snprintf(want + n, sizeof(want) - n, "%s",
		 "\", text = \"ab\\\"c\", len = 5, seqtext = \"it\\'s\\?\" }");
	assert_string_equal(text(6), want);
	assert_string_equal(text(7), "strings: { cpu_id = 0 }, { s = \"\", text = \"\", len = 0, "
				     "seqtext = \"\" }");
	assert_string_equal(text(8), "strings: { cpu_id = 1 }, { s = \"second stream\", "
				     "text = \"x\", len = 0, seqtext = \"\" }");
}

static void test_arrays_structs_variants(void **state)
{
	assert_string_equal(text(9), "compound: { cpu_id = 0 }, { arr = [ [0] = 1, [1] = 2, "
				     "[2] = 255 ], n = 3, seq = [ [0] = -1, [1] = 0, [2] = 32767 ], "
				     "st = { x = 9, inner = { name = \"in\\\"ner\" } }, "
				     "tag = ( \"AS_INT\" : container = 0 ), v = { 42 } }");
	/* Empty sequence "[ ]"; the variant without the option's name. */
	assert_string_equal(text(10), "compound: { cpu_id = 0 }, { arr = [ [0] = 0, [1] = 0, "
				      "[2] = 0 ], n = 0, seq = [ ], st = { x = 0, inner = "
				      "{ name = \"\" } }, tag = ( \"AS_STR\" : container = 1 ), "
				      "v = { \"tab\\there\" } }");
}

static void test_empty_payload(void **state)
{
	/* The packet context without its bookkeeping members, then "{ }". */
	assert_string_equal(text(11), "empty: { cpu_id = 0 }, { }");
	assert_string_equal(text(12), "empty: { cpu_id = 1 }, { }");
}

static void test_odd_widths_and_floats(void **state)
{
	/* Negative hex masked to whole nibbles (5 bits -> 8), octal to whole
	 * digits (4 bits -> 6), binary exactly the width. */
	assert_string_equal(text(13),
			    "bits: { cpu_id = 0 }, { h5 = 0xFF, o4 = 077, b7 = 0b1111111, b64 = "
			    "0b1111111111111111111111111111111111111111111111111111111111111111, "
			    "o64 = 01777777777777777777777, f32 = 0.1, f64 = -2.5e-300 }");
	assert_string_equal(text(14),
			    "bits: { cpu_id = 0 }, { h5 = 0xF, o4 = 07, b7 = 0b0111111, b64 = "
			    "0b0000000000000000000000000000000000000000000000000000000000000001, "
			    "o64 = 010, f32 = 1e+20, f64 = 1.23457e+08 }");
	assert_string_equal(text(15),
			    "bits: { cpu_id = 0 }, { h5 = 0xF0, o4 = 070, b7 = 0b1000000, b64 = "
			    "0b1000000000000000000000000000000000000000000000000000000000000000, "
			    "o64 = 00, f32 = -0, f64 = 0.333333 }");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_count),
		cmocka_unit_test(test_flat_records_same_text),
		cmocka_unit_test(test_signed_unsigned_extremes),
		cmocka_unit_test(test_enumerations),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_arrays_structs_variants),
		cmocka_unit_test(test_empty_payload),
		cmocka_unit_test(test_odd_widths_and_floats),
	};

	return cmocka_run_group_tests(tests, read_trace, release);
}
