#!/usr/bin/env bash
# `tjconv stats`: every table's numbers against tests/tools/stats-oracle, an
# independent computation over babeltrace2's text output (python3 stdlib,
# no tjconv code): syscall counts, errors by errno, min/avg/max/stdev and the
# histogram total; wakeup latency overall and per thread; hard IRQ, softirq
# and raise latency per vector; I/O calls and bytes per fd kind; packets and
# bytes per interface.  On three real traces: lttng-modules 2.10 (2 CPUs),
# 2.8 (16 CPUs, RT kernel, no tid context: threads come from sched_switch)
# and the live loopback ncat recording (vtid contexts, network_header).
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool babeltrace2 python3
plan 18
STAT_GROUPS="syscalls wakeup irq io net"
for t in ref-basic-kernel-analysis ref-16-cores-rt live-ncat-3; do
	tr="$TRACES/$t"
	tests/tools/stats-oracle "$tr" > "$TMP/$t.expected"
	"$TJCONV" stats -q "$tr" --format lami -o "$TMP/$t.lami"
	for g in $STAT_GROUPS; do
		out=$(tests/tools/stats-compare "$TMP/$t.expected" "$TMP/$t.lami" "$g")
		rc=$?
		# a comparison of nothing would prove nothing
		n=$(printf '%s\n' "$out" | tail -1 | sed -n 's/.*: \([0-9]*\) values compared.*/\1/p')
		if [ "$rc" = 0 ] && [ "${n:-0}" -gt 0 ]; then ok "$t: $g (${out##*$'\n'})"; else
			not_ok "$t: $g"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
	done
	# the text tables hold the same numbers: the most frequent syscall's row
	want=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))["syscalls"]
n,a=max(d.items(), key=lambda kv:(kv[1]["count"],[-ord(c) for c in kv[0]]))
print(n, a["count"], a["errors"], "%d.%03d" % (a["min"]//1000, a["min"]%1000), "%d.%03d" % (a["max"]//1000, a["max"]%1000))' "$TMP/$t.expected")
	got=$("$TJCONV" stats -q "$tr" --what syscalls | awk '/^System call statistics$/ {getline; getline; print $1, $2, $3, $4, $6; exit}')
	check_eq "$t: text table, most frequent syscall: name count errors min max (us)" "$want" "$got"
done
done_testing
