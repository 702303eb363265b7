#!/usr/bin/env bash
# 40 damaged copies of a small tjgen trace (tests/tools/mutate-trace, fixed
# seed: truncated, bit-flipped, zeroed, dropped or emptied stream files and
# metadata).  tjconv must end each run, within 30 s, with either exit 0 and
# output made of event and comment lines only — exactly babeltrace2's event
# count whenever babeltrace2 reads the mutant — or exit 1 with one
# "tjconv: error:" line last on stderr and no output file.  Never a crash
# (exit >= 128), a hang (timeout) or a sanitizer report (CI runs this under
# ASan/UBSan too).
. "${TJ_TOP:-.}/tests/lib/tap.sh"
require_tool babeltrace2 python3 timeout
export LC_ALL=C
N=40
plan $((N + 1))

"$TJGEN" --scenario ncat --packet-size 4k -o "$TMP/trace" -q
"$TJ_TOP/tests/tools/mutate-trace" --seed 13 --count $N "$TMP/trace" "$TMP/mut" >"$TMP/list"
check_eq "mutate-trace wrote $N mutants" $N "$(wc -l <"$TMP/list")"

for ((i = 0; i < N; i++)); do
	m=$(printf 'm%03d' $i)
	what=$(sed -n "s/^$m: //p" "$TMP/list")
	out="$TMP/$m.txt"
	timeout 30 "$TJCONV" "$TMP/mut/$m" -o "$out" >"$TMP/$m.stdout" 2>"$TMP/$m.err"
	rc=$?
	why=
	if [ $rc = 124 ]; then
		why="hang (no end within 30 s)"
	elif [ $rc -ge 128 ]; then
		why="crash (exit $rc)"
	elif grep -Eq 'Sanitizer|runtime error' "$TMP/$m.err"; then
		why="sanitizer report: $(grep -Em1 'Sanitizer|runtime error' "$TMP/$m.err")"
	elif [ $rc = 0 ]; then
		bad=$(grep -vc '^[[#]' "$out")
		if [ "$bad" != 0 ]; then
			why="$bad output lines are neither events nor comments"
		elif timeout 30 babeltrace2 "$TMP/mut/$m" >"$TMP/$m.bt" 2>/dev/null; then
			want=$(wc -l <"$TMP/$m.bt")
			got=$(grep -c '^\[' "$out")
			[ "$want" = "$got" ] || why="$got events where babeltrace2 reads $want"
		fi
	elif [ $rc = 1 ]; then
		if [ -e "$out" ] || compgen -G "$out.tmp-*" >/dev/null; then
			why="an output file was left"
		elif [ "$(grep -c '^tjconv: error: ' "$TMP/$m.err")" != 1 ] ||
			! tail -1 "$TMP/$m.err" | grep -q '^tjconv: error: '; then
			why="not one error line last on stderr: $(tail -2 "$TMP/$m.err" | tr '\n' '|')"
		fi
	else
		why="exit $rc"
	fi
	if [ -z "$why" ]; then
		ok "$m ($what): exit $rc$([ $rc = 1 ] && echo ": $(tail -1 "$TMP/$m.err" | cut -c1-100)")"
	else
		not_ok "$m ($what): $why"
	fi
done
done_testing
