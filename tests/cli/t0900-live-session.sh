#!/usr/bin/env bash
# Live sessions through a real lttng-relayd: a UST program traces into two
# live sessions (the relay serves each to one viewer) while tjconv reads one
# as text and the other as Chrome JSON.  Every event the program says it
# emitted must arrive, the text while the session still runs, in the order
# babeltrace2 reads from what the relay wrote to disk; listing, a busy or
# missing session, an unreachable relay and Ctrl-C are checked too.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lttng.sh"
lt_require
plan 20
N=3000

check "the relay starts on free loopback ports" lt_relayd
check "a session daemon starts as host tjhosta" lt_host tjhosta
check "the traced program compiles" lt_prog
out=$("$TJCONV" "net://127.0.0.1:$LT_LIVE" 2>&1); rc=$?
check_eq "a relay without sessions: a notice, exit 0" \
	"tjconv: notice: the relay 'net://127.0.0.1:$LT_LIVE' offers no session rc=0" "$out rc=$rc"
check "live sessions s1 and s1j are created and started" lt_session tjhosta s1
lt_session tjhosta s1j
URL=net://127.0.0.1:$LT_LIVE/host/tjhosta/s1

out=$("$TJCONV" "net://127.0.0.1:$LT_LIVE" 2>&1)
check_match "tjconv net://relay lists the session" "^$URL \(timer = 100000, .*client" "$out"

"$TJCONV" "$URL" >"$TMP/live.txt" 2>"$TMP/live-txt.err" &
tj_txt=$!
"$TJCONV" "${URL}j" --to chrome-json -o "$TMP/live.json" 2>"$TMP/live-json.err" &
tj_json=$!
attached() { lt_clients_are s1 1 && lt_clients_are s1j 1; }
check "both tjconv runs are attached to their session" lt_wait_for 30 attached
out=$("$TJCONV" "$URL" 2>&1); rc=$?
check_match "a second viewer of a session is refused in plain words (exit 1)" \
	"^tjconv: error: the session 's1' of host 'tjhosta' on the relay '[^']*' already has a viewer.* rc=1" "$out rc=$rc"

emitted=$(lt_in tjhosta "$LT_PROG" "$N" live)
check_eq "the program emitted its events" "$N" "$emitted"
count_text() { grep -c ' tjlive:tick: ' "$TMP/live.txt"; }
text_has_all() { [ "$(count_text)" = "$N" ]; }
# Streaming: the lines are there while the session is still alive.
check "the text shows all $N events before the session ends" lt_wait_for 30 text_has_all

lt_in tjhosta timeout 60 lttng destroy --all >/dev/null
wait "$tj_txt"; rc_txt=$?
wait "$tj_json"; rc_json=$?
check_eq "both tjconv runs end with their session, exit 0" "0 0" "$rc_txt $rc_json"
babeltrace2 "$LT_RELAY_OUT"/tjhosta/s1-* >"$TMP/bt.txt" 2>"$TMP/bt.err"
bt_count=$(grep -c ' tjlive:tick: ' "$TMP/bt.txt")
check_eq "babeltrace2 reads the $N events from what the relay wrote" "$N" "$bt_count"

# Every sequence number once, in order, in both tools (seq values parsed
# from babeltrace2's lines and ours by the same stdlib script).
seqs() { python3 -c '
import hashlib, re, sys
v = [m.group(1) for m in (re.search(r"seq = (\d+)", l) for l in open(sys.argv[1])) if m]
print(len(v), ",".join(v[:3]), hashlib.md5(",".join(v).encode()).hexdigest())' "$1"; }
check_eq "the text has the same events in the same order as babeltrace2" "$(seqs "$TMP/bt.txt")" "$(seqs "$TMP/live.txt")"
check_match "each line names the host" "^\[[0-9:.]+\] \(\+[0-9?.]+\) tjhosta cpu[0-9]+ prog/[0-9]+ tjlive:tick" "$(head -1 "$TMP/live.txt")"

json_ticks=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for e in d["traceEvents"] if e.get("name") == "tjlive:tick"))' "$TMP/live.json" 2>&1)
check_eq "the Chrome JSON is valid and holds the $N events" "$N" "$json_ticks"

# The session does not exist / the relay is not there: one line, exit 1.
out=$("$TJCONV" "net://127.0.0.1:$LT_LIVE/host/tjhosta/nosuch" 2>&1); rc=$?
check_match "a missing session is named, with what the relay offers (exit 1)" \
	"^tjconv: error: the relay 'net://127.0.0.1:$LT_LIVE' has no session 'nosuch' of host 'tjhosta' \(it offers none\) rc=1\$" "$out rc=$rc"
closed=$(lt_free_port)
out=$("$TJCONV" "net://127.0.0.1:$closed/host/tjhosta/s1" -o "$TMP/never.json" 2>&1); rc=$?
check_match "an unreachable relay is said so (exit 1)" \
	"^tjconv: error: cannot reach the relay 'net://127.0.0.1:$closed' .* rc=1" "$out rc=$rc"
check "no output file is left by a run that never started" test ! -e "$TMP/never.json"

# Ctrl-C ends a live run with the output finished.
lt_session tjhosta s2
"$TJCONV" "net://127.0.0.1:$LT_LIVE/host/tjhosta/s2" --to chrome-json -o "$TMP/int.json" 2>"$TMP/int.err" &
tj_int=$!
lt_wait_for 30 lt_clients_are s2 1
lt_in tjhosta "$LT_PROG" 500 int >/dev/null
kill -INT "$tj_int"
wait "$tj_int"; rc=$?
ticks=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["metadata"]["events"] == sum(1 for e in d["traceEvents"] if e.get("name") == "tjlive:tick"))' "$TMP/int.json" 2>&1)
check_eq "after SIGINT: exit 0 and a complete Chrome JSON of what arrived" "0 True" "$rc $ticks"
lt_in tjhosta timeout 60 lttng destroy s2 >/dev/null

# Ctrl-C before anything arrived (the session never had a stream): still
# a finished, empty document.
lt_session tjhosta s3
"$TJCONV" "net://127.0.0.1:$LT_LIVE/host/tjhosta/s3" --to chrome-json -o "$TMP/empty.json" 2>"$TMP/empty.err" &
tj_empty=$!
lt_wait_for 30 lt_clients_are s3 1
kill -INT "$tj_empty"
wait "$tj_empty"; rc=$?
doc=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["metadata"]["events"], len([e for e in d["traceEvents"] if e.get("ph") != "M"]))' "$TMP/empty.json" 2>&1)
check_eq "SIGINT while waiting for a first event: exit 0, a valid empty Chrome JSON" "0 0 0" "$rc $doc"
lt_in tjhosta timeout 60 lttng destroy s3 >/dev/null
done_testing
