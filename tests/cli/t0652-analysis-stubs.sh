#!/usr/bin/env bash
# Small hand-checked runs of Trace Compass example analyses on traces tjgen
# writes from Trace Compass-style stub event lists (tests/data/analysis/):
# the expected intervals and segments below were worked out by hand from
# Trace Compass's runtime (fsm/model: DataDrivenFsm, DataDrivenScenario,
# DataDrivenActionSegment; DataDrivenActionStateChange's increment), and the
# example files themselves are checked against Trace Compass's XSD.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool xmllint python3
plan 8
E="$TJ_TOP/../shared/schemas/tracecompass-examples"
X="$TJ_TOP/../shared/schemas/tracecompass/xmlDefinition.xsd"
D=tests/data/analysis
SI=tests/tools/state-intervals
for f in irq_analysis_lttng futex_analysis_lttng kvm_exits test_pattern_segment; do
	xmllint --noout --schema "$X" "$E/$f.xml" 2>/dev/null || echo "$f"
done > "$TMP/invalid"
check_eq "the example analyses are valid against Trace Compass's xmlDefinition.xsd" "" "$(cat "$TMP/invalid")"

# kvm_exits.xml: Reasons/<exit_reason> += 1 per kvm_exit (events at 10, 20,
# 30, 40 ns, reasons 30 30 1 30; trace ends at 50 ns: times below are
# relative to the first event).
"$TJGEN" -q --scenario tc-xml --input $D/kvm-stub.xml -o "$TMP/kvm"
"$TJCONV" -q "$TMP/kvm" --analysis "$E/kvm_exits.xml" --to chrome-json -o "$TMP/kvm.json"
check_eq "kvm_exits: increment counts each exit reason, intervals cut at the trace's end" \
	"Reasons/1	20	40	1
Reasons/30	0	10	1
Reasons/30	10	30	2
Reasons/30	30	40	3" "$($SI --category kernel.kvm.exit.sp "$TMP/kvm.json")"

# test_pattern_segment.xml: FSM test (multiple, consuming), state1 --test-->
# state2 (segment test1), state2 --test1--> state1 (segment test2).  Events:
# other 500, test 1000, test1 2000, test 3000, test1 4000, other 5000.  The
# first segment runs from the trace start (the scenario had not started when
# its transition's action ran), later ones from the scenario's start (1000);
# the pending scenario made at 2000 never sees an event (consumed first).
"$TJGEN" -q --scenario tc-xml --input $D/pattern-stub.xml -o "$TMP/ps"
"$TJCONV" -q "$TMP/ps" --analysis "$E/test_pattern_segment.xml" --to chrome-json -o "$TMP/ps.json"
check_eq "test_pattern_segment: four segments, start/end/fields as Trace Compass computes them" \
	"test1	0	500	
test1	500	2500	
test2	500	1500	field1=8,field2=\"test\",field3=1
test2	500	3500	field1=10,field2=\"test\",field3=1" "$($SI --category "xml test pattern segment" --segments "$TMP/ps.json")"
check_eq "test_pattern_segment: scenario 0 status pending 0-500, in progress 500-4500 (cut)" \
	"scenarios/test/0/status	0	500	0
scenarios/test/0/status	500	4500	1" "$($SI --category "xml test pattern segment" --prefix scenarios/test/0/status "$TMP/ps.json")"
check_eq "test_pattern_segment: a second scenario pending from the event after the first started" \
	"scenarios/test/1/status	1500	4500	0" "$($SI --category "xml test pattern segment" --prefix scenarios/test/1/status "$TMP/ps.json")"
check_eq "test_pattern_segment: scenario 0's state follows the transitions" \
	"scenarios/test/0/state	0	500	\"state1\"
scenarios/test/0/state	500	1500	\"state2\"
scenarios/test/0/state	1500	2500	\"state1\"
scenarios/test/0/state	2500	3500	\"state2\"
scenarios/test/0/state	3500	4500	\"state1\"" "$($SI --category "xml test pattern segment" --prefix scenarios/test/0/state "$TMP/ps.json" | grep -v startTime)"

# A view-only file has nothing to run.
"$TJCONV" -q "$TMP/ps" --analysis "$E/test_valid_xml_timegraphView.xml" -o "$TMP/v.txt" 2> "$TMP/err"
check_eq "a view-only file is refused: no stateProvider or pattern" \
	"1 no stateProvider or pattern in the file" \
	"$? $(grep -o 'no stateProvider or pattern in the file' "$TMP/err")"
check "and no output file is left" test ! -e "$TMP/v.txt"
done_testing
