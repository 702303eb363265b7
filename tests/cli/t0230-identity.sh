#!/usr/bin/env bash
# One identity per thread (the core resolves it before any plugin): on traces
# without vtid/vpid contexts a thread seen before the statedump says its pid
# still gets that pid from its first event on, in every output and filter.
# Oracles: the statedump lines of babeltrace2's own text, and counts of the
# unfiltered output (a filter must keep every event of the thread).
. "$(dirname "$0")/../lib/tap.sh"
plan 10
T="$TRACES/ref-basic-kernel-analysis"
if ! have_shared; then
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if [ "${CI:-}" = true ]; then not_ok "../shared/traces is missing (CI)"; else skip "no ../shared/traces"; fi
	done
	done_testing
fi
export LC_ALL=C TJCONV_PLUGIN_PATH=
# What the statedump says of tid 12039, from babeltrace2 alone.
sd=$(babeltrace2 "$T" | sed -n 's/.*lttng_statedump_process_state: .* tid = 12039, vtid = [0-9]*, pid = \([0-9]*\),.*/\1/p' | head -1)
check_eq "babeltrace2: the statedump puts tid 12039 in pid 12032" 12032 "$sd"
first_sd=$(babeltrace2 "$T" | grep -n 'lttng_statedump_process_state: .* tid = 12039,' | head -1 | cut -d: -f1)
all=$("$TJCONV" -q "$T")
first_ev=$(printf '%s\n' "$all" | grep -n '/12039 ' | head -1 | cut -d: -f1)
check "tid 12039 has events before the statedump names its process (line $first_ev < $first_sd)" \
	test "$first_ev" -lt "$first_sd"
n_all=$(printf '%s\n' "$all" | grep -c '/12039 ')
n_pid=$("$TJCONV" -q "$T" --pid "$sd" | grep -c '/12039 ')
check_eq "--pid $sd keeps every one of tid 12039's $n_all events" "$n_all" "$n_pid"
check "that is most of its events: more than 2000" test "$n_all" -gt 2000
n_tid=$("$TJCONV" -q "$T" --tid 12039 | grep -c '^\[')
check_eq "--tid 12039 keeps the same events" "$n_all" "$n_tid"
"$TJCONV" -q "$T" --to chrome-json -o "$TMP/rb.json"
check_eq "chrome-json: every slice of tid 12039 is under pid $sd" "$sd" \
	"$(jq -r '[.traceEvents[] | select(.ph == "X" and .tid == 12039) | .pid] | unique | map(tostring) | join(",")' "$TMP/rb.json")"
check_eq "chrome-json: no thread appears under two pids" "" \
	"$(jq -r '[.traceEvents[] | select((.ph == "X" or .ph == "i") and (.tid | type) == "number" and .tid < 1000000000) | [.tid, .pid]] | unique | group_by(.[0]) | map(select(length > 1)) | map(.[0][0] | tostring) | join(",")' "$TMP/rb.json")"
"$TJCONV" -q "$T" --pid "$sd" --to chrome-json -o "$TMP/pid.json"
check_eq "chrome-json --pid $sd: tid 12039's slices are all kept" \
	"$(jq '[.traceEvents[] | select(.ph == "X" and .tid == 12039)] | length' "$TMP/rb.json")" \
	"$(jq '[.traceEvents[] | select(.ph == "X" and .tid == 12039)] | length' "$TMP/pid.json")"
# The idle task is one per CPU (swapper/N on cpu N), though every one has
# tid 0: the kernel's own naming is the oracle.
R="$TRACES/ref-16-cores-rt"
"$TJCONV" -q "$R" >"$TMP/r16.txt"
n0=$(grep -c ' swapper/[0-9]*/0 ' "$TMP/r16.txt")
check "ref-16-cores-rt: idle-task events are attributed ($n0 > 1000)" test "$n0" -gt 1000
check_eq "every idle-task event is swapper/N of its own cpu N" 0 \
	"$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^swapper\/[0-9]+\/0$/) { split($i, a, "/"); if ("cpu" a[2] != $(i - 1)) bad++ } } END { print bad + 0 }' "$TMP/r16.txt")"
done_testing
