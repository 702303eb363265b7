#!/usr/bin/env bash
# Round trip: the Trace Compass XML that `--to tracecompass-xml` writes from
# tjconv's own analyzers, run back through `--analysis`, gives the native
# analyzers' state intervals interval by interval (thread status, the CPUs'
# current thread, IRQ and softirq states: the records carrying tc.attribute
# and tc.value), on tjgen's ncat scenario, live-ncat-3 and
# ref-basic-kernel-analysis.
#
# Both sides are compared as Trace Compass's state system stores intervals
# (state-intervals --tc-normalize: a change to the value an attribute already
# holds does not split it, an empty interval is left out); the raw records
# are compared too (the last tests).  The XML
# also keeps what the native records leave out by design — the idle thread
# (Threads/0, Current_thread = 0), Threads/N/System_call and the Counts
# tree — and the test checks the native side has none of those, so the
# filter drops only XML-only attributes.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool python3
plan 11
SI=tests/tools/state-intervals
NAT="--category cpu --category irq --category softirq --category thread_state"
XML="--category tjconv.interrupts --category tjconv.syscalls"
ONLY_XML='^Counts|^Threads/0/|/System_call	|/Current_thread	.*	0$'
"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
for t in "$TMP/ncat" "$TRACES/live-ncat-3" "$TRACES/ref-basic-kernel-analysis"; do
	n=$(basename "$t")
	"$TJCONV" -q "$t" --to tracecompass-xml -o "$TMP/$n.xml"
	"$TJCONV" -q "$t" --analysis "$TMP/$n.xml" --param analysis.tracks=attribute --events none \
		--to chrome-json -o "$TMP/$n.json"
	$SI --tc-normalize $NAT "$TMP/$n.json" > "$TMP/$n.nat"
	$SI --tc-normalize $XML "$TMP/$n.json" | grep -vE "$ONLY_XML" > "$TMP/$n.xml.si"
	check_eq "$n: the native side has no XML-only attribute" "" "$(grep -E "$ONLY_XML" "$TMP/$n.nat" | head -3)"
	check "$n: the exported XML run by --analysis gives the native state intervals ($(wc -l < "$TMP/$n.nat"))" \
		diff -u "$TMP/$n.nat" "$TMP/$n.xml.si"
	raw=$($SI $NAT "$TMP/$n.json" | wc -l)
	echo "# $n: $raw raw native intervals, $(wc -l < "$TMP/$n.nat") as Trace Compass stores them"
done
check_eq "ncat: every interval kind compared (thread status, current thread, IRQ, softirq)" \
	"CPUs/N/Current_thread CPUs/N/IRQs/N CPUs/N/Soft_IRQs/N Threads/N/Status" \
	"$(cut -f1 "$TMP/ncat.nat" | sed 's/[0-9][0-9]*/N/g' | sort -u | xargs)"
check "ref-basic-kernel-analysis: more than 60000 intervals compared" test "$(wc -l < "$TMP/ref-basic-kernel-analysis.nat")" -gt 60000
awk -F'\t' 'NR == 5 {$3 = $3 + 1} {print}' OFS='\t' "$TMP/ncat.xml.si" > "$TMP/moved"
check "the comparison sees a difference: one interval moved by 1 ns fails it" \
	sh -c '! cmp -s "$1" "$2"' - "$TMP/moved" "$TMP/ncat.nat"
# Raw records, no normalisation: the native side now keeps Trace Compass's
# storage rules itself; the engine adds only the empty intervals Trace Compass
# keeps at the very end ([t, t] when a state began at the last event).
$SI $NAT "$TMP/live-ncat-3.json" > "$TMP/raw.nat"
$SI $XML "$TMP/live-ncat-3.json" | grep -vE "$ONLY_XML" > "$TMP/raw.xml"
check_eq "live-ncat-3 raw: every native interval is in the engine's output" "" "$(LC_ALL=C comm -23 <(LC_ALL=C sort "$TMP/raw.nat") <(LC_ALL=C sort "$TMP/raw.xml") | head -3)"
check_eq "live-ncat-3 raw: the engine's extra intervals are empty ones at the end" "" \
	"$(LC_ALL=C comm -13 <(LC_ALL=C sort "$TMP/raw.nat") <(LC_ALL=C sort "$TMP/raw.xml") | awk -F'\t' '$2 != $3' | head -3)"
done_testing
