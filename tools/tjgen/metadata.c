/*
 * Writes the TSDL `metadata` file of a tjgen trace in the shape lttng-modules
 * 2.13 prints it: base type aliases, trace block with LTTng's packet header,
 * env block, the "monotonic" clock, packet context, both LTTng event header
 * variants, the stream (large header, optional event context), then one
 * event block per emitted class.
 */
#include "metadata.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tjgen.h"

/* Format strings are macros so -Wformat=2 can check them. */

/* Stands for the boot id LTTng uses as clock uuid; fixed for determinism. */
static const char tjg_clock_uuid[] = "5f7d4e2a-9c1b-4f3e-8a6d-2b0c9e8f7a61";

static const char tjg_tsdl_types[] =
	"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
	"typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
	"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := unsigned long;\n"
	"typealias integer { size = 5; align = 1; signed = false; } := uint5_t;\n"
	"typealias integer { size = 27; align = 1; signed = false; } := uint27_t;\n"
	"\n";

#define TJG_TSDL_TRACE \
	"trace {\n" \
	"\tmajor = 1;\n" \
	"\tminor = 8;\n" \
	"\tuuid = \"%s\";\n" \
	"\tbyte_order = le;\n" \
	"\tpacket.header := struct {\n" \
	"\t\tuint32_t magic;\n" \
	"\t\tuint8_t  uuid[16];\n" \
	"\t\tuint32_t stream_id;\n" \
	"\t\tuint64_t stream_instance_id;\n" \
	"\t};\n" \
	"};\n" \
	"\n"

#define TJG_TSDL_ENV \
	"env {\n" \
	"\thostname = \"%s\";\n" \
	"\tdomain = \"kernel\";\n" \
	"\tsysname = \"Linux\";\n" \
	"\tkernel_release = \"%s\";\n" \
	"\tkernel_version = \"#1 SMP PREEMPT_DYNAMIC Wed Nov 25 00:00:00 UTC 2026\";\n" \
	"\ttracer_name = \"lttng-modules\";\n" \
	"\ttracer_major = 2;\n" \
	"\ttracer_minor = 13;\n" \
	"\ttracer_patchlevel = 8;\n" \
	"\ttrace_buffering_scheme = \"global\";\n" \
	"\ttrace_name = \"%s\";\n" \
	"\ttrace_creation_datetime = \"20261125T114430+0000\";\n" \
	"};\n" \
	"\n"

#define TJG_TSDL_CLOCK \
	"clock {\n" \
	"\tname = \"monotonic\";\n" \
	"\tuuid = \"%s\";\n" \
	"\tdescription = \"Monotonic Clock\";\n" \
	"\tfreq = 1000000000; /* Frequency, in Hz */\n" \
	"\t/* clock value offset from Epoch is: offset * (1/freq) */\n" \
	"\toffset = %" PRIu64 ";\n" \
	"};\n" \
	"\n" \
	"typealias integer {\n" \
	"\tsize = 27; align = 1; signed = false;\n" \
	"\tmap = clock.monotonic.value;\n" \
	"} := uint27_clock_monotonic_t;\n" \
	"\n" \
	"typealias integer {\n" \
	"\tsize = 32; align = 8; signed = false;\n" \
	"\tmap = clock.monotonic.value;\n" \
	"} := uint32_clock_monotonic_t;\n" \
	"\n" \
	"typealias integer {\n" \
	"\tsize = 64; align = 8; signed = false;\n" \
	"\tmap = clock.monotonic.value;\n" \
	"} := uint64_clock_monotonic_t;\n" \
	"\n"

