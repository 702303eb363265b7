#!/usr/bin/env bash
# valgrind --leak-check=full on whole conversions: no invalid access, no
# definite or possible leak, through every exporter and the analyzers
# (the decoder's own allocations included).  The sanitizer pass cannot run
# valgrind on an ASan binary; the plain pass of CI runs these.
. "$(dirname "$0")/../lib/tap.sh"
require_tool valgrind
plan 5
T="$TJ_TOP/share/samples/ncat-journey"
if nm -D "$TJCONV" 2>/dev/null | grep -q __asan_init; then
	for i in 1 2 3 4 5; do skip "an ASan build cannot run under valgrind (the plain build's pass checks it)"; done
	done_testing
	exit
fi
vg() {
	TJCONV_NO_GUARD=1 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
		--error-exitcode=99 "$TJCONV" -q "$@" 2> "$TMP/vg.err"
	local rc=$?
	[ $rc -eq 0 ] || { sed 's/^/# /' "$TMP/vg.err" | head -40; return 1; }
}
check "text with every analyzer: valgrind clean" vg "$T" -o "$TMP/a.txt"
check "chrome-json, gzip, every event: valgrind clean" vg "$T" --to chrome-json --events all -o "$TMP/a.json.gz"
check "tracecompass-xml: valgrind clean" vg "$T" --to tracecompass-xml -o "$TMP/a.xml"
"$TJGEN" -q --scenario ncat -o "$TMP/ncat" --pcap "$TMP/ncat.pcap"
check "--pcap correlation and an --analysis file: valgrind clean" \
	vg "$TMP/ncat" --pcap "$TMP/ncat.pcap" --analysis irq.yaml --to chrome-json -o "$TMP/b.json"
check "stats: valgrind clean" bash -c "TJCONV_NO_GUARD=1 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible --error-exitcode=99 '$TJCONV' stats '$T' -o '$TMP/s.txt'"
done_testing
