#!/usr/bin/env bash
# --analysis runs Trace Compass's own IRQ analysis (irq_analysis_lttng.xml,
# a pattern with two FSMs) natively on ref-16-cores-rt.  Expected values come
# from babeltrace2's text output through tests/tools/bt-tc-oracle (entry/exit
# pairs per CPU, the CPUs' current thread from sched_switch), compared
# interval by interval with what tests/tools/state-intervals reads back from
# the chrome-json output.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool babeltrace2 python3
plan 9
T="$TRACES/ref-16-cores-rt"
E="$TJ_TOP/../shared/schemas/tracecompass-examples"
SI="tests/tools/state-intervals --category lttng.analysis.irq"
babeltrace2 --clock-seconds "$T" > "$TMP/bt.txt" 2>/dev/null
"$TJCONV" "$T" --analysis "$E/irq_analysis_lttng.xml" --param analysis.tracks=attribute \
	--events none --to chrome-json -o "$TMP/irq.json" 2> "$TMP/err"
check "runs without error" test -s "$TMP/irq.json"
tests/tools/bt-tc-oracle irq-segments < "$TMP/bt.txt" > "$TMP/want-seg"
$SI --segments "$TMP/irq.json" > "$TMP/got-seg"
check_eq "one IRQ segment per entry/exit pair (babeltrace2: irq_handler_entry lines)" \
	"$(grep -c ' irq_handler_entry: ' "$TMP/bt.txt")" "$(wc -l < "$TMP/got-seg")"
check "IRQ segments: same names, start, end, cpu, irq, ret as the babeltrace2 pairs" \
	diff -u "$TMP/want-seg" "$TMP/got-seg"
check_eq "IRQ segment durations sum to the pairs' (ns)" \
	"$(awk -F'\t' '{s += $3 - $2} END {print s}' "$TMP/want-seg")" \
	"$(awk -F'\t' '{s += $3 - $2} END {print s}' "$TMP/got-seg")"
tests/tools/bt-tc-oracle current-thread < "$TMP/bt.txt" > "$TMP/want-ct"
$SI --prefix CPUs/ "$TMP/irq.json" > "$TMP/got-ct"
check "CPUs/N/Current_thread: one interval per change of sched_switch next_tid, per CPU" \
	diff -q "$TMP/want-ct" "$TMP/got-ct"
check_eq "CPUs with a current thread (babeltrace2: CPUs with sched_switch)" \
	"$(grep ' sched_switch: ' "$TMP/bt.txt" | grep -o 'cpu_id = [0-9]*' | sort -u | wc -l)" \
	"$($SI --prefix CPUs/ "$TMP/irq.json" | cut -d/ -f2 | sort -u | wc -l)"
# Each matched scenario leaves status MATCHED (2) until its slot is reused.
check_eq "scenario status MATCHED once per pair" "$(wc -l < "$TMP/want-seg")" \
	"$($SI --prefix scenarios/irq_handler/ "$TMP/irq.json" | awk -F'\t' '$1 ~ /status$/ && $4 == 2' | wc -l)"
check_match "the run says what it computed" "29340 state intervals over 94 attributes, 306 segments" \
	"$(cat "$TMP/err")"
# Default tracks: the CPU attribute goes on tjconv's own CPU track.
"$TJCONV" -q "$T" --analysis "$E/irq_analysis_lttng.xml" --events none --to chrome-json -o "$TMP/def.json"
check_eq "default tracks: CPUs/N/Current_thread on the CPU tracks, same intervals" \
	"$(cat "$TMP/want-ct" | md5sum)" "$($SI --prefix CPUs/ "$TMP/def.json" | md5sum)"
done_testing
