#!/usr/bin/env bash
# Bad analysis files: one line naming the file, the line and the problem,
# exit status 1, no output file.  The fixtures (tests/data/analysis/bad-*)
# are: not well-formed XML (xmllint agrees), a script value and a
# futureTime element (both valid for Trace Compass's XSD, but not run
# natively: refused instead of ignored), an event field sched_switch does not
# have, unknown references, and the YAML equivalents.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool xmllint
plan 13
T="$TRACES/live-ncat-3"
D=tests/data/analysis
# bad FILE EXPECTED-MESSAGE-REGEX
bad() {
	rm -f "$TMP/out.json"
	"$TJCONV" "$T" --analysis "$D/$1" --to chrome-json -o "$TMP/out.json" 2> "$TMP/err"
	local rc=$?
	check_match "$1: exit 1, one line: $2" "^1 1 tjconv: error: '$D/$1'$2" \
		"$rc $(wc -l < "$TMP/err") $(cat "$TMP/err")"
	check "$1: no output file" test ! -e "$TMP/out.json"
}
check "xmllint also rejects the malformed file" sh -c "! xmllint --noout $D/bad-malformed.xml 2>/dev/null"
bad bad-malformed.xml " line 7: not well-formed XML: Opening and ending tag mismatch: stateChange line 5 and eventHandler"
bad bad-script.xml " line 8: unsupported stateValue type 'script'"
bad bad-element.xml " line 9: unsupported element 'futureTime' in 'stateChange'"
bad bad-field.xml " line 8: event 'sched_switch' has no field 'next_tidd'"
bad bad-reference.xml " line 1[0-9]: unknown (test|action) 'no_such_(test|action)'"
bad no-such-file.xml ": cannot open the analysis file: No such file or directory"
done_testing
