#!/usr/bin/env bash
# --jobs N hands the main thread flat event records (core/flat_event.h), not
# libbabeltrace2 messages: the output must be byte for byte that of --jobs 1
# for every exporter (text, chrome-json, tracecompass-xml, stats), on every
# real trace tjconv reads (../shared/traces), on tjgen's scenarios (ncat,
# load, lost-exits with discarded events, a torn stream file salvaged) and
# on hand-made traces holding every field kind (tests/tools/mkctf-fields:
# integers in every base, enumerations, strings with every escape, arrays,
# sequences, variants, nested structures, packet context), timed and
# untimed.  Equality alone could hide a defect both paths share, so the
# --jobs 2 text is also compared with babeltrace2's own (compare-bt-text) on
# the traces whose field kinds matter: the variant network_header of
# live-ncat-3, the hand-made fields, and the untimed copy.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
TJ_BUILD=$(cd "$TJ_BUILD" && pwd -P)
TJCONV="$TJ_BUILD/bin/tjconv"
TJGEN="$TJ_BUILD/bin/tjgen"
TOOLS="$TJ_TOP/tests/tools"
unset TJCONV_PLUGIN_PATH
export LC_ALL=C TZ=UTC
require_tool babeltrace2 python3
require_shared

# the traces: hand-made, generated, real
"$TOOLS/mkctf-fields" "$TMP/fields"
# untimed: the same events without a clock (no field named timestamp, no
# clock block, no tracer quirks)
"$TOOLS/mkctf-fields" "$TMP/untimed"
sed -i -e 's/ map = clock.monotonic.value;//' -e '/^clock {/,/^};/d' -e 's/timestamp/tstamp/g' \
	-e 's/tracer_name = "lttng-modules"/tracer_name = "tjtest"/' "$TMP/untimed/metadata"