static const char tjg_tsdl_stream_types[] =
	"struct packet_context {\n"
	"\tuint64_clock_monotonic_t timestamp_begin;\n"
	"\tuint64_clock_monotonic_t timestamp_end;\n"
	"\tuint64_t content_size;\n"
	"\tuint64_t packet_size;\n"
	"\tuint64_t packet_seq_num;\n"
	"\tunsigned long events_discarded;\n"
	"\tuint32_t cpu_id;\n"
	"};\n"
	"\n"
	"struct event_header_compact {\n"
	"\tenum : uint5_t { compact = 0 ... 30, extended = 31 } id;\n"
	"\tvariant <id> {\n"
	"\t\tstruct {\n"
	"\t\t\tuint27_clock_monotonic_t timestamp;\n"
	"\t\t} compact;\n"
	"\t\tstruct {\n"
	"\t\t\tuint32_t id;\n"
	"\t\t\tuint64_clock_monotonic_t timestamp;\n"
	"\t\t} extended;\n"
	"\t} v;\n"
	"} align(8);\n"
	"\n"
	"struct event_header_large {\n"
	"\tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;\n"
	"\tvariant <id> {\n"
	"\t\tstruct {\n"
	"\t\t\tuint32_clock_monotonic_t timestamp;\n"
	"\t\t} compact;\n"
	"\t\tstruct {\n"
	"\t\t\tuint32_t id;\n"
	"\t\t\tuint64_clock_monotonic_t timestamp;\n"
	"\t\t} extended;\n"
	"\t} v;\n"
	"} align(8);\n"
	"\n";

/* What `lttng add-context -k -t procname -t vtid -t vpid -t prio` adds. */
static const char tjg_tsdl_stream[] =
	"stream {\n"
	"\tid = 0;\n"
	"\tevent.header := struct event_header_large;\n"
	"\tpacket.context := struct packet_context;\n";

static const char tjg_tsdl_event_context[] =
	"\tevent.context := struct {\n"
	"\t\tinteger { size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; } _procname[16];\n"
	"\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _vtid;\n"
	"\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _vpid;\n"
	"\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _prio;\n"
	"\t};\n";

void tjg_uuid_format(const uint8_t *u, char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
}

static void tjg_write_event(FILE *f, const struct tjg_event_class *ec, unsigned id)
{
	fprintf(f,
			"event {\n"
			"\tname = \"%s\";\n"
			"\tid = %u;\n"
			"\tstream_id = 0;\n"
			"\tfields := struct {\n"
			"%s"
			"\t};\n"
			"};\n"
			"\n",
			ec->name, id, ec->fields);
}

static void tjg_write_events(FILE *f, const struct tjg_metadata_info *info)
{
	unsigned id;

	for (id = 0; id < TJG_EV_COUNT; id++)
		if (info->events & TJG_EV_BIT(id))
			tjg_write_event(f, tjg_event_class_borrow((enum tjg_event_id)id), id);
	for (id = 0; id < info->nextra; id++)
		tjg_write_event(f, &info->extra[id], info->extra_first_id + id);
}

int tjg_metadata_write(const char *dir, const struct tjg_metadata_info *info)
{
	char path[4096];
	char uuid[37];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/metadata", dir) >= sizeof(path)) {
		tjg_error_append("path too long: '%s'", dir);
		return TJG_ERR;
	}
	f = fopen(path, "wx");
	if (!f) {
		tjg_error_append("cannot create '%s': %s", path, strerror(errno));
		return TJG_ERR;
	}
	tjg_uuid_format(info->uuid, uuid);
	fputs("/* CTF 1.8 */\n\n", f);
	fputs(tjg_tsdl_types, f);
	fprintf(f, TJG_TSDL_TRACE, uuid);
	fprintf(f, TJG_TSDL_ENV, info->hostname ? info->hostname : "tjgen-host",
		info->kernel_release ? info->kernel_release : "6.2.0-tjgen",
		info->trace_name);
	fprintf(f, TJG_TSDL_CLOCK, info->clock_uuid ? info->clock_uuid : tjg_clock_uuid,
		info->clock_offset_ns);
	fputs(tjg_tsdl_stream_types, f);
	fputs(tjg_tsdl_stream, f);
	if (info->with_context)
		fputs(tjg_tsdl_event_context, f);
	fputs("};\n\n", f);
	tjg_write_events(f, info);
	if (ferror(f) | (fclose(f) != 0)) {
		tjg_error_append("cannot write '%s': %s", path, strerror(errno));
		return TJG_ERR;
	}
	return TJG_OK;
}
