#!/usr/bin/env bash
# A thread named "io\nthd\x01\xff" (tjgen --hostile-comm): in the text
# exporter one event stays one line, the thread column shows the name with
# the escapes the fields column uses (\n, \xNN; bytes that are not UTF-8 as
# \xNN); chrome-json stays strict JSON.  babeltrace2 counts the events.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
require_tool babeltrace2 python3
export LC_ALL=C
plan 8

trace="$TMP/trace"
"$TJGEN" --scenario load --events 3000 --hostile-comm -o "$trace" -q
check_eq "babeltrace2 sees the hostile name in the trace" 1 \
	"$(babeltrace2 "$trace" | grep -c 'comm = "io\\nthd\\x01' | sed 's/^[1-9][0-9]*$/1/')"
"$TJCONV" "$trace" -o "$TMP/out.txt"
check_eq "text: exit 0" 0 $?
check_eq "text: one line per event (babeltrace2's count)" "$(babeltrace2 "$trace" | wc -l)" \
	"$(wc -l <"$TMP/out.txt")"
check_eq "text: every line is an event line" 0 "$(grep -vc '^\[' "$TMP/out.txt")"
# The fields column copies bytes >= 0x80 as babeltrace2 does; the columns
# before it (the thread, the event name) escape them.
check_eq "text: no raw \\x01 byte anywhere, no raw \\xff before the fields" "0 0" \
	"$(grep -c $'\x01' "$TMP/out.txt") $(sed 's/: {.*//' "$TMP/out.txt" | grep -c $'\xff')"
n=$(grep -cF ' io\nthd\x01\xff/2216 ' "$TMP/out.txt")
check "text: the thread column shows 'io\\nthd\\x01\\xff/2216' ($n events)" test "$n" -gt 0
"$TJCONV" "$trace" --to chrome-json -o "$TMP/out.json"
check_eq "chrome-json: exit 0" 0 $?
check_eq "chrome-json: strict JSON naming the thread, no raw control byte" "ok" \
	"$(python3 -c 'import json,sys
raw=open(sys.argv[1],"rb").read()
d=json.loads(raw.decode("utf-8"))
names=[e["args"]["name"] for e in d["traceEvents"] if e.get("ph")=="M" and e.get("name")=="thread_name"]
bad=any(b < 0x20 and b not in (0x0a,) for b in raw)
print("ok" if not bad and any(n.startswith("io") and "thd" in n and "_" not in n for n in names) else "bad")' "$TMP/out.json")"
done_testing
