#!/usr/bin/env bash
# Two hosts (session daemons in their own UTS namespaces) stream into one
# relay; one tjconv run reads both live sessions.  The program runs in four
# phases, alpha, beta, alpha, beta, each finished before the next starts, so
# the time order is known; babeltrace2 over what the relay wrote is the
# oracle for the exact sequence.  The Chrome JSON puts each host's
# processes in a group of their own.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lttng.sh"
lt_require
plan 10
N=200

lt_relayd && lt_host tjalpha && lt_host tjbeta && lt_prog
check "two hosts stream live sessions to one relay" \
	lt_session tjalpha fleet
lt_session tjbeta fleet && lt_session tjalpha fleetj && lt_session tjbeta fleetj
R=net://127.0.0.1:$LT_LIVE
"$TJCONV" "$R/host/tjalpha/fleet" "$R/host/tjbeta/fleet" >"$TMP/fleet.txt" 2>"$TMP/fleet.err" &
tj_txt=$!
"$TJCONV" "$R/host/tjalpha/fleetj" "$R/host/tjbeta/fleetj" --to chrome-json \
	-o "$TMP/fleet.json" 2>"$TMP/fleetj.err" &
tj_json=$!
attached() { [ "$(lt_clients fleet | sort | tr '\n' ' ')" = "1 1 " ] &&
	[ "$(lt_clients fleetj | sort | tr '\n' ' ')" = "1 1 " ]; }
check "one tjconv run is attached to both hosts' sessions (twice)" lt_wait_for 30 attached

# One event from beta first: a session has streams only once an app
# registered, and until then nothing can say it is quiet.
lt_in tjbeta "$LT_PROG" 1 b0 >/dev/null
for phase in tjalpha:a1 tjbeta:b1 tjalpha:a2 tjbeta:b2; do
	lt_in "${phase%%:*}" "$LT_PROG" "$N" "${phase#*:}" >/dev/null
	if [ "$phase" = tjalpha:a1 ]; then
		# beta has sent nothing yet: its relay's "inactive until" beacons
		# let alpha's events through, in time order, without waiting
		a1_out() { [ "$(grep -c 'tag = "a1"' "$TMP/fleet.txt")" = "$N" ]; }
		check "alpha's events come out while beta is quiet" lt_wait_for 30 a1_out
	fi
done
lt_in tjalpha timeout 60 lttng destroy --all >/dev/null
lt_in tjbeta timeout 60 lttng destroy --all >/dev/null
wait "$tj_txt"; rc_txt=$?
wait "$tj_json"; rc_json=$?
check_eq "the runs end when both sessions do, exit 0" "0 0" "$rc_txt $rc_json"

# (host, tag, seq) per line, and whether timestamps never go back.
triples() { python3 -c '
import re, sys
prev, back, out = "", 0, []
for l in open(sys.argv[1]):
    m = re.match(r"\[([0-9:.]+)\] \(\S+\) (\S+) .*tjlive:tick.*seq = (\d+), tag = \"(\w+)\"", l)
    if m:
        back += m.group(1) < prev
        prev = m.group(1)
        out.append("%s/%s/%s" % (m.group(2), m.group(4), m.group(3)))
print(len(out), "back=%d" % back)
print("\n".join(out))' "$1"; }
triples "$TMP/fleet.txt" >"$TMP/tj.seq"
babeltrace2 "$LT_RELAY_OUT"/tjalpha/fleet-* "$LT_RELAY_OUT"/tjbeta/fleet-* >"$TMP/bt.txt" 2>"$TMP/bt.err"
triples "$TMP/bt.txt" >"$TMP/bt.seq"
check_eq "every event of both hosts arrived, time never goes back" "$((4 * N + 1)) back=0" "$(head -1 "$TMP/tj.seq")"
check "the text has babeltrace2's sequence (host, tag, seq) line for line" cmp -s "$TMP/bt.seq" "$TMP/tj.seq"
phases=$(sed 1d "$TMP/tj.seq" | cut -d/ -f1,2 | uniq | tr '\n' ' ')
check_eq "the phases come in time order, each under its host" \
	"tjbeta/b0 tjalpha/a1 tjbeta/b1 tjalpha/a2 tjbeta/b2 " "$phases"

# Chrome JSON: the ticks of a host sit in processes named after it, and no
# process holds ticks of two hosts.
groups=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = {e["pid"]: e["args"]["name"] for e in d["traceEvents"]
         if e.get("ph") == "M" and e.get("name") == "process_name"}
per_pid = {}
for e in d["traceEvents"]:
    if e.get("name") == "tjlive:tick":
        per_pid.setdefault(e["pid"], set()).add(e["args"]["tag"][0])
ok = all(names.get(p, "").endswith("(tjalpha)") == (t == {"a"}) and
         names.get(p, "").endswith("(tjbeta)") == (t == {"b"}) for p, t in per_pid.items())
print(len(per_pid), sum(1 for e in d["traceEvents"] if e.get("name") == "tjlive:tick"), ok)' "$TMP/fleet.json" 2>&1)
check_eq "Chrome JSON: 5 processes (one per program run), every tick, each under its host" "5 $((4 * N + 1)) True" "$groups"
hosts=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(t["hostname"] for t in d["metadata"]["traces"])))' "$TMP/fleet.json" 2>&1)
check_eq "Chrome JSON metadata names both hosts" "tjalpha tjbeta" "$hosts"

# The relay's output folder (both hosts' session folders below it): one
# timeline too, the hostname on each line, babeltrace2's order.
"$TJCONV" "$LT_RELAY_OUT" >"$TMP/dirs.txt" 2>"$TMP/dirs.err"
triples "$TMP/dirs.txt" >"$TMP/dirs.seq"
babeltrace2 "$LT_RELAY_OUT" >"$TMP/btdirs.txt" 2>/dev/null
triples "$TMP/btdirs.txt" >"$TMP/btdirs.seq"
check "the session folders of both hosts, read at once, give babeltrace2's sequence" \
	cmp -s "$TMP/btdirs.seq" "$TMP/dirs.seq"
done_testing
