#!/usr/bin/env bash
# The thread-state model (plugins/syscalls/thread_model.c) case by case on
# real traces, each fact taken from babeltrace2's own output of the trace
# (tests/tools/check-thread-states), not from tjconv: exits end the state at
# the last switch-out (4.x prev_state 64 on tc-many-threads and
# ref-basic, 16/32 on live-ncat-3's 6.18 kernel); a new thread runs in its
# parent's clone until its own exit of it; sched_migrate_task makes the
# thread wait for a CPU; a statedump applies only to a thread the trace has
# not shown yet, and its WAIT (5) is "wait" of unknown cause until the
# thread's next scheduling event; newer kernels' 128 (idle) is blocked and
# 256 (preempted) wait-cpu.  Differences from Trace Compass: doc/thread-states.md.
. "$(dirname "$0")/../lib/tap.sh"
plan 11

CHK="$TJ_TOP/tests/tools/check-thread-states"
# on NAME TRACE CHECK [ARGS]: one check on one trace, figures in the description.
on() {
	local name=$1 trace=$2 check=$3 out
	shift 3
	if [ ! -e "$TMP/$name.json" ]; then
		"$TJCONV" -q "$trace" --to chrome-json -o "$TMP/$name.json" &&
			babeltrace2 --clock-seconds "$trace" >"$TMP/$name.txt" 2>/dev/null ||
			{ not_ok "$name: tjconv or babeltrace2 failed"; return; }
	fi
	if out=$("$CHK" "$check" "$TMP/$name.json" "$@" <"$TMP/$name.txt"); then
		ok "$name: $(tr '\n' ' ' <<<"$out")"
	else
		not_ok "$name $check $*"
		sed 's/^/#   /' <<<"$out"
	fi
}

if ! have_shared || ! command -v babeltrace2 >/dev/null; then
	for i in $(seq 11); do missing "$TRACES or babeltrace2 is missing"; done
	done_testing
fi
MANY="$TRACES/tc-many-threads"
LIVE="$TRACES/live-ncat-3/kernel"
REF="$TRACES/ref-basic-kernel-analysis/kernel"
on many "$MANY" exits 64
on ref "$REF" exits 64
on live "$LIVE" exits 16,32
on many "$MANY" clone
on live "$LIVE" clone
on live "$LIVE" migrate
on ref "$REF" statedump
on live "$LIVE" statedump
on live "$LIVE" prev-state 128 blocked
on live "$LIVE" prev-state 256 wait-cpu
on many "$MANY" prev-state 2048 wait-cpu
done_testing
