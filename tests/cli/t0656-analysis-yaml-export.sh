#!/usr/bin/env bash
# The analyses loaded with --analysis are exported by --to tracecompass-xml
# like the built-in analyzers (the analysis plugin's .model hands them over
# as Trace Compass XML, tj_model.tmfxml): share/analyses/irq.yaml on
# ref-16-cores-rt and tjgen's ncat trace gives a file that validates against
# Trace Compass's XSD, holds the YAML's pattern (its FSMs, tests and
# actions), and run back through --analysis gives the YAML's state intervals
# and segments one by one, which are those of Trace Compass's own
# irq_analysis_lttng.xml.  kvm-exits.yaml (a stateProvider with an
# increment) and the real futex_analysis_lttng.xml (initialState, stored
# context, segments) round-trip the same way.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool xmllint python3
plan 14
T="$TRACES/ref-16-cores-rt"
E="$TJ_TOP/../shared/schemas/tracecompass-examples"
XSD="$TJ_TOP/../shared/schemas/tracecompass/xmlDefinition.xsd"
D=tests/data/analysis
SI=tests/tools/state-intervals
valid() { xmllint --noout --schema "$XSD" "$1" 2>/dev/null; }
xp() { xmllint --xpath "$1" "$2" 2>/dev/null; }
# run TRACE ANALYSIS CATEGORY OUT: OUT.si (intervals) and OUT.seg (segments)
run() {
	"$TJCONV" -q "$1" --analysis "$2" --param analysis.tracks=attribute --events none \
		--to chrome-json -o "$4.json" 2>/dev/null
	$SI --category "$3" "$4.json" > "$4.si"
	$SI --segments --category "$3" "$4.json" > "$4.seg"
}
IRQ=lttng.analysis.irq

