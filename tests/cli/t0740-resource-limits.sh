#!/usr/bin/env bash
# Inputs that claim absurd sizes (tests/tools/mkctf-absurd writes the
# traces): each run must end quickly (timeout) with bounded memory, and
# either read what babeltrace2 reads or say clearly why not.  Deeply nested
# YAML is refused with its line and column before libyaml spends
# quadratic time on it.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
require_tool babeltrace2 python3
export LC_ALL=C
plan 17

MK="$TJ_TOP/tests/tools/mkctf-absurd"
# run NAME ARGS...: tjconv under a 60 s timeout and a 1 GB address-space
# cap (ASan reserves far more virtual memory: no cap under it)
run() {
	local name=$1
	shift
	local cap=
	ldd "$TJCONV" 2>/dev/null | grep -q libasan || cap="ulimit -v 1048576;"
	bash -c "$cap exec timeout 60 \"\$@\"" run "$TJCONV" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
}

# 1. a sequence claiming 2^32-1 elements: libbabeltrace2 itself crashes on
# it (babeltrace2 dies by a signal); tjconv says so in one line, exit 1.
"$MK" "$TMP/seq" seq
babeltrace2 "$TMP/seq" >/dev/null 2>&1
bt=$?
check "babeltrace2 crashes on the 2^32-1 sequence (the reason for the guard)" test "$bt" -ge 128
run seq "$TMP/seq" -o "$TMP/seq.txt"
check_eq "sequence 2^32-1: exit 1, not a crash" 1 $?
# (Under ASan, its handler reports the SEGV in libbabeltrace2 and aborts.)
check_match "sequence 2^32-1: a clear message naming the trace, last on stderr" \
	"^tjconv: error: reading '.*/seq' crashed the decoder \((SIGSEGV|SIGABRT)\): the trace is corrupt or hostile" \
	"$(tail -1 "$TMP/seq.err")"
check "sequence 2^32-1: no output file" test ! -e "$TMP/seq.txt"
TJCONV_NO_GUARD=1 "$TJCONV" "$TMP/seq" -o "$TMP/seq.txt" >/dev/null 2>&1
check "sequence 2^32-1, TJCONV_NO_GUARD: the crash is the decoder's (tjconv dies with it)" \
	test $? -ge 128

# 2. 2000 stream files of one event each: every event, memory bounded
# (babeltrace2 takes 10 s on these: the count is the generator's, one per file)
"$MK" "$TMP/streams" streams 2000
run streams "$TMP/streams"
check_eq "2000 streams: exit 0" 0 $?
check_eq "2000 streams: every event" 2000 "$(grep -c '^\[' "$TMP/streams.out")"

# 3. a packet claiming 2^60 bytes: salvaged away, the other stream read
"$MK" "$TMP/psize" packet-size
run psize "$TMP/psize"
check_eq "packet of 2^60 bytes: exit 0" 0 $?
check_match "packet of 2^60 bytes: warned" \
	"stream file '.*psize/chan_1' \(68 bytes\) ends inside the packet at offset 0 \(packet-size-bytes 1152921504606846976" \
	"$(cat "$TMP/psize.err")"
mkdir "$TMP/psize-oracle"
cp "$TMP/psize/metadata" "$TMP/psize/chan_0" "$TMP/psize-oracle/"
check_eq "packet of 2^60 bytes: the other stream's events (babeltrace2 without the file)" \
	"$(babeltrace2 "$TMP/psize-oracle" | wc -l)" "$(grep -c '^\[' "$TMP/psize.out")"
run psize-strict "$TMP/psize" --strict
check_eq "packet of 2^60 bytes, --strict: exit 1" 1 $?

# 4. a string without its NUL, running to the end of the packet
"$MK" "$TMP/str" string
run str "$TMP/str"
check_eq "unterminated string: exit 0 (babeltrace2 also stops there)" 0 $?
check_eq "unterminated string: the events babeltrace2 reads" "$(babeltrace2 "$TMP/str" 2>/dev/null | wc -l)" \
	"$(grep -c '^\[' "$TMP/str.out")"

# 5. YAML nested 200000 levels deep (flow) and 3000 levels (block)
python3 -c 'print("jobs: " + "[" * 200000 + "]" * 200000)' >"$TMP/flow.yaml"
run flow --config "$TMP/flow.yaml" "$TMP/str"
check_eq "YAML nested 200000 deep: exit 2" 2 $?
check_match "YAML nested 200000 deep: one line with the line and column" \
	"^tjconv: error: '.*flow.yaml':1:70: nested deeper than 64 levels\|1$" \
	"$(cat "$TMP/flow.err")|$(wc -l <"$TMP/flow.err")"
python3 -c 'print("\n".join(" " * i + "a:" for i in range(3000)))' >"$TMP/block.yaml"
run block --config "$TMP/block.yaml" "$TMP/str"
check_eq "YAML nested 3000 deep: exit 2" 2 $?
check_match "YAML nested 3000 deep: says so" "nested deeper than 64 levels" "$(cat "$TMP/block.err")"
done_testing
