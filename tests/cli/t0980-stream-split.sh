#!/usr/bin/env bash
# --jobs with streams cut into packet windows (core/stream_split.c): a
# single-stream trace is read by several workers, and what comes out is
# byte for byte what --jobs 1 writes (text, chrome-json, stats, --summary
# with its discard counts, --begin/--end).  Counts come from babeltrace2.
# TJCONV_SPLIT_PACKETS sets the packets per window so that small traces
# are cut into many windows; TJCONV_DEBUG=1 shows that they were.
. "$(dirname "$0")/../lib/tap.sh"
require_tool babeltrace2 python3
plan 33

export TMPDIR="$TMP/tmp"
mkdir -p "$TMPDIR"

# windows TRACE JOBS: how many windows the debug line says a run used
windows() {
	TJCONV_DEBUG=1 "$TJCONV" "$1" --to stats --jobs "$2" 2>&1 >/dev/null |
		sed -n "s/.*' read in \([0-9]*\) windows of.*/\1/p" | head -1
}

# same TRACE JOBS ARGS...: stdout and stderr of --jobs JOBS equal --jobs 1's
# (but for the --summary line saying how many threads decoded)
same() {
	local t=$1 j=$2
	shift 2
	"$TJCONV" "$t" --jobs 1 "$@" >"$TMP/one.out" 2>"$TMP/one.err" || return 1
	"$TJCONV" "$t" --jobs "$j" "$@" >"$TMP/many.out" 2>"$TMP/many.err" || return 1
	[ -s "$TMP/one.out" ] && cmp -s "$TMP/one.out" "$TMP/many.out" &&
		diff -q <(grep -v "^decoding: " "$TMP/one.err") <(grep -v "^decoding: " "$TMP/many.err") >/dev/null
}

# bt2_discarded TRACE: events the tracer discarded, as babeltrace2 reports them
bt2_discarded() {
	babeltrace2 "$1" 2>&1 >/dev/null | python3 -c '
import re, sys
print(sum(int(m.group(1)) for m in re.finditer(r"Tracer discarded (\d+) events", sys.stdin.read())))'
}

# --- a generated single-stream trace, many small packets, discards early
gen="$TMP/one-cpu"
"$TJGEN" --scenario load --events 60000 --cpus 1 --packet-size 8k --discard 3000 -o "$gen" >/dev/null 2>&1
export TJCONV_SPLIT_PACKETS=1
n=$(windows "$gen" 2)
check "one stream of 8 KiB packets, one packet per window: cut into many windows ($n)" \
	test "${n:-0}" -gt 100
for to in text chrome-json stats; do
	check "$to: --jobs 2 over windows writes what --jobs 1 writes" same "$gen" 2 --to $to --summary
done
check "text: --jobs 3 over windows writes what --jobs 1 writes" same "$gen" 3 --to text --summary
# Discards at each window's first packet: the primer packet gives the
# decoder the counter before, so the counts are the whole read's.
want=$(bt2_discarded "$gen")
"$TJCONV" "$gen" --jobs 2 --to stats --summary >/dev/null 2>"$TMP/sum.err"
got=$(sed -n 's/.*the tracer discarded \([0-9]*\) events.*/\1/p' "$TMP/sum.err")
check_eq "discarded events over windows equal babeltrace2's ($want)" "$want" "$got"
check_eq "babeltrace2 counts the 3000 discards tjgen wrote" 3000 "$want"
"$TJCONV" "$gen" --jobs 2 --to text >"$TMP/t.txt" 2>/dev/null
bt2n=$(babeltrace2 "$gen" 2>/dev/null | wc -l)
tjn=$(grep -vc "discarded" "$TMP/t.txt")
check_eq "text over windows: one line per event babeltrace2 reads ($bt2n)" "$bt2n" "$tjn"

# --begin/--end cut inside windows
first=$(babeltrace2 "$gen" 2>/dev/null | sed -n '15000s/^\[\([0-9:.]*\)\].*/\1/p')
last=$(babeltrace2 "$gen" 2>/dev/null | sed -n '45000s/^\[\([0-9:.]*\)\].*/\1/p')
check "--begin/--end: --jobs 2 over windows writes what --jobs 1 writes" \
	same "$gen" 2 --to text --begin "$first" --end "$last"
check "--begin/--end chrome-json: the same" same "$gen" 2 --to chrome-json --begin "$first" --end "$last"
want=$(babeltrace2 "$gen" --begin "$first" --end "$last" 2>/dev/null | wc -l)
got=$("$TJCONV" "$gen" --jobs 2 --to text --begin "$first" --end "$last" 2>/dev/null | grep -vc discarded)
check_eq "--begin/--end over windows: babeltrace2's event count ($want)" "$want" "$got"

# windows of several packets, and the lost-exits scenario (2 streams, 4 jobs)
export TJCONV_SPLIT_PACKETS=7
n=$(windows "$gen" 3)
check "7 packets per window: $n windows" test "${n:-0}" -gt 10
check "7 packets per window: chrome-json the same" same "$gen" 3 --to chrome-json --summary
lost="$TMP/lost"
"$TJGEN" --scenario lost-exits -o "$lost" >/dev/null 2>&1
export TJCONV_SPLIT_PACKETS=1
check "lost-exits, streams cut: text and summary the same" same "$lost" 4 --to text --summary
check "lost-exits, streams cut: stats the same" same "$lost" 4 --to stats --summary