"$TJCONV" -q "$T" --analysis share/analyses/irq.yaml --to tracecompass-xml -o "$TMP/x.xml"
check "ref-16-cores-rt: the export with irq.yaml validates against xmlDefinition.xsd" valid "$TMP/x.xml"
P="/tmfxml/pattern[@id='$IRQ']"
check_eq "the file holds irq.yaml's pattern: label, FSMs, tests, actions" \
	"IRQ Analysis|irq_handler sched_switch|test_cpu|3" \
	"$(xp "string($P/head/label/@value)" "$TMP/x.xml")|$(xp "$P/patternHandler/fsm/@id" "$TMP/x.xml" | sed 's/ *id="\([^"]*\)"/\1/' | paste -sd' ')|$(xp "string($P/patternHandler/test/@id)" "$TMP/x.xml")|$(xp "count($P/patternHandler/action)" "$TMP/x.xml")"
check_eq "irq_handler: entry -> exit (test_cpu) -> final, as in irq.yaml" \
	"wait_irq_entry>wait_irq_exit|irq_handler_exit|test_cpu|irq" \
	"$(xp "string($P//fsm[@id='irq_handler']/@initial)" "$TMP/x.xml")>$(xp "string($P//fsm[@id='irq_handler']/state[@id='wait_irq_entry']/transition/@target)" "$TMP/x.xml")|$(xp "string($P//state[@id='wait_irq_exit']/transition/@event)" "$TMP/x.xml")|$(xp "string($P//state[@id='wait_irq_exit']/transition/@cond)" "$TMP/x.xml")|$(xp "string($P//fsm[@id='irq_handler']/final/@id)" "$TMP/x.xml")"
run "$T" share/analyses/irq.yaml $IRQ "$TMP/y"
run "$T" "$TMP/x.xml" $IRQ "$TMP/xx"
run "$T" "$E/irq_analysis_lttng.xml" $IRQ "$TMP/tc"
check_eq "the exported file gives irq.yaml's interval count (29340)" "29340 29340" \
	"$(wc -l < "$TMP/y.si") $(wc -l < "$TMP/xx.si")"
check "the exported file gives irq.yaml's state intervals, one by one" diff -q "$TMP/y.si" "$TMP/xx.si"
check "... and its segments ($(wc -l < "$TMP/y.seg"))" \
	sh -c "[ -s '$TMP/y.seg' ] && cmp -s '$TMP/y.seg' '$TMP/xx.seg'"
check "the exported IRQ pattern gives Trace Compass's irq_analysis_lttng.xml intervals and segments" \
	sh -c "[ -s '$TMP/tc.si' ] && [ -s '$TMP/tc.seg' ] && cmp -s '$TMP/tc.si' '$TMP/xx.si' && cmp -s '$TMP/tc.seg' '$TMP/xx.seg'"

"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
"$TJCONV" -q "$TMP/ncat" --analysis share/analyses/irq.yaml --to tracecompass-xml -o "$TMP/n.xml"
check_eq "ncat: the export with irq.yaml validates and holds its pattern" "valid 1" \
	"$(valid "$TMP/n.xml" && echo valid) $(xp "count($P)" "$TMP/n.xml")"
run "$TMP/ncat" share/analyses/irq.yaml $IRQ "$TMP/ny"
run "$TMP/ncat" "$TMP/n.xml" $IRQ "$TMP/nx"
check "ncat: the same intervals ($(wc -l < "$TMP/ny.si")) and segments ($(wc -l < "$TMP/ny.seg")) as irq.yaml" \
	sh -c "[ -s '$TMP/ny.si' ] && cmp -s '$TMP/ny.si' '$TMP/nx.si' && cmp -s '$TMP/ny.seg' '$TMP/nx.seg'"

# A YAML stateProvider: Reasons/$exit_reason += 1 on kvm_exit.
"$TJGEN" -q --scenario tc-xml --input $D/kvm-stub.xml -o "$TMP/kvm"
"$TJCONV" -q "$TMP/kvm" --analysis share/analyses/kvm-exits.yaml --to tracecompass-xml -o "$TMP/k.xml"
K="/tmfxml/stateProvider[@id='kernel.kvm.exit.sp']/eventHandler[@eventName='kvm_exit']/stateChange/stateValue"
check_eq "kvm-exits.yaml: exported valid, an increment of 1 on kvm_exit" "valid int 1 true" \
	"$(valid "$TMP/k.xml" && echo valid) $(xp "string($K/@type)" "$TMP/k.xml") $(xp "string($K/@value)" "$TMP/k.xml") $(xp "string($K/@increment)" "$TMP/k.xml")"
run "$TMP/kvm" "$TMP/k.xml" kernel.kvm.exit.sp "$TMP/kx"
run "$TMP/kvm" "$E/kvm_exits.xml" kernel.kvm.exit.sp "$TMP/kt"
check "kvm-exits.yaml exported: kvm_exits.xml's counters ($(wc -l < "$TMP/kt.si") intervals)" \
	sh -c "[ -s '$TMP/kt.si' ] && cmp -s '$TMP/kt.si' '$TMP/kx.si'"

# A real Trace Compass file through the same path: initialState, stored
# context, conditions joined with ':', segments.
F=lttng.analysis.futex
"$TJCONV" -q "$T" --analysis "$E/futex_analysis_lttng.xml" --to tracecompass-xml -o "$TMP/f.xml"
check "futex_analysis_lttng.xml re-exported validates" valid "$TMP/f.xml"
run "$T" "$E/futex_analysis_lttng.xml" $F "$TMP/fo"
run "$T" "$TMP/f.xml" $F "$TMP/fx"
check "futex re-exported: the same intervals ($(wc -l < "$TMP/fo.si")) and segments ($(wc -l < "$TMP/fo.seg"))" \
	sh -c "[ -s '$TMP/fo.si' ] && cmp -s '$TMP/fo.si' '$TMP/fx.si' && cmp -s '$TMP/fo.seg' '$TMP/fx.seg'"
check_eq "futex: its 4 FSMs' initialState elements come back as such" "4 4" \
	"$(xp "count(//fsm/initialState)" "$E/futex_analysis_lttng.xml") $(xp "count(/tmfxml/pattern[@id='$F']//fsm/initialState)" "$TMP/f.xml")"
done_testing
