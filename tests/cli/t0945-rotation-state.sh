#!/usr/bin/env bash
# Analyzer state across a chunk boundary: the bundled ncat trace cut by
# babeltrace2's own trimmer into two chunks of a rotated session folder
# (SESSION/archives/BEGIN-END-N/kernel, as lttng rotate lays them out), cut
# while the server is blocked in accept4.  Converted chunk by chunk, it must
# give exactly what the whole trace gives, and the accept4 slice must span
# the boundary with the duration babeltrace2 shows between entry and exit.
. "$(dirname "$0")/../lib/tap.sh"
require_tool babeltrace2 python3
plan 6
S=share/samples/ncat-journey

# entry and exit of the server's accept4, in ns, from babeltrace2
read -r entry exit < <(babeltrace2 --clock-seconds "$S" | python3 -c '
import re, sys
ts = {}
for l in sys.stdin:
    m = re.match(r"\[(\d+)\.(\d+)\].* syscall_(entry|exit)_accept4:", l)
    if m: ts.setdefault(m.group(3), int(m.group(1)) * 10**9 + int(m.group(2)))
print(ts["entry"], ts["exit"])')
cut=$(((entry + exit) / 2))
cut_s=$((cut / 1000000000)).$(printf '%09d' $((cut % 1000000000)))
next_s=$(((cut + 1) / 1000000000)).$(printf '%09d' $(((cut + 1) % 1000000000)))
A=$TMP/sess/archives
babeltrace2 "$S" --end="$cut_s" -c sink.ctf.fs \
	-p "path=\"$A/20261125T114438+0000-20261125T114440+0000-0/kernel\",assume-single-trace=true" >/dev/null
babeltrace2 "$S" --begin="$next_s" -c sink.ctf.fs \
	-p "path=\"$A/20261125T114440+0000-20261125T114442+0000-1/kernel\",assume-single-trace=true" >/dev/null
count() { babeltrace2 "$1" 2>/dev/null | grep -c "$2"; }
check_eq "babeltrace2 cut the trace in two chunks, accept4's entry in the first, its exit in the second" \
	"$(count "$S" '^') 1 0 0 1" \
	"$(($(count "$A"/*-0 '^') + $(count "$A"/*-1 '^'))) $(count "$A"/*-0 entry_accept4) $(count "$A"/*-0 exit_accept4) $(count "$A"/*-1 entry_accept4) $(count "$A"/*-1 exit_accept4)"

"$TJCONV" "$S" >"$TMP/whole.txt" 2>/dev/null
"$TJCONV" "$TMP/sess" >"$TMP/chunks.txt" 2>"$TMP/chunks.err"; rc=$?
check_eq "the rotated session converts, exit 0" "0" "$rc"
check "the text of the chunks is the text of the whole trace, line for line" \
	cmp -s "$TMP/whole.txt" "$TMP/chunks.txt"
"$TJCONV" "$S" --to chrome-json -o "$TMP/whole.json" 2>/dev/null
"$TJCONV" "$TMP/sess" --to chrome-json -o "$TMP/chunks.json" 2>/dev/null
same=$(python3 -c '
import json, sys
a, b = (json.load(open(f))["traceEvents"] for f in sys.argv[1:3])
print(len(a) == len(b) and a == b)' "$TMP/whole.json" "$TMP/chunks.json" 2>&1)
check_eq "the Chrome JSON trace events of the chunks are those of the whole trace" "True" "$same"
slice=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = [e for e in d["traceEvents"] if e.get("ph") == "X" and e.get("name") == "accept4"]
print(len(s), round(s[0]["dur"] * 1000), "cut" in s[0]["args"], s[0]["args"].get("fd_target"))' "$TMP/chunks.json" 2>&1)
check_eq "accept4 is one slice across the boundary, entry to exit as babeltrace2 dates them, not cut" \
	"1 $((exit - entry)) False socket AF_INET SOCK_STREAM listening" "$slice"
traces=$(python3 -c '
import json, sys
print(len(json.load(open(sys.argv[1]))["metadata"]["traces"]))' "$TMP/chunks.json")
check_eq "the two chunks are one logical trace" "1" "$traces"
done_testing
