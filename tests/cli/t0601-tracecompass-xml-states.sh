#!/usr/bin/env bash
# The exported XML computes the native analyzers' states.  tests/tools/
# tcxml-run executes the document's stateProviders with Trace Compass's
# semantics (TransientState keeps equal values going, handlers in document
# order, eventField/context._vtid/cpu resolution) over babeltrace2's text of
# the trace, and compares every interval, attribute and value with the
# native records' tc.attribute/tc.value args in tjconv's Chrome JSON:
# tjgen's ncat (vtid), live-ncat-3 (vtid) and ref-basic-kernel-analysis
# (no vtid: the CPU's current thread).
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool babeltrace2 python3
plan 6

run() { # NAME DIR
	local n=$1 d=$2
	"$TJCONV" -q "$d" --to tracecompass-xml -o "$TMP/$n.xml"
	"$TJCONV" -q "$d" --to chrome-json -o "$TMP/$n.json"
	babeltrace2 --clock-seconds "$d" > "$TMP/$n.bt"
	tests/tools/tcxml-run "$TMP/$n.xml" "$TMP/$n.bt" "$TMP/$n.json" > "$TMP/$n.out"
	local rc=$?
	sed 's/^/# /' "$TMP/$n.out"
	check "$n: the XML's intervals are the native ones, one for one" test $rc = 0
	# Not vacuous: thread states, CPUs and handlers were all compared.
	check "$n: thread, CPU and IRQ attributes compared" \
		sh -c 'grep -q "Threads/[0-9]*/Status" "$1" && grep -q "CPUs/[0-9]*/Current_thread" "$1" && grep -q "IRQs/" "$1" && [ "$(sed -n "1s/ native.*//p" "$2")" -gt 50 ]' \
		_ "$TMP/$n.json" "$TMP/$n.out"
}

"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
run ncat "$TMP/ncat"
run live-ncat-3 "$TRACES/live-ncat-3"
run ref-basic-kernel-analysis "$TRACES/ref-basic-kernel-analysis"
