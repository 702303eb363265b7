#!/usr/bin/env bash
# --to tracecompass-xml: the analyzers' models as a Trace Compass XML
# analysis.  For every shared trace tjconv reads and for tjgen's ncat trace
# the document must validate with libxml2 (xmllint) against Trace Compass's
# own schema, and tests/tools/tcxml-check must find in it every handler,
# view and latency segment the trace's events (as babeltrace2 prints them)
# call for, and no event name the trace lacks.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool xmllint babeltrace2 python3
XSD="$TJ_TOP/../shared/schemas/tracecompass/xmlDefinition.xsd"
[ -f "$XSD" ] || XSD="$(dirname "$TRACES")/schemas/tracecompass/xmlDefinition.xsd"
TRACE_DIRS=$(find "$TRACES" -mindepth 1 -maxdepth 1 -type d | sort)
plan $(( $(echo "$TRACE_DIRS" | wc -l) * 2 + 10 ))

# Event names and whether events carry a vtid context, from babeltrace2.
bt_names() { babeltrace2 "$1" 2>/dev/null |
	sed -n 's/^\[[^]]*\] ([^)]*) [^ ]* \([A-Za-z0-9_:]*\): .*/\1/p' | sort -u; }
bt_vtid() { if babeltrace2 "$1" 2>/dev/null | head -200 | grep -Eq '^\[[^]]*\] \([^)]*\) [^ ]* [^:]*: \{ cpu_id = [0-9]+ \}, \{ [^}]*vtid = '; then echo 1; else echo 0; fi; }
# The events of the analyzers' models (the kernel events tjconv analyzes).
KERNEL='^(sched_|syscall_|compat_syscall_|sys_|exit_syscall|irq_|softirq_|lttng_statedump_process_state|net_if_|netif_)'

# xmllint's verdict, its messages kept out of the TAP stream.
lint() { xmllint --noout --schema "$XSD" "$1" 2>"$1.lint" || { head -3 "$1.lint" | sed 's/^/# /'; return 1; }; }

check_trace() { # NAME DIR
	local name=$1 dir=$2 out="$TMP/$1.xml"
	bt_names "$dir" > "$TMP/$name.names"
	if "$TJCONV" -q "$dir" --to tracecompass-xml -o "$out" 2> "$TMP/$name.err"; then
		check "$name: validates against Trace Compass's xmlDefinition.xsd" \
			lint "$out"
		if tests/tools/tcxml-check "$out" "$TMP/$name.names" "$(bt_vtid "$dir")" > "$TMP/$name.bad"; then
			ok "$name: every handler, view and segment its events call for, no foreign event"
		else
			not_ok "$name: structure: $(head -3 "$TMP/$name.bad" | tr '\n' ';')"
		fi
	elif ! "$TJCONV" -q "$dir" --to text -o /dev/null 2>/dev/null; then
		# Not a trace tjconv reads at all (the text exporter fails alike).
		check "$name: tjconv does not read it, and says so" grep -q "trace" "$TMP/$name.err"
		check "$name: no output file left" test ! -e "$out"
	else
		check_eq "$name: fails only because babeltrace2 shows none of the analyzed kernel events" \
			"0 1" "$(grep -Ec "$KERNEL" "$TMP/$name.names") $(grep -c 'no analyzer model matches' "$TMP/$name.err")"
		check "$name: no output file left" test ! -e "$out"
	fi
}

for d in $TRACE_DIRS; do
	check_trace "$(basename "$d")" "$d"
done

"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
check_trace ncat "$TMP/ncat"

# The checker itself finds a missing handler and a foreign event name.
sed '/<eventHandler eventName="sched_switch">/,/<\/eventHandler>/d' "$TMP/ncat.xml" > "$TMP/cut.xml"
check "checker: a document without its sched_switch handler fails" \
	sh -c '! tests/tools/tcxml-check "$1" "$2" "$3" >/dev/null' _ "$TMP/cut.xml" "$TMP/ncat.names" "$(bt_vtid "$TMP/ncat")"
sed 's/net_if_receive_skb/netif_receive_skb/g' "$TMP/ncat.xml" > "$TMP/renamed.xml"
check "checker: netif_receive_skb in a net_if_receive_skb trace fails" \
	sh -c '! tests/tools/tcxml-check "$1" "$2" "$3" >/dev/null' _ "$TMP/renamed.xml" "$TMP/ncat.names" "$(bt_vtid "$TMP/ncat")"

# An analyzer built for ABI 2.0 (its descriptor ends before 2.2's model)
# runs beside the models: the host reads nothing past its descriptor (ASan
# would see it), and the document is the same.
"$TJCONV" -q --plugin-path "$TJ_BUILD/tests/abi" "$TMP/ncat" --to tracecompass-xml -o "$TMP/abi20.xml" 2>"$TMP/abi20.err"
check_eq "an ABI 2.0 analyzer loaded too: the run succeeds" "" "$(cat "$TMP/abi20.err")"
check "an ABI 2.0 analyzer loaded too: the same document" cmp -s "$TMP/ncat.xml" "$TMP/abi20.xml"

# Output errors: a one-line message, non-zero, no file.
"$TJCONV" -q "$TMP/ncat" --to tracecompass-xml -o "$TMP/no/such/dir/a.xml" 2> "$TMP/err"
check_eq "unwritable -o: fails with one line" "1" "$(wc -l < "$TMP/err")"
check "unwritable -o: no file left" test ! -e "$TMP/no/such/dir/a.xml"

# The native records carry the attribute and value the exported model gives
# Trace Compass (Trace Compass's StateValues, by state name, as the oracle),
# except those of no duration (Trace Compass keeps no interval for them).
"$TJCONV" -q "$TMP/ncat" --to chrome-json -o "$TMP/ncat.json"
python3 - "$TMP/ncat.json" > "$TMP/tc.out" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"] if isinstance(d, dict) else d
tc = {"blocked": 1, "running": 2, "syscall": 3, "interrupted": 4, "wait-cpu": 5, "wait": 6}
states = bad = irqs = ibad = 0
for e in ev:
    a = e.get("args", {})
    # A state that lasts no time is no Trace Compass interval: no tc.* then.
    if e.get("ph") == "X" and e.get("dur", 0) == 0 and e.get("cat") in ("thread_state", "irq", "softirq"):
        bad += "tc.attribute" in a or "tc.value" in a
        continue
    if e.get("cat") == "thread_state" and e.get("ph") == "X":
        states += 1
        if a.get("tc.value") != tc.get(e["name"]) or \
           not re.fullmatch(r"Threads/%d/Status" % (e["tid"] % 1000000000), a.get("tc.attribute", "")):
            bad += 1
    if e.get("cat") in ("irq", "softirq") and e.get("ph") == "X":
        irqs += 1
        soft = e["cat"] == "softirq"
        num = a.get("vec" if soft else "irq")
        if a.get("tc.value") != (2 if soft else 1) or \
           not re.fullmatch(r"CPUs/\d+/%s/%d" % ("Soft_IRQs" if soft else "IRQs", num), a.get("tc.attribute", "")):
            ibad += 1
print(states > 0 and bad == 0, irqs > 0 and ibad == 0, states, bad, irqs, ibad)
PY
read -r st ir ns nb ni nib < "$TMP/tc.out"
check_eq "ncat: all $ns thread-state intervals carry Threads/<tid>/Status and Trace Compass's value ($nb wrong)" True "$st"
check_eq "ncat: all $ni IRQ/softirq spans carry CPUs/<cpu>/(Soft_)IRQs/<n> and its value ($nib wrong)" True "$ir"
