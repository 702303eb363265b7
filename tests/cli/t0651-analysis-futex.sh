#!/usr/bin/env bash
# Trace Compass's futex contention analysis (futex_analysis_lttng.xml: five
# FSMs, a mapping group, stack actions, locations over locations) run
# natively.  Expected values: tests/tools/bt-tc-oracle over babeltrace2's
# text (the futex syscalls of each CPU's current thread per sched_switch),
# segment by segment and interval by interval.  ref-16-cores-rt only has
# wake-ups (op 129); tc-many-threads also has waits (128, 137), which give
# the lock/<uaddr>/<tid> waiter intervals.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool babeltrace2 python3
plan 8
E="$TJ_TOP/../shared/schemas/tracecompass-examples"
SI="tests/tools/state-intervals --category lttng.analysis.futex"
for t in ref-16-cores-rt tc-many-threads; do
	babeltrace2 --clock-seconds "$TRACES/$t" > "$TMP/bt.txt" 2>/dev/null
	"$TJCONV" -q "$TRACES/$t" --analysis "$E/futex_analysis_lttng.xml" \
		--param analysis.tracks=attribute --events none --to chrome-json -o "$TMP/f.json"
	tests/tools/bt-tc-oracle futex-segments < "$TMP/bt.txt" > "$TMP/want-seg"
	tests/tools/bt-tc-oracle futex-waiters < "$TMP/bt.txt" > "$TMP/want-w"
	$SI --segments "$TMP/f.json" > "$TMP/got-seg"
	$SI --prefix lock/ "$TMP/f.json" > "$TMP/got-w"
	ops=$(grep ' syscall_entry_futex: ' "$TMP/bt.txt" | grep -cE 'op = (128|129|133|134|135|136|137|138),')
	case $t in
	ref-16-cores-rt) check_eq "$t: 11 futex segments (babeltrace2: 11 futex entries with op 129)" "11 11" \
		"$ops $(wc -l < "$TMP/got-seg")" ;;
	*) check_eq "$t: 113 futex segments, 47 waits (babeltrace2 pairs)" "113 47" \
		"$(wc -l < "$TMP/want-seg") $(wc -l < "$TMP/want-w")" ;;
	esac
	check "$t: segments (op name, start, end, thread, its name, uaddr) as babeltrace2 gives them" \
		diff -u "$TMP/want-seg" "$TMP/got-seg"
	check "$t: lock/<uaddr>/<tid> waiter intervals as babeltrace2 gives them" \
		diff -u "$TMP/want-w" "$TMP/got-w"
done
check_eq "tc-many-threads: every segment is named through the mapping group" "" \
	"$(cut -f1 "$TMP/got-seg" | grep -vxE 'WAIT|WAIT_BITSET|LOCK_PI|TRYLOCK_PI|WAKE|WAKE_BITSET|UNLOCK_PI|WAKE_OP')"
check_eq "tc-many-threads: each lock-op segment has its waiter interval (same start and end)" \
	"$(grep -cE '^(WAIT|WAIT_BITSET|LOCK_PI|TRYLOCK_PI)	' "$TMP/got-seg")" \
	"$(join -t '	' <(grep -E '^(WAIT|WAIT_BITSET|LOCK_PI|TRYLOCK_PI)	' "$TMP/got-seg" | awk -F'\t' '{print $2"-"$3}' | sort) \
		<(awk -F'\t' '{print $2"-"$3}' "$TMP/got-w" | sort) | wc -l)"
done_testing
