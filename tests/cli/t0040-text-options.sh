#!/usr/bin/env bash
# Text exporter options on a real trace, checked against babeltrace2: the
# --begin/--end window in its three forms (time of day, full date, seconds),
# UTC and local time, -o FILE and -o FILE.gz, --clock-seconds, --clock-date,
# --clock-relative, --no-annotations, and the --config YAML file (the command
# line wins; a malformed file is reported with line:column).
. "${TJ_TOP:-.}/tests/lib/tap.sh"
TJ_BUILD=$(cd "$TJ_BUILD" && pwd -P)
TJCONV="$TJ_BUILD/bin/tjconv"
PLUG="$TJ_BUILD/tests/plugins"
T="$TRACES/ref-basic-kernel-analysis/kernel"
unset TJCONV_PLUGIN_PATH
export LC_ALL=C
# Not UTC, and the trace's local date differs from its UTC date (00:09 on
# 2018-03-20 here, 18:39 on 2018-03-19 in UTC).
export TZ=IST-5:30

require_tool babeltrace2
require_shared
plan 65

tj() { "$TJCONV" -q "$@"; }
nev() { grep -c '^\['; }
tscol() { cut -d' ' -f1; }

# ---- time window ------------------------------------------------------------
# window DESC ARGS...: tjconv and babeltrace2 with the same --begin/--end.
window() {
	local desc=$1
	shift
	local bt tjn
	bt=$(babeltrace2 "$@" "$T" 2>&1 | wc -l)
	tjn=$(tj "$@" "$T" 2>&1 | nev)
	check_eq "window $desc: as many events as babeltrace2 ($bt)" "$bt" "$tjn"
}
window "time of day, UTC" --clock-gmt --begin 18:39:20 --end 18:39:21
window "time of day with ns, UTC" --clock-gmt --begin 18:39:20.5 --end 18:39:22.123456789
window "HH:MM, UTC" --clock-gmt --begin 18:39 --end 18:40
window "full date, UTC" --clock-gmt --begin '2018-03-19 18:39:21' --end '2018-03-19 18:39:23.5'
window "seconds since the epoch" --clock-gmt --begin 1521484760.25 --end 1521484761
window "begin only" --clock-gmt --begin 18:39:25
window "end only" --clock-gmt --end 18:39:20
window "one event (begin = end = its timestamp)" --clock-gmt \
	--begin 18:39:21.757937962 --end 18:39:21.757937962
window "time of day, local time" --begin 00:09:20 --end 00:09:21
window "full date, local time" --begin '2018-03-20 00:09:22' --end '2018-03-20 00:09:23'

out=$(tj --clock-gmt --begin 18:39:20 --end 18:39:21 "$T")
first=$(printf '%s\n' "$out" | head -n 1 | tscol)
last=$(printf '%s\n' "$out" | tail -n 1 | tscol)
btout=$(babeltrace2 --clock-gmt --begin 18:39:20 --end 18:39:21 "$T")
check_eq "window: same first timestamp as babeltrace2" "$(printf '%s\n' "$btout" | head -n 1 | tscol)" "$first"
check_eq "window: same last timestamp as babeltrace2" "$(printf '%s\n' "$btout" | tail -n 1 | tscol)" "$last"

tj --clock-gmt --begin 19:00 "$T" >"$TMP/empty.txt" 2>"$TMP/empty.err"
check_eq "window after the trace: exit 0" 0 "$?"
check_eq "window after the trace: no events (babeltrace2: $(babeltrace2 --clock-gmt --begin 19:00 "$T" | wc -l))" \
	0 "$(nev <"$TMP/empty.txt")"

# ---- output files -------------------------------------------------------------
tj "$T" >"$TMP/stdout.txt"
check_eq "stdout: one line per event (babeltrace2's count)" "$(babeltrace2 "$T" | wc -l)" \
	"$(nev <"$TMP/stdout.txt")"