# --- the default window size (about 1 MiB) on a 200k-event stream
unset TJCONV_SPLIT_PACKETS
big="$TMP/big"
"$TJGEN" --scenario load --events 200000 --cpus 1 -o "$big" >/dev/null 2>&1
n=$(windows "$big" 2)
check "10 MiB stream, default windows: cut into about 11 ($n)" test "${n:-0}" -ge 8 -a "${n:-0}" -le 16
check "10 MiB stream: chrome-json the same" same "$big" 2 --to chrome-json
check_eq "TJCONV_SPLIT_PACKETS=0: read whole" "" "$(TJCONV_SPLIT_PACKETS=0 windows "$big" 2)"

# one big stream and two small ones (two traces): the big one is cut, the
# small ones are read whole by the same workers
mkdir "$TMP/mix"
cp -r "$gen" "$TMP/mix/a"
cp -r "$lost" "$TMP/mix/b"
check_eq "a 3 MiB stream beside two small ones: only it is cut, in 4 windows" \
	"'$TMP/mix/a/channel0_0' 4" \
	"$(TJCONV_DEBUG=1 "$TJCONV" "$TMP/mix" --to stats --jobs 2 2>&1 >/dev/null |
		sed -n "s/.*stream file \('.*'\) read in \([0-9]*\) windows.*/\1 \2/p" | sort -u)"
check "cut and whole streams merged: text and summary the same" same "$TMP/mix" 2 --to text --summary

# --- real traces
if have_shared; then
	export TJCONV_SPLIT_PACKETS=1
	fe="$TRACES/tc-flipping-endianness"
	check_eq "tc-flipping-endianness (one stream, no instance ids): 2 windows" 2 "$(windows "$fe" 2)"
	check "tc-flipping-endianness: text the same" same "$fe" 2 --to text --summary
	check "tc-flipping-endianness: chrome-json the same" same "$fe" 2 --to chrome-json
	md="$TRACES/bt-multi-domains"
	check "bt-multi-domains (discards, two traces): text and summary the same" same "$md" 3 --to text --summary
	want=$(bt2_discarded "$md/kernel")
	got=$("$TJCONV" "$md/kernel" --jobs 3 --to stats --summary 2>&1 >/dev/null |
		sed -n 's/.*the tracer discarded \([0-9]*\) events.*/\1/p')
	check_eq "bt-multi-domains/kernel over windows: babeltrace2's $want discarded events" "$want" "$got"
	check "live-ncat-3 (2 streams, no index): chrome-json the same with 4 jobs" \
		same "$TRACES/live-ncat-3/kernel" 4 --to chrome-json --summary
	check_eq "tc-hello-lost (no instance ids, 4 streams): not cut" "" "$(windows "$TRACES/tc-hello-lost" 3)"
	check "tc-hello-lost: --jobs 3 the same" same "$TRACES/tc-hello-lost" 3 --to text --summary
	unset TJCONV_SPLIT_PACKETS
else
	skip_n 8 "no shared traces in $TRACES"
fi

check_eq "no window folder left behind in TMPDIR" "" "$(ls -A "$TMPDIR")"

# an unusable TMPDIR costs the windows, not the run
TMPDIR="$TMP/none/x" TJCONV_SPLIT_PACKETS=1 "$TJCONV" "$gen" --jobs 2 --to text >"$TMP/nt.out" 2>"$TMP/nt.err"
check "TMPDIR missing: the run goes on, as --jobs 1" cmp -s "$TMP/nt.out" "$TMP/t.txt"
check_match "TMPDIR missing: one warning naming the folder" "stream windows in '$TMP/none/x'.*streams are read whole" \
	"$(cat "$TMP/nt.err")"

# killed outright: the crash guard removes the views, index/ folders too
# (polled with a timeout: the guard is another process)
pause() { read -rt 0.05 <> <(:) || true; }
"$TJCONV" "$big" --jobs 2 --to chrome-json -o "$TMP/k.json" 2>/dev/null &
pid=$!
for ((i = 0; i < 400; i++)); do
	[ -n "$(find "$TMPDIR" -name index 2>/dev/null)" ] && break
	pause
done
had=$(find "$TMPDIR" -name index | wc -l)
# the guard is $pid; the run is its child
run=$(ps -o pid= --ppid "$pid" | head -1)
kill -9 ${run:-$pid} 2>/dev/null
wait "$pid" 2>/dev/null
for ((i = 0; i < 400; i++)); do
	[ -z "$(ls -A "$TMPDIR")" ] && break
	pause
done
check "killed while reading windows: views were there ($had index folders)" test "$had" -gt 0 -a -n "$run"
check_eq "killed: the crash guard left nothing in TMPDIR" "" "$(ls -A "$TMPDIR")"
done_testing
