#!/usr/bin/env bash
# One identity per thread (the core resolves it before any plugin): on traces
# without vtid/vpid contexts a thread seen before the statedump says its pid
# still gets that pid from its first event on, in every output and filter.
# Oracles: the statedump lines of babeltrace2's own text, and counts of the
# unfiltered output (a filter must keep every event of the thread).
. "$(dirname "$0")/../lib/tap.sh"
plan 12
T="$TRACES/ref-basic-kernel-analysis"
if ! have_shared; then
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
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
# A thread is named after the file it executes from its exec on, as the
# kernel does (basename, cut to 15 chars): babeltrace2's own
# sched_process_exec lines are the oracle, and tjconv's text lines are in
# babeltrace2's order, so line N is the same event in both.
babeltrace2 "$T" >"$TMP/rb.bt"
printf '%s\n' "$all" >"$TMP/rb.tj"
res=$(python3 - "$TMP/rb.bt" "$TMP/rb.tj" <<'PY'
import os, re, sys
bt = open(sys.argv[1]).read().splitlines()
tj = open(sys.argv[2]).read().splitlines()
ex = re.compile(r'sched_process_exec: .*filename = "([^"]*)", tid = (\d+),')
checked = bad = 0
for n, line in enumerate(bt):
    m = ex.search(line)
    if not m:
        continue
    name, tid = os.path.basename(m.group(1))[:15], m.group(2)
    # the thread's next event line after the exec
    for later in tj[n + 1:]:
        t = re.search(r' (\S*)/' + tid + r' ', later)
        if t:
            checked += 1
            bad += t.group(1) != name
            break
print(checked, bad)
PY
)
check "ref-basic: threads that exec are checked (${res% *} > 20)" test "${res% *}" -gt 20
check_eq "ref-basic: after each exec the thread carries the new file's name" 0 "${res#* }"
done_testing
