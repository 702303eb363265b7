#!/usr/bin/env bash
# Self-test of tests/tools/check-chrome-json, the independent checker of the
# Perfetto JSON importer rules that t0310 applies to tjconv's chrome-json
# output: hand-written small files, one rule broken in each, must be refused
# with the right one-line reason and exit code; good ones must pass.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
CHECK="$TJ_TOP/tests/tools/check-chrome-json"

require_tool python3 gzip
plan 52

# run_check FILE: sets $rc and $msg (stderr and stdout of the checker)
run_check() { msg=$("$CHECK" "$@" 2>&1); rc=$?; }
# refused NAME REGEX: the file $TMP/NAME.json is refused (exit 1) with REGEX
refused() {
	run_check "$TMP/$1.json"
	check_eq "$1: exit 1" 1 "$rc"
	check_match "$1: reason" "$2" "$msg"
}

cat > "$TMP/good.json" <<'EOF'
{"traceEvents":[
{"ph":"M","pid":1,"tid":1,"name":"process_name","args":{"name":"p"}},
{"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"t"}},
{"ph":"M","pid":1,"tid":1,"name":"thread_sort_index","args":{"sort_index":2}},
{"ph":"X","ts":1.5,"dur":1,"pid":1,"tid":1,"name":"child"},
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"parent"},
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"same as parent"},
{"ph":"X","ts":10,"dur":0,"pid":1,"tid":1,"name":"zero at the end"},
{"ph":"X","ts":10,"dur":5,"pid":1,"tid":1,"name":"adjacent"},
{"ph":"i","ts":3,"pid":1,"tid":1,"s":"t","name":"instant inside"},
{"ph":"i","ts":3,"s":"g","name":"global instant"},
{"ph":"B","ts":20,"pid":1,"tid":1,"name":"b"},
{"ph":"X","ts":21,"dur":1,"pid":1,"tid":1,"name":"inside b"},
{"ph":"E","ts":25,"pid":1,"tid":1},
{"ph":"X","ts":0,"dur":100,"pid":1,"tid":2,"name":"other thread"},
{"ph":"s","ts":2,"pid":1,"tid":1,"name":"f","cat":"c","id":"0x1"},
{"ph":"t","ts":50,"pid":1,"tid":2,"name":"f","cat":"c","id":"0x1"},
{"ph":"f","ts":12,"pid":1,"tid":1,"name":"f","cat":"c","id":"0x1","bp":"e"},
{"ph":"s","ts":0,"pid":1,"tid":1,"name":"f","cat":"c","id":7},
{"ph":"f","ts":16,"pid":1,"tid":1,"name":"f","cat":"c","id":7},
{"ph":"X","ts":30,"dur":1,"pid":1,"tid":1,"name":"next slice binds the f above"},
{"ph":"C","ts":1,"pid":1,"tid":1,"name":"ctr","args":{"a":1,"b":2.5}}
],
"displayTimeUnit":"ns","metadata":{"hostname":"h"}}
EOF
run_check "$TMP/good.json"
check_eq "good file passes" 0 "$rc"
check_eq "good file: no message" "" "$msg"
echo '[{"ph":"X","ts":0,"dur":1,"pid":1,"tid":1}]' > "$TMP/arr.json"
run_check "$TMP/arr.json"
check_eq "bare array format accepted" 0 "$rc"
gzip -c "$TMP/good.json" > "$TMP/good.json.gz"
run_check "$TMP/good.json.gz"
check_eq "gzip input is read" 0 "$rc"
run_check --stats "$TMP/good.json"
check_match "--stats counts events" "^events	21$" "$msg"
check_match "--stats counts per ph" "^ph	X	8$" "$msg"
check_match "--stats counts per name" "^name	X	child	1$" "$msg"

cat > "$TMP/overlap.json" <<'EOF'
{"traceEvents":[
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"a"},
{"ph":"X","ts":5,"dur":10,"pid":1,"tid":1,"name":"b"},
{"ph":"X","ts":5,"dur":10,"pid":1,"tid":2,"name":"other thread is fine"}]}
EOF
refused overlap 'overlap on pid 1 tid 1: \{#1 ph=X name="b" ts=5 dur=10.*ends after \{#0 ph=X name="a" ts=0 dur=10'

cat > "$TMP/overlap-float.json" <<'EOF'
{"traceEvents":[
{"ph":"X","ts":0.1,"dur":0.2,"pid":1,"tid":1,"name":"a"},
{"ph":"X","ts":0.2,"dur":0.1,"pid":1,"tid":1,"name":"ends exactly with a"}]}
EOF
run_check "$TMP/overlap-float.json"
check_eq "decimal ts compared exactly (0.1+0.2 is 0.3)" 0 "$rc"

cat > "$TMP/nodur.json" <<'EOF'
{"traceEvents":[{"ph":"X","ts":0,"pid":1,"tid":1,"name":"a"}]}
EOF
refused nodur 'X" without a numeric "dur"'

cat > "$TMP/negdur.json" <<'EOF'
{"traceEvents":[{"ph":"X","ts":0,"dur":-0.001,"pid":1,"tid":1,"name":"a"}]}
EOF
refused negdur 'negative "dur"'

cat > "$TMP/unbound.json" <<'EOF'
{"traceEvents":[
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"a"},
{"ph":"s","ts":5,"pid":1,"tid":1,"name":"f","cat":"c","id":1},
{"ph":"f","ts":20,"pid":1,"tid":1,"name":"f","cat":"c","id":1,"bp":"e"}]}
EOF
refused unbound 'unbound flow event: not inside a slice on pid 1 tid 1'

