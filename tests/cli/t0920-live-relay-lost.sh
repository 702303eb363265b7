#!/usr/bin/env bash
# The relay stops in the middle of a live run: tjconv says so in one line,
# exits 1, and what arrived is a finished output (text lines on stdout, a
# Chrome JSON document that parses and counts every event it holds).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lttng.sh"
lt_require
plan 6
N=1000

lt_relayd && lt_host tjlost && lt_prog
check "two live sessions on one relay" lt_session tjlost t
lt_session tjlost j
R=net://127.0.0.1:$LT_LIVE/host/tjlost
"$TJCONV" "$R/t" >"$TMP/t.txt" 2>"$TMP/t.err" &
tj_txt=$!
"$TJCONV" "$R/j" --to chrome-json -o "$TMP/j.json" 2>"$TMP/j.err" &
tj_json=$!
attached() { lt_clients_are t 1 && lt_clients_are j 1; }
lt_wait_for 30 attached
lt_in tjlost "$LT_PROG" "$N" lost >/dev/null
all_arrived() { [ "$(grep -c ' tjlive:tick: ' "$TMP/t.txt")" = "$N" ]; }
check "the events arrive while the relay runs" lt_wait_for 30 all_arrived

lt_stop_pid "$LT_RELAY_PID"
wait "$tj_txt"; rc_txt=$?
wait "$tj_json"; rc_json=$?
cat "$TMP/j.err" | sed "s/^/# /"
check_eq "both runs fail (exit 1) once the relay is gone" "1 1" "$rc_txt $rc_json"
check_match "the message says the live session was lost and why" \
	"^tjconv: error: .*\(lost the live session '$R/t' \(did the relay or the session daemon stop\?\)\)\$" \
	"$(cat "$TMP/t.err")"
check_eq "the text keeps every event that arrived" "$N" "$(grep -c ' tjlive:tick: ' "$TMP/t.txt")"
doc=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ticks = sum(1 for e in d["traceEvents"] if e.get("name") == "tjlive:tick")
# The JSON viewer may lag the text one: what matters is a whole document
# holding exactly what it read.
print(ticks <= int(sys.argv[2]) and ticks == d["metadata"]["events"])' "$TMP/j.json" "$N" 2>&1)
echo "# chrome-json: $(grep -o '"events":[0-9]*' "$TMP/j.json" | head -1) of $N"
check_eq "the Chrome JSON is a finished document of what arrived" "True" "$doc"
done_testing