tj -o "$TMP/out.txt" "$T"
check_eq "-o out.txt: exit 0" 0 "$?"
check "-o out.txt: same bytes as stdout" cmp -s "$TMP/stdout.txt" "$TMP/out.txt"
tj -o "$TMP/out.txt.gz" "$T"
check_eq "-o out.txt.gz: exit 0" 0 "$?"
check_eq "-o out.txt.gz: a gzip file" "1f8b" "$(od -An -tx1 -N2 "$TMP/out.txt.gz" | tr -d ' ')"
check "-o out.txt.gz: gzip -t accepts it" gzip -t "$TMP/out.txt.gz"
check "-o out.txt.gz: zcat gives the plain output" cmp -s "$TMP/stdout.txt" <(zcat "$TMP/out.txt.gz")
check "-o out.txt.gz: smaller than the plain output" \
	test "$(stat -c %s "$TMP/out.txt.gz")" -lt "$(stat -c %s "$TMP/out.txt")"
echo old >"$TMP/replace.txt"
tj -o "$TMP/replace.txt" "$T"
check "-o over an existing file replaces it" cmp -s "$TMP/stdout.txt" "$TMP/replace.txt"
check_eq "-o leaves no temporary file" "out.txt out.txt.gz" \
	"$(cd "$TMP" && ls out.txt* | tr '\n' ' ' | sed 's/ $//')"

# ---- clock formats -------------------------------------------------------------
check "default: local time of day, as babeltrace2" \
	cmp -s <(babeltrace2 "$T" | tscol) <(tscol <"$TMP/stdout.txt")
tj --clock-gmt "$T" | tscol >"$TMP/gmt.ts"
check "--clock-gmt: UTC time of day, as babeltrace2 --clock-gmt" \
	cmp -s <(babeltrace2 --clock-gmt "$T" | tscol) "$TMP/gmt.ts"
tscol <"$TMP/stdout.txt" >"$TMP/local.ts"
check "--clock-gmt differs from local time here (TZ=$TZ)" \
	test "$(head -n 1 "$TMP/gmt.ts")" != "$(head -n 1 "$TMP/local.ts")"
tj --clock-seconds "$T" | tscol >"$TMP/sec.ts"
check "--clock-seconds: as babeltrace2 --clock-seconds" \
	cmp -s <(babeltrace2 --clock-seconds "$T" | tscol) "$TMP/sec.ts"
check_match "--clock-seconds: [SECONDS.NNNNNNNNN]" '^\[[0-9]{10}\.[0-9]{9}\]$' "$(head -n 1 "$TMP/sec.ts")"
check "--param text.clock-date=true: as babeltrace2 --clock-date" \
	cmp -s <(babeltrace2 --clock-date "$T" | cut -d' ' -f1,2) \
	<(tj --param text.clock-date=true "$T" | cut -d' ' -f1,2)

tj --clock-relative "$T" | tscol >"$TMP/rel.ts"
check_eq "--clock-relative: the first event is at [+0.000000000]" "[+0.000000000]" \
	"$(head -n 1 "$TMP/rel.ts")"