cat > "$TMP/unbound-order.json" <<'EOF'
{"traceEvents":[
{"ph":"s","ts":0,"pid":1,"tid":1,"name":"f","cat":"c","id":1},
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"same ts, later in the file"}]}
EOF
refused unbound-order 'ph=s .*unbound flow event: not inside a slice'

cat > "$TMP/unbound-next.json" <<'EOF'
{"traceEvents":[
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"a"},
{"ph":"s","ts":5,"pid":1,"tid":1,"name":"f","cat":"c","id":1},
{"ph":"f","ts":6,"pid":1,"tid":1,"name":"f","cat":"c","id":1}]}
EOF
refused unbound-next 'unbound flow event: not before a slice'

cat > "$TMP/nostart.json" <<'EOF'
{"traceEvents":[
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"a"},
{"ph":"s","ts":5,"pid":1,"tid":1,"name":"f","cat":"c","id":1},
{"ph":"t","ts":6,"pid":1,"tid":1,"name":"f","cat":"other","id":1}]}
EOF
refused nostart 'no earlier "s" with the same id, cat and name'

cat > "$TMP/reused.json" <<'EOF'
{"traceEvents":[
{"ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"name":"a"},
{"ph":"s","ts":1,"pid":1,"tid":1,"name":"f","cat":"c","id":"0xa"},
{"ph":"s","ts":2,"pid":1,"tid":1,"name":"f","cat":"c","id":"0xa"}]}
EOF
refused reused 'flow id started twice'

cat > "$TMP/floattid.json" <<'EOF'
{"traceEvents":[{"ph":"X","ts":0,"dur":1,"pid":1,"tid":1.5,"name":"a"}]}
EOF
refused floattid '"tid" missing or not an integer'

cat > "$TMP/strtid.json" <<'EOF'
{"traceEvents":[{"ph":"X","ts":0,"dur":1,"pid":1,"tid":"main","name":"a"}]}
EOF
refused strtid '"tid" missing or not an integer'

cat > "$TMP/nopid.json" <<'EOF'
{"traceEvents":[{"ph":"i","ts":0,"tid":1,"s":"t","name":"a"}]}
EOF
refused nopid '"pid" missing or not an integer'

cat > "$TMP/nots.json" <<'EOF'
{"traceEvents":[{"ph":"X","ts":"12","dur":1,"pid":1,"tid":1,"name":"a"}]}
EOF
refused nots '"ts" missing or not a number'

cat > "$TMP/badph.json" <<'EOF'
{"traceEvents":[{"ph":"Q","ts":0,"pid":1,"tid":1},{"ts":0}]}
EOF
refused badph 'missing or unknown "ph"'

cat > "$TMP/unbalanced.json" <<'EOF'
{"traceEvents":[
{"ph":"E","ts":1,"pid":1,"tid":1},
{"ph":"B","ts":2,"pid":1,"tid":1,"name":"open"}]}
EOF
refused unbalanced '"E" without an open "B"'
check_match "unbalanced: unclosed B reported too" '"B" never closed' "$msg"

cat > "$TMP/counter.json" <<'EOF'
{"traceEvents":[{"ph":"C","ts":0,"pid":1,"tid":1,"name":"c","args":{"v":"12"}}]}
EOF
refused counter '"C" with a non-numeric value'

cat > "$TMP/meta.json" <<'EOF'
{"traceEvents":[{"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"nom":"x"}}]}
EOF
refused meta 'thread_name without a string args.name'

cat > "$TMP/notop.json" <<'EOF'
{"events":[]}
EOF
refused notop 'no "traceEvents" array'

printf '{"traceEvents":[{"ph":"X","ts":0,"dur":1,"pid":1,"tid":1,"name":"a"}' > "$TMP/invalid.json"
run_check "$TMP/invalid.json"
check_eq "invalid json: exit 2" 2 "$rc"
check_match "invalid json: reason" '^check-chrome-json: invalid json: ' "$msg"

printf '{"traceEvents":[{"ph":"X","ts":0,"dur":1,"pid":1,"tid":1,"name":"\xff"}]}' > "$TMP/badutf8.json"
run_check "$TMP/badutf8.json"
check_eq "invalid UTF-8: exit 2" 2 "$rc"

printf '{"traceEvents":[{"ph":"X","ts":0,"dur":1,"pid":1,"tid":1,"name":"a\x01"}]}' > "$TMP/ctrl.json"
run_check "$TMP/ctrl.json"
check_eq "raw control character in a string: exit 2" 2 "$rc"

printf '{"traceEvents":[{"ph":"X","ts":NaN,"dur":1,"pid":1,"tid":1}]}' > "$TMP/nan.json"
run_check "$TMP/nan.json"
check_eq "NaN (not JSON): exit 2" 2 "$rc"

{
	echo '{"traceEvents":['
	for i in $(seq 1 30); do echo "{\"ph\":\"X\",\"ts\":$i,\"pid\":1,\"tid\":1},"; done
	echo '{"ph":"X","ts":0,"dur":1,"pid":1,"tid":1}]}'
} > "$TMP/many.json"
run_check "$TMP/many.json"
check_eq "many violations: exit 1" 1 "$rc"
check_eq "many violations: 20 reasons and a total" 21 "$(printf '%s\n' "$msg" | wc -l)"
check_match "many violations: total says how many were not shown" '30 violation\(s\) \(10 not shown\)' "$msg"
run_check --max 3 "$TMP/many.json"
check_eq "--max 3: 3 reasons and a total" 4 "$(printf '%s\n' "$msg" | wc -l)"

done_testing
