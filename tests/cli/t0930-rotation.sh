#!/usr/bin/env bash
# Session rotation: a program traced by two sessions at once, one rotated
# (lttng rotate) between its phases, the other not.  The rotated session's
# folder holds its completed chunks under archives/; converting it must give
# the same events, line for line, as the whole session converted at once,
# and as babeltrace2 reads the chunks.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lttng.sh"
lt_require
plan 7
N=300

lt_host tjrot && lt_prog
local_session() {
	lt_in tjrot lttng create "$1" --output="$TMP/$1" >/dev/null &&
		lt_in tjrot lttng enable-event -u 'tjlive:*' >/dev/null &&
		lt_in tjrot lttng add-context -u -t vpid -t vtid -t procname >/dev/null &&
		lt_in tjrot lttng start >/dev/null
}
check "a whole and a rotated session record the same program" local_session whole
local_session rot
for tag in p1 p2 p3; do
	lt_in tjrot "$LT_PROG" "$N" "$tag" >/dev/null
	[ "$tag" = p3 ] && break
	lt_in tjrot lttng rotate rot >/dev/null
done
# p3 is in the chunk being written: only the completed chunks are read.
"$TJCONV" "$TMP/rot" >"$TMP/partial.txt" 2>"$TMP/partial.err"; rc=$?
tags=$(grep -o 'tag = "p[0-9]"' "$TMP/partial.txt" | sort | uniq -c | awk '{print $1 "x" $4}' | tr -d '"' | tr '\n' ' ')
check_eq "while the session runs, the completed chunks only (exit 0)" "0 ${N}xp1 ${N}xp2 " "$rc $tags"
lt_in tjrot lttng rotate rot >/dev/null
lt_in tjrot lttng destroy --all >/dev/null
chunks=$(find "$TMP/rot/archives" -mindepth 1 -maxdepth 1 -type d | wc -l)
check "the rotated session has its chunks under archives/" test "$chunks" -ge 3

"$TJCONV" "$TMP/whole" >"$TMP/whole.txt" 2>"$TMP/whole.err"
"$TJCONV" "$TMP/rot" >"$TMP/rot.txt" 2>"$TMP/rot.err"; rc=$?
check_eq "the rotated session converts (exit 0), every event" "0 $((3 * N))" "$rc $(grep -c ' tjlive:tick: ' "$TMP/rot.txt")"
# Each session has its own buffers, so each reads the clock for itself: the
# same events, a few ns apart.  Everything after the timestamps must match.
untimed() { grep ' tjlive:tick: ' "$1" | sed 's/^\[[0-9:.]*\] ([^)]*) //'; }
check "chunk by chunk gives the same lines as the whole session at once" \
	cmp -s <(untimed "$TMP/whole.txt") <(untimed "$TMP/rot.txt")
events() { python3 -c '
import re, sys
for l in open(sys.argv[1]):
    m = re.match(r"\[([0-9:.]+)\].*seq = (\d+), tag = \"(\w+)\"", l)
    if m: print(m.group(1), m.group(3), m.group(2))' "$1"; }
babeltrace2 "$TMP/rot/archives" >"$TMP/bt.txt" 2>/dev/null
check "and the same events, in the same order, as babeltrace2 over the chunks" \
	cmp -s <(events "$TMP/bt.txt") <(events "$TMP/rot.txt")
# The chunks are one logical trace: one entry in the JSON metadata, named
# after the first chunk, though the chunks are three folders.
"$TJCONV" "$TMP/rot" --to chrome-json -o "$TMP/rot.json" 2>/dev/null
traces=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d["metadata"]["traces"]
print(len(t), "/archives/" in t[0]["path"], t[0]["path"].endswith("ust/uid/0/64-bit"))' "$TMP/rot.json" 2>&1)
check_eq "the chunks are one logical trace (one trace in the metadata)" "1 True True" "$traces"
done_testing
