#!/usr/bin/env bash
# --follow on a rotated session: tjconv converts each chunk as lttng
# archives it (after each `lttng rotate`), keeps waiting, and on SIGINT
# finishes its output: the same text as converting the chunks afterwards
# in one go, and a valid Chrome JSON.  Waits are on what the output shows.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lttng.sh"
lt_require
plan 8
N=200

lt_host tjfol && lt_prog
lt_in tjfol lttng create fol --output="$TMP/fol" >/dev/null &&
	lt_in tjfol lttng enable-event -u 'tjlive:*' >/dev/null &&
	lt_in tjfol lttng add-context -u -t vpid -t vtid -t procname >/dev/null &&
	lt_in tjfol lttng start >/dev/null
lt_in tjfol "$LT_PROG" "$N" p1 >/dev/null
rotate() { lt_in tjfol lttng rotate fol >/dev/null; }
check "a session rotated once has a chunk in archives/" rotate

"$TJCONV" --follow "$TMP/fol" >"$TMP/follow.txt" 2>"$TMP/follow.err" &
tj_txt=$!
"$TJCONV" --follow "$TMP/fol" --to chrome-json -o "$TMP/follow.json" 2>"$TMP/followj.err" &
tj_json=$!
lines() { [ "$(grep -c ' tjlive:tick: ' "$TMP/follow.txt")" = "$1" ]; }
check "the first chunk is converted at once" lt_wait_for 30 lines "$N"
lt_in tjfol "$LT_PROG" "$N" p2 >/dev/null
lt_in tjfol lttng rotate fol >/dev/null
check "the second chunk comes out when it is archived" lt_wait_for 30 lines $((2 * N))
lt_in tjfol "$LT_PROG" "$N" p3 >/dev/null
lt_in tjfol lttng rotate fol >/dev/null
check "and the third" lt_wait_for 30 lines $((3 * N))
alive=0; kill -0 "$tj_txt" 2>/dev/null && kill -0 "$tj_json" 2>/dev/null && alive=1
kill -INT "$tj_txt" "$tj_json"
wait "$tj_txt"; rc_txt=$?
wait "$tj_json"; rc_json=$?
check_eq "both runs kept waiting, and end on SIGINT with exit 0" "1 0 0" "$alive $rc_txt $rc_json"

"$TJCONV" "$TMP/fol" >"$TMP/once.txt" 2>/dev/null
check "the followed text is the text of the chunks converted in one go" \
	cmp -s "$TMP/once.txt" "$TMP/follow.txt"
tags=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ticks = [e["args"]["tag"] for e in d["traceEvents"] if e.get("name") == "tjlive:tick"]
print(len(ticks), " ".join(sorted(set(ticks))))' "$TMP/follow.json" 2>&1)
check_eq "the Chrome JSON is valid and holds the events of every chunk" "$((3 * N)) p1 p2 p3" "$tags"
out=$("$TJCONV" --follow "$(ls -d "$TMP"/fol/archives/*-0)" 2>&1); rc=$?
check_match "--follow on a folder that is not a rotated session: one line, exit 1" \
	"^tjconv: error: --follow needs a rotated session folder .* rc=1\$" "$out rc=$rc"
lt_in tjfol timeout 60 lttng destroy fol >/dev/null
done_testing