"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
"$TJGEN" -q --scenario load --events 30000 --cpus 4 --discard 40 --packet-size 16k -o "$TMP/load"
"$TJGEN" -q --scenario lost-exits -o "$TMP/lost-exits"
cp -r "$TMP/load" "$TMP/torn"
truncate -s 50000 "$TMP/torn/channel0_1"
dirs=("$TMP/fields" "$TMP/untimed" "$TMP/ncat" "$TMP/load" "$TMP/lost-exits" "$TMP/torn")
for dir in "$TRACES"/*/; do
	dir=${dir%/}
	[ "$(basename "$dir")" = bt-lttng-modules-2.0-pre5 ] && continue
	[ -n "$(find "$dir" -name metadata -type f | head -n 1)" ] || continue
	dirs+=("$dir")
done
EXPORTERS=(text chrome-json tracecompass-xml stats)
plan $((${#dirs[@]} * (${#EXPORTERS[@]} + 1) + 16))

# run OUT ARGS...: tjconv's exit status and output (stdout for stats)
run() {
	local out=$1
	shift
	: >"$out"
	if [ "$1" = stats ]; then
		"$TJCONV" "$@" >"$out" 2>/dev/null
	else
		"$TJCONV" "$@" -o "$out" 2>/dev/null
	fi
	echo $? >"$out.rc"
}

# same A B: the same output and the same exit status
same() { cmp -s "$1" "$2" && [ "$(cat "$1.rc")" = "$(cat "$2.rc")" ]; }

for dir in "${dirs[@]}"; do
	name=$(basename "$dir")
	# --jobs 2 must really decode in 2 threads (else nothing is compared),
	# but for a trace of one stream file (tc-flipping-endianness)
	want="decoding: 2 threads (--jobs 2)"
	[ "$(find "$dir" -type f ! -name metadata ! -path '*/index/*' ! -name '*.txt' ! -name '*.pcap' | wc -l)" = 1 ] &&
		want="decoding: 1 thread (--jobs 2, 1 stream)"
	check_eq "$name: --jobs 2 says how it decodes" "$want" \
		"$("$TJCONV" -q --summary --jobs 2 "$dir" -o /dev/null 2>&1 | grep '^decoding:')"
	for x in "${EXPORTERS[@]}"; do
		if [ "$x" = stats ]; then args=(stats "$dir"); else args=("$dir" --to "$x"); fi
		run "$TMP/$name.$x.1" "${args[@]}" --jobs 1
		run "$TMP/$name.$x.2" "${args[@]}" --jobs 2
		check "$name: $x, --jobs 2 = --jobs 1 (exit $(cat "$TMP/$name.$x.1.rc"), $(wc -c <"$TMP/$name.$x.1") bytes)" \
			same "$TMP/$name.$x.1" "$TMP/$name.$x.2"
		rm -f "$TMP/$name.$x".[12]
	done
done

# the flat path against babeltrace2 itself
bt_ref() { babeltrace2 --clock-gmt "$1" >"$2" 2>/dev/null; }
tj_plain() { "$TJCONV" -q --clock-gmt --no-annotations --jobs 2 "$1" -o "$2" 2>/dev/null; }
ncat3="$TRACES/live-ncat-3/kernel"
bt_ref "$ncat3" "$TMP/ncat3.bt"
tj_plain "$ncat3" "$TMP/ncat3.tj"
check "live-ncat-3, --jobs 2: every line as babeltrace2's" "$TOOLS/compare-bt-text" "$TMP/ncat3.tj" "$TMP/ncat3.bt"
check_match "live-ncat-3: the reference holds variants (network_header, then its TCP header)" \
	'network_header = \{ \{ version = 4, .*transport_header_type = \( "_tcp" : container = 1 \), transport_header = \{ \{ source_port = 4444, dest_port = 4000' \
	"$(grep -m1 'network_header = { { version = 4' "$TMP/ncat3.bt")"
bt_ref "$TMP/fields" "$TMP/fields.bt"
tj_plain "$TMP/fields" "$TMP/fields.tj"
check "fields, --jobs 2: every line as babeltrace2's (every field kind)" \
	"$TOOLS/compare-bt-text" "$TMP/fields.tj" "$TMP/fields.bt"
check_eq "fields: the reference holds enums, sequences, variants and escapes" 4 \
	"$(grep -c -e '( "ONE TO FIVE", "OVERLAP" : container = 4 )' -e 'seq = \[ \[0\] = -1' \
		-e 'v = { "tab\\there" }' -e '\\x01\\x02' "$TMP/fields.bt")"
# untimed: babeltrace2 prints no time; compare the events (name and
# fields) stream by stream, in order
babeltrace2 "$TMP/untimed" >"$TMP/untimed.bt" 2>/dev/null
"$TJCONV" -q --no-annotations --jobs 2 "$TMP/untimed" -o "$TMP/untimed.tj" 2>/dev/null
check_eq "untimed, --jobs 2: the same events as babeltrace2's, stream by stream" \
	"$(sed 's/^fieldhost //' "$TMP/untimed.bt" | sort)" \
	"$(sed 's/^\[[^]]*\] ([^)]*) fieldhost cpu[0-9]* //' "$TMP/untimed.tj" | sort)"
check_eq "untimed: tjconv shows no time (?? columns) for all 17 events" 17 \
	"$(grep -c '^\[??:??:??.?????????\]' "$TMP/untimed.tj")"

# --jobs auto (the default): what it chose is in --summary; the expected
# count is the rule of doc/tjconv.1 computed here from nproc (which honours
# the affinity mask, as tjconv does)
cores=$(nproc)
ref16="$TRACES/ref-16-cores-rt/kernel"
"$TJGEN" -q --scenario load --events 400000 --cpus 4 -o "$TMP/big4"
if [ "$cores" -ge 2 ]; then
	want=$((cores > 2 ? cores - 1 : 2))
	[ "$want" -gt 4 ] && want=4
	want_line="decoding: $want threads (auto: 4 streams, $cores cores)"
	s16=$(find "$ref16" -maxdepth 1 -type f ! -name metadata -printf '%s\n' | awk '{s += $1} END {print s}')
	m16=$(stat -c %s "$ref16/metadata")
	want16="decoding: 1 thread (auto: $((s16 >> 20)) MiB of streams for $((m16 >> 10)) KiB of metadata)"
else
	want_line="decoding: 1 thread (auto: 1 core)"
	want16=$want_line
fi
check_eq "auto on a 4-stream trace of 20 MiB with $cores cores" "$want_line" \
	"$("$TJCONV" -q --summary "$TMP/big4" -o /dev/null 2>&1 | grep '^decoding:')"
check_eq "auto on ref-16-cores-rt (16 streams, 13 MiB, but 452 KiB of metadata parsed once more per thread): 1 thread" \
	"$want16" "$("$TJCONV" -q --summary "$ref16" -o /dev/null 2>&1 | grep '^decoding:')"
check_eq "auto on one core (taskset -c 0): 1 thread" "decoding: 1 thread (auto: 1 core)" \
	"$(taskset -c 0 "$TJCONV" -q --summary "$TMP/big4" -o /dev/null 2>&1 | grep '^decoding:')"
check_eq "auto on a trace under 1 MiB (live-ncat-3): 1 thread" \
	"decoding: 1 thread (auto: under 1 MiB of streams)" \
	"$("$TJCONV" -q --summary --jobs auto "$ncat3" -o /dev/null 2>&1 | grep '^decoding:')"
"$TJGEN" -q --scenario load --events 40000 --cpus 1 -o "$TMP/one"
check_eq "auto on a single-stream trace: 1 thread" "decoding: 1 thread (auto: 1 stream)" \
	"$("$TJCONV" -q --summary "$TMP/one" -o /dev/null 2>&1 | grep '^decoding:')"
# a single stream over 16 MiB: a worker decodes it (in packet windows)
"$TJGEN" -q --scenario load --events 400000 --cpus 1 -o "$TMP/big1"
mib=$(( $(stat -c %s "$TMP"/big1/channel0_0) >> 20 ))
if [ "$cores" -ge 2 ]; then
	want_big="decoding: 2 threads (auto: 1 stream of $mib MiB, $cores cores)"
else
	want_big="decoding: 1 thread (auto: 1 core)"
fi
check_eq "auto on one stream of $mib MiB (over 16): $want_big" "$want_big" \
	"$("$TJCONV" -q --summary "$TMP/big1" -o /dev/null 2>&1 | grep '^decoding:')"
printf 'jobs: auto\n' >"$TMP/auto.yaml"
printf 'jobs: 3\n' >"$TMP/three.yaml"
check_eq "config 'jobs: 3', then --jobs auto on the command line wins" \
	"$want_line" \
	"$("$TJCONV" -q --summary --config "$TMP/three.yaml" --jobs auto "$TMP/big4" -o /dev/null 2>&1 | grep '^decoding:')"
check_eq "config 'jobs: auto' is accepted" "$want_line" \
	"$("$TJCONV" -q --summary --config "$TMP/auto.yaml" "$TMP/big4" -o /dev/null 2>&1 | grep '^decoding:')"
check_eq "--jobs 3 is taken as given" "decoding: 3 threads (--jobs 3)" \
	"$("$TJCONV" -q --summary --jobs 3 "$ref16" -o /dev/null 2>&1 | grep '^decoding:')"

# what --jobs 2 costs in memory over --jobs 1 is flat in trace length: 10
# times the events, the same extra peak RSS (within 4 MiB: the queues are
# bounded, events are released on the workers at once)
"$TJGEN" -q --scenario load --events 20000 --cpus 4 -o "$TMP/m20k"
"$TJGEN" -q --scenario load --events 200000 --cpus 4 -o "$TMP/m200k"
peak() { /usr/bin/time -f %M "$TJCONV" -q --jobs "$2" --to chrome-json "$1" -o /dev/null 2>&1 >/dev/null | tail -n 1; }
small=$(($(peak "$TMP/m20k" 2) - $(peak "$TMP/m20k" 1)))
large=$(($(peak "$TMP/m200k" 2) - $(peak "$TMP/m200k" 1)))
check "--jobs 2 over --jobs 1: ${small} KiB more at 20k events, ${large} KiB at 200k (within 4 MiB)" \
	test $((large - small)) -lt 4096
done_testing
