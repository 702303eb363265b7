#!/usr/bin/env bash
# `tjconv stats` as a LAMI 1.0 analysis, the way Trace Compass runs an
# External Analysis (LamiAnalysis): `PROGRAM --mi-version` (the bare
# program), `COMMAND --metadata`, `COMMAND --test-compatibility TRACE`, then
# `COMMAND --output-progress --begin NS --end NS TRACE`; every output is
# checked by tests/tools/check-lami against the protocol's rules.  Also the
# options (--what, --top, --limit, the window, filters) and bad input.
. "$(dirname "$0")/../lib/tap.sh"
require_tool python3
plan 24
# the checker's summary as TAP comments, its verdict as the status
L=lami
lami() { tests/tools/check-lami "$@" | sed 's/^/# /'; return "${PIPESTATUS[0]}"; }
"$TJGEN" -q --scenario ncat -o "$TMP/ncat"

"$TJCONV" --mi-version > "$TMP/v"
check "the bare program answers --mi-version with 1.0 (Trace Compass asks it so)" $L --version "$TMP/v"
"$TJCONV" stats --mi-version > "$TMP/v2"
check_eq "stats --mi-version too" "1.0" "$(cat "$TMP/v2")"
"$TJCONV" stats --metadata > "$TMP/meta"
check "stats --metadata is LAMI metadata (no trace needed)" $L --metadata "$TMP/meta"
check_eq "metadata: 15 table classes, each of one --what group" \
	"15 syscall-stats syscall-per-tid syscall-top syscall-latency-freq sched-wakeup-total sched-wakeup-per-tid sched-wakeup-top cpu-usage-per-tid cpu-usage-per-cpu irq-hard-stats irq-soft-stats io-per-kind io-per-target net-per-netif net-per-connection" \
	"$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["table-classes"]; print(len(t), *t)' "$TMP/meta")"
"$TJCONV" stats --what irq,net --metadata > "$TMP/meta-in"
check_eq "--what irq,net --metadata declares only those tables" \
	"irq-hard-stats irq-soft-stats net-per-netif net-per-connection" \
	"$(python3 -c 'import json,sys; print(*json.load(open(sys.argv[1]))["table-classes"])' "$TMP/meta-in")"
check_eq "--test-compatibility on a trace: no output, exit 0 (compatible)" "0:" \
	"$("$TJCONV" stats --test-compatibility "$TMP/ncat" > "$TMP/tc"; echo "$?:$(cat "$TMP/tc")")"
"$TJCONV" stats --test-compatibility "$TMP/none" > "$TMP/tc2"
rc=$?
check_eq "--test-compatibility on a missing trace: exit 1 and an error object" \
	"1 cannot read trace '$TMP/none'" \
	"$rc $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error-message"])' "$TMP/tc2")"

"$TJCONV" stats "$TMP/ncat" --format lami > "$TMP/all.json"
check "tjgen ncat: results follow the metadata (classes, columns, value objects)" $L "$TMP/meta" "$TMP/all.json"
check_eq "tjgen ncat: 15 result tables in metadata order" \
	"$(python3 -c 'import json,sys; print(*json.load(open(sys.argv[1]))["table-classes"])' "$TMP/meta")" \
	"$(python3 -c 'import json,sys; print(*[r["class"] for r in json.load(open(sys.argv[1]))["results"]])' "$TMP/all.json")"
