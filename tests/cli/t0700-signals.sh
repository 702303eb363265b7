#!/usr/bin/env bash
# SIGINT, SIGTERM and SIGHUP in the middle of a long conversion: tjconv
# says "interrupted by SIG..." (one line), dies with 128 + the signal, and
# leaves neither the output nor its temporary file.  The signal is sent once
# the temporary file holds data (polled: the run is then in its reading
# loop), never after a fixed delay.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
export LC_ALL=C
plan 12
# Job control: a background job of a non-interactive shell starts with
# SIGINT ignored (and tjconv, like every tool, keeps an ignored signal
# ignored); with -m it gets its own process group and the default action.
set -m

trace="$TMP/trace"
"$TJGEN" --scenario load --events 1500000 -o "$trace" -q
check "tjgen writes a 1.5 M event trace" test -s "$trace/channel0_0"

# interrupt SIGNAL CODE OUTNAME [TJCONV OPTIONS...]
interrupt() {
	local sig=$1 code=$2 name=$3
	shift 3
	local dir="$TMP/out-$sig"
	mkdir -p "$dir"
	"$TJCONV" "$trace" --to chrome-json -o "$dir/$name" "$@" 2>"$dir.err" &
	local pid=$! i
	# Wait (at most 60 s) until the temporary file holds data (tjconv is
	# converting), or for tjconv to end.
	for ((i = 0; i < 6000; i++)); do
		[ -n "$(find "$dir" -name "$name.tmp-*" -size +0 2>/dev/null)" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid"
	local rc=$?
	check_eq "$sig: exit status $code" "$code" "$rc"
	check_eq "$sig: one line 'interrupted by $sig' on stderr" "tjconv: interrupted by $sig" \
		"$(cat "$dir.err")"
	check_eq "$sig: no output and no temporary file left" "" "$(ls -A "$dir")"
}

interrupt SIGINT 130 out.json
interrupt SIGTERM 143 out.json.gz
interrupt SIGHUP 129 out.json --jobs 2
# The reader of stdout going away: SIGPIPE, as for any filter (the crash
# guard's parent ends the same way, silently).
"$TJCONV" "$trace" 2>"$TMP/pipe.err" | head -1 >/dev/null
check_eq "stdout closed early: ended by SIGPIPE (141)" 141 "${PIPESTATUS[0]}"
check_eq "stdout closed early: nothing on stderr" "" "$(cat "$TMP/pipe.err")"
done_testing