# Every relative stamp is its absolute stamp minus the first one, in integer ns.
bad=$(paste -d' ' "$TMP/sec.ts" "$TMP/rel.ts" | tr -d '[]+' | awk '
	NR == 1 { split($1, f, ".") }
	{ split($1, a, "."); split($2, r, ".")
	  d = (a[1] - f[1]) * 1000000000 + (a[2] - f[2])
	  if (d != r[1] * 1000000000 + r[2]) n++ }
	END { print n + 0 }')
check_eq "--clock-relative: every stamp is (seconds - first seconds), to the ns" 0 "$bad"
check_eq "--clock-relative: as many lines as events" "$(wc -l <"$TMP/sec.ts")" "$(wc -l <"$TMP/rel.ts")"

# ---- annotations ---------------------------------------------------------------
if [ -f "$PLUG/minimal.so" ]; then
	tj --plugin-path "$PLUG" "$T" 2>/dev/null >"$TMP/ann.txt"
	tj --plugin-path "$PLUG" --no-annotations "$T" 2>/dev/null >"$TMP/noann.txt"
	check "with the minimal analyzer, events are annotated" grep -q ' => .*next=' "$TMP/ann.txt"
	check_eq "--no-annotations: no ' => ' at all" 0 "$(grep -c ' => ' "$TMP/noann.txt")"
	check "--no-annotations: otherwise the same lines" \
		cmp -s <(sed 's/ => .*//' "$TMP/ann.txt") "$TMP/noann.txt"
else
	for i in 1 2 3; do not_ok "test plugin $PLUG/minimal.so built"; done
fi

# ---- --config -------------------------------------------------------------------
cat >"$TMP/cfg.yaml" <<EOF
# tjconv options for this test
to: text
output: $TMP/from-config.txt
clock:
  gmt: true
begin: "18:39:20"
end: "18:39:21"
EOF
tj --config "$TMP/cfg.yaml" "$T"
check_eq "--config: exit 0" 0 "$?"
check "--config: 'output' is honoured" test -f "$TMP/from-config.txt"
check "--config: 'clock: {gmt: true}', 'begin', 'end' give what the options give" \
	cmp -s "$TMP/from-config.txt" <(tj --clock-gmt --begin 18:39:20 --end 18:39:21 "$T")
check_eq "--config: the window matches babeltrace2's" \
	"$(babeltrace2 --clock-gmt --begin 18:39:20 --end 18:39:21 "$T" | wc -l)" \
	"$(nev <"$TMP/from-config.txt")"

rm -f "$TMP/from-config.txt"
tj --config "$TMP/cfg.yaml" -o "$TMP/from-cli.txt" --begin 18:39:20.5 "$T"
check "command line -o beats the file's 'output'" test -f "$TMP/from-cli.txt" -a ! -e "$TMP/from-config.txt"
check_eq "command line --begin beats the file's 'begin' (the file's 'end' stays)" \
	"$(babeltrace2 --clock-gmt --begin 18:39:20.5 --end 18:39:21 "$T" | wc -l)" \
	"$(nev <"$TMP/from-cli.txt" 2>/dev/null)"
rm -f "$TMP/from-cli.txt"
tj --config "$TMP/cfg.yaml" -o - --begin 18:39:21 --end 18:39:22 "$T" >"$TMP/cli-window.txt"
check_eq "command line window beats the file's; file's clock.gmt still applies" \
	"$(babeltrace2 --clock-gmt --begin 18:39:21 --end 18:39:22 "$T" | wc -l)" \
	"$(nev <"$TMP/cli-window.txt")"

if [ -f "$PLUG/exporter_count.so" ]; then
	cat >"$TMP/cfg2.yaml" <<EOF
to: count
plugin-path: [ $PLUG ]
EOF
	check_eq "--config 'to' and 'plugin-path' select a third-party exporter" \
		"events $(babeltrace2 "$T" | wc -l)" "$(tj --config "$TMP/cfg2.yaml" "$T" 2>/dev/null)"
	check_eq "command line --to beats the file's 'to'" \
		"$(nev <"$TMP/stdout.txt")" "$(tj --config "$TMP/cfg2.yaml" --to text "$T" 2>/dev/null | nev)"
else
	for i in 1 2; do not_ok "test plugin $PLUG/exporter_count.so built"; done
fi

# Malformed files: "'FILE':LINE:COLUMN: problem", exit 2, nothing written.
bad_config() { # DESC EXPECTED_LOCATION_AND_TEXT_REGEX FILE_CONTENT
	printf '%s' "$3" >"$TMP/bad.yaml"
	tj --config "$TMP/bad.yaml" -o "$TMP/bad-out.txt" "$T" >/dev/null 2>"$TMP/bad.err"
	local rc=$?
	check_eq "config $1: exit 2" 2 "$rc"
	check_match "config $1: one line with file:line:column" \
		"^tjconv: error: '$TMP/bad\.yaml':$2" "$(cat "$TMP/bad.err")"
	check_eq "config $1: a single line" 1 "$(wc -l <"$TMP/bad.err")"
	check "config $1: no output file" test ! -e "$TMP/bad-out.txt"
}
bad_config "YAML syntax error" "4:1: did not find expected ',' or ']'" \
	$'to: text\nclock:\n  gmt: [true\n'
bad_config "unknown key" "2:1: unknown key 'colour'" $'to: text\ncolour: red\n'
bad_config "wrong type" "2:8: expected a mapping for 'clock'" $'to: text\nclock: yes\n'
bad_config "bad boolean" "2:8: expected a boolean for 'clock.gmt'" $'clock:\n  gmt: maybe\n'
bad_config "malformed time" "1:8: malformed time '25:00' for 'begin'" $'begin: "25:00"\n'

done_testing