# tjgen's ncat scenario (doc/tjgen.md): the server's accept4 waits from
# tc+0 to tc+43 us, its read of "hello\n" returns 6
row() { python3 -c 'import json,sys
r=[x for x in json.load(open(sys.argv[1]))["results"] if x["class"]==sys.argv[2]][0]["data"]
for row in r:
    if any(c and (c.get("name")==sys.argv[3] or c.get("value")==sys.argv[3]) for c in row): print(json.dumps(row)); break' "$@"; }
check_match "tjgen ncat: accept4 counted once in syscall-stats" '"name": "accept4"\}, \{"class": "number", "value": 1\}' \
	"$(row "$TMP/all.json" syscall-stats accept4)"
check_match "tjgen ncat: lo interface carries the TCP packets both ways" \
	'"name": "lo"\}, \{"class": "number", "value": 9\}, \{"class": "size", "value": [0-9]+\}, \{"class": "number", "value": 9\}' \
	"$(row "$TMP/all.json" net-per-netif lo)"
check_match "tjgen ncat: the connection's packets from network_header" \
	'"127.0.0.1:4000 <-> 127.0.0.1:[0-9]+"\}, \{"class": "string", "value": "tcp"\}, \{"class": "number", "value": 9\}' \
	"$(row "$TMP/all.json" net-per-connection tcp)"

# the Trace Compass call: --output-progress --begin NS --end NS TRACE
# the window: from the 4th to the 12th syscall entry babeltrace2 shows
read -r b e < <(babeltrace2 --clock-seconds --no-delta "$TMP/ncat" | python3 -c 'import sys
ts=[int(l[1:11])*10**9+int(l[12:21]) for l in sys.stdin if " syscall_entry_" in l]
print(ts[3], ts[11])')
"$TJCONV" stats --what syscalls --output-progress --begin "$b" --end "$e" "$TMP/ncat" --format lami > "$TMP/win.out"
# what Trace Compass parses: from the first line starting with '{' (progress lines before it)
sed -n '/^{/,$p' "$TMP/win.out" > "$TMP/win.json"
check "a Trace Compass run (ns window, --output-progress) passes the checker" $L "$TMP/meta" "$TMP/win.json"
check_eq "its time range is the window given in ns" "$b $e" \
	"$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]["time-range"]; print(r["begin"]["value"], r["end"]["value"])' "$TMP/win.json")"
n_all=$(python3 -c 'import json,sys; print(sum(r[1]["value"] for r in json.load(open(sys.argv[1]))["results"][0]["data"]))' "$TMP/all.json")
n_win=$(python3 -c 'import json,sys; print(sum(r[1]["value"] for r in json.load(open(sys.argv[1]))["results"][0]["data"]))' "$TMP/win.json")
n_bt=$(babeltrace2 --clock-seconds --no-delta "$TMP/ncat" | python3 -c 'import sys
b,e=int(sys.argv[1]),int(sys.argv[2]); open_={}; n=0
for l in sys.stdin:
    ts=int(l[1:11])*10**9+int(l[12:21]); name=l.split()[2][:-1]
    cpu=l.split("cpu_id = ")[1].split()[0]; tid=l.split("vtid = ")[1].split(",")[0] if "vtid = " in l else cpu
    if not b<=ts<=e: continue
    if name.startswith("syscall_entry_"): open_[tid]=1
    elif name.startswith("syscall_exit_") and open_.pop(tid,0): n+=1
print(n)' "$b" "$e")
check_eq "the window counts the calls whose entry and exit are inside it (babeltrace2: $n_bt of $n_all)" \
	"$n_bt ok" "$n_win $([ "$n_bt" -gt 0 ] && [ "$n_bt" -lt "$n_all" ] && echo ok)"

"$TJCONV" stats "$TMP/ncat" --top 3 --format lami > "$TMP/top.json"
check_eq "--top 3: three slowest calls, longest first, the first is the longest call" "3 1 1" \
	"$(python3 -c 'import json,sys
res=json.load(open(sys.argv[1]))["results"]; t=[r for r in res if r["class"]=="syscall-top"][0]["data"]
s=[r for r in res if r["class"]=="syscall-stats"][0]["data"]; d=[r[1]["value"] for r in t]
print(len(t), int(d==sorted(d, reverse=True)), int(d[0]==max(r[5]["value"] for r in s)))' "$TMP/top.json")"
"$TJCONV" stats "$TMP/ncat" --limit 2 --format lami > "$TMP/lim.json"
check_eq "--limit 2 (lttng-analyses' spelling) keeps two rows in the top tables" "2 2" \
	"$(python3 -c 'import json,sys
res=json.load(open(sys.argv[1]))["results"]; print(*[len(r["data"]) for r in res if r["class"] in ("syscall-top","sched-wakeup-top")])' "$TMP/lim.json")"
"$TJCONV" stats "$TMP/ncat" --what syscalls --tid 2150 --format lami > "$TMP/tid.json"
check_eq "--tid 2150: the per-thread table holds that thread only" "2150" \
	"$(python3 -c 'import json,sys
res=json.load(open(sys.argv[1]))["results"]; print(*sorted({r[0]["tid"] for r in res[1]["data"]}))' "$TMP/tid.json")"
"$TJCONV" stats "$TMP/ncat" -o "$TMP/out.txt"
check_match "text to a file: titled tables" '^System call statistics$' "$(cat "$TMP/out.txt")"
check_match "text: the window on the first line" '^Timerange: \[[0-9-]+ [0-9:.]+, [0-9-]+ [0-9:.]+\] \([0-9.]+ s\)$' "$(head -1 "$TMP/out.txt")"

out=$("$TJCONV" stats "$TMP/ncat" --what bogus -o "$TMP/bad.txt" 2>&1)
rc=$?
check_eq "--what bogus: exit 1, one message naming the value, no output file" "1 1 no-file" \
	"$rc $(printf '%s\n' "$out" | grep -c "invalid --what 'bogus'") $([ -e "$TMP/bad.txt" ] && echo file || echo no-file)"
out=$("$TJCONV" stats "$TMP/ncat" --format xml 2>&1)
check_match "--format xml: refused with the choices" "invalid --format 'xml' \(expected text or lami\)" "$out"
out=$("$TJCONV" stats "$TMP/ncat" --top 2>&1)
rc=$?
check_eq "--top without a value: usage error (exit 2)" "2" "$rc"
out=$("$TJCONV" stats "$TMP/none" 2>&1)
rc=$?
check_match "a missing trace: exit 1 and a message naming it" "^1 .*$TMP/none" "$rc $out"
done_testing
