#!/usr/bin/env bash
# tjconv's YAML analyses run through the same model as Trace Compass XML:
# share/analyses/irq.yaml gives exactly the intervals and segments of
# Trace Compass's irq_analysis_lttng.xml on ref-16-cores-rt (and the
# babeltrace2-derived IRQ pairs), kvm-exits.yaml those of kvm_exits.xml.  The
# schema (schemas/tjconv-analysis.schema.json) is checked two ways: the
# shipped analyses validate against it with python3-jsonschema, and its
# properties are exactly the keys the C parser accepts.  Bad YAML: one line
# with file and line, exit 1, no output.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool babeltrace2 python3
plan 12
T="$TRACES/ref-16-cores-rt"
E="$TJ_TOP/../shared/schemas/tracecompass-examples"
D=tests/data/analysis
SI="tests/tools/state-intervals --category lttng.analysis.irq"
S=schemas/tjconv-analysis.schema.json
"$TJCONV" -q "$T" --analysis share/analyses/irq.yaml --param analysis.tracks=attribute \
	--events none --to chrome-json -o "$TMP/y.json"
"$TJCONV" -q "$T" --analysis "$E/irq_analysis_lttng.xml" --param analysis.tracks=attribute \
	--events none --to chrome-json -o "$TMP/x.json"
$SI "$TMP/y.json" > "$TMP/y.si"
$SI "$TMP/x.json" > "$TMP/x.si"
check_eq "irq.yaml: as many intervals as irq_analysis_lttng.xml (29340)" "29340 29340" \
	"$(wc -l < "$TMP/x.si") $(wc -l < "$TMP/y.si")"
check "irq.yaml: the same state intervals as the XML, one by one" cmp -s "$TMP/x.si" "$TMP/y.si"
babeltrace2 --clock-seconds "$T" 2>/dev/null | tests/tools/bt-tc-oracle irq-segments > "$TMP/want"
check "irq.yaml: segments are babeltrace2's IRQ entry/exit pairs" diff -q "$TMP/want" <($SI --segments "$TMP/y.json")
# Both on one run: two analyses side by side, each under its own category.
"$TJCONV" -q "$T" --analysis share/analyses/irq.yaml --analysis "$E/kvm_exits.xml" \
	--param analysis.tracks=attribute --events none --to chrome-json -o "$TMP/both.json"
check "--analysis twice: the IRQ analysis unchanged beside another" \
	cmp -s "$TMP/y.si" <($SI "$TMP/both.json")

"$TJGEN" -q --scenario tc-xml --input $D/kvm-stub.xml -o "$TMP/kvm"
"$TJCONV" -q "$TMP/kvm" --analysis share/analyses/kvm-exits.yaml --to chrome-json -o "$TMP/ky.json"
"$TJCONV" -q "$TMP/kvm" --analysis "$E/kvm_exits.xml" --to chrome-json -o "$TMP/kx.json"
K="tests/tools/state-intervals --category kernel.kvm.exit.sp"
check_eq "kvm-exits.yaml: the XML's counters (4 intervals)" "$($K "$TMP/kx.json")" "$($K "$TMP/ky.json")"

check "schema: its properties are the parser's keys" \
	tests/tools/check-analysis-schema keys plugins/analysis/parse_yaml.c $S
if python3 -c 'import jsonschema, yaml' 2>/dev/null; then
	check "schema: share/analyses/*.yaml validate" tests/tools/check-analysis-schema validate $S share/analyses/*.yaml
	check "schema: bad-key.yaml does not" sh -c "! tests/tools/check-analysis-schema validate $S $D/bad-key.yaml >/dev/null"
else
	skip_n 2 "python3-jsonschema or python3-yaml not installed"
fi
# bad FILE MESSAGE-REGEX: two tests
bad() {
	rm -f "$TMP/out.json"
	"$TJCONV" "$TMP/kvm" --analysis "$D/$1" --to chrome-json -o "$TMP/out.json" 2> "$TMP/err"
	local rc=$?
	check_match "$1: exit 1, one line: $2" "^1 1 tjconv: error: '$D/$1' $2" "$rc $(wc -l < "$TMP/err") $(cat "$TMP/err")"
}
bad bad-key.yaml "line 9: unknown key 'valu' in a state change"
bad bad-syntax.yaml "line 7: not valid YAML: did not find expected ',' or ']'"
bad bad-location.yaml "line 7: unknown location 'NoSuchPlace'"
check "no output file after a bad analysis" test ! -e "$TMP/out.json"
done_testing
