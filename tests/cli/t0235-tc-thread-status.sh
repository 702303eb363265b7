#!/usr/bin/env bash
# Conformance with Trace Compass's own test of its Control Flow view
# (ThreadStatusDataProviderTest, ../shared/conformance/tc-thread-status):
# its XML stub trace written as a real CTF trace by tjgen (--scenario tc-xml),
# read by tjconv, and every expected state row and thread of the tree
# compared with tjconv's Chrome JSON (tests/tools/compare-tc-states).
# Deliberate differences: doc/thread-states.md.
. "$(dirname "$0")/../lib/tap.sh"
plan 5

CONF="$TJ_TOP/../shared/conformance/tc-thread-status"
STUB="$CONF/lttng_kernel_analysis.xml"
if [ ! -r "$STUB" ]; then
	for i in 1 2 3 4 5; do missing "$CONF is missing"; done
	done_testing
fi
check "tjgen writes the stub as a CTF trace" "$TJGEN" -q --scenario tc-xml --input "$STUB" -o "$TMP/tc"
if command -v babeltrace2 >/dev/null; then
	check_eq "babeltrace2 reads all 21 events of the stub" 21 "$(babeltrace2 "$TMP/tc" | wc -l)"
else
	missing "babeltrace2 is not installed"
fi
"$TJCONV" -q "$TMP/tc" --to chrome-json -o "$TMP/tc.json"
out=$("$TJ_TOP/tests/tools/compare-tc-states" "$STUB" "$CONF/expectedThreadStatusRows" \
	"$CONF/expectedThreadStatusTree" "$TMP/tc.json")
rc=$?
sed 's/^/# /' <<<"$out" | grep -v '^# match'
check_eq "every expected state row matches (Trace Compass's 30 rows)" \
	"rows 30 matched 30 differ 0" "$(grep -o 'rows [0-9]* matched [0-9]* differ [0-9]*' <<<"$out")"
check_eq "every thread of the tree has its name and pid" "tree 7 threads, 0 differ" \
	"$(grep -o 'tree [0-9]* threads, [0-9]* differ' <<<"$out")"
check_eq "the comparison exits 0" 0 "$rc"
done_testing
