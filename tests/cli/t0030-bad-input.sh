#!/usr/bin/env bash
# Bad input and bad usage: every case must give exactly one line on stderr
# that names the path (or option) and the problem, exit 1 (bad input) or 2
# (bad usage) — never a crash (>= 128) — and leave nothing in the output
# directory: no -o file, no temporary file.  Where babeltrace2 can read the
# same input, its verdict decides what tjconv must do.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
TJ_BUILD=$(cd "$TJ_BUILD" && pwd -P)
TJCONV="$TJ_BUILD/bin/tjconv"
unset TJCONV_PLUGIN_PATH
export LC_ALL=C

# 60 tests without a trace, then SHARED_TESTS on the shared traces.
SHARED_TESTS=91
plan $((60 + SHARED_TESTS))

# expect_fail DESC CODE REGEX [--no-out] -- TJCONV_ARGS...
# Runs tjconv with -o OUTDIR/out.txt (unless --no-out) in a fresh OUTDIR.
expect_fail() {
	local desc=$1 code=$2 re=$3 use_out=1
	shift 3
	if [ "$1" = --no-out ]; then
		use_out=0
		shift
	fi
	[ "$1" = -- ] && shift
	local out="$TMP/out.$_tap_n"
	rm -rf "$out"
	mkdir "$out"
	if [ $use_out = 1 ]; then
		"$TJCONV" -o "$out/out.txt" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
	else
		"$TJCONV" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
	fi
	local rc=$?
	# Loader notices about plugins in the build's libdir (work in progress
	# by others) are not about this input.
	local err
	err=$(grep -v "^tjconv: notice: '$TJ_BUILD/lib/tjconv/" "$TMP/stderr")
	check_eq "$desc: exit $code" "$code" "$rc"
	check_eq "$desc: exactly one line on stderr" 1 "$(printf '%s' "$err" | grep -c '')"
	check_match "$desc: the line names it" "^tjconv: error: .*$re" "$err"
	check_eq "$desc: nothing left in the output directory" "" "$(ls -A "$out")"
	check_eq "$desc: nothing on stdout" "" "$(head -c 200 "$TMP/stdout")"
}

# ---- paths ------------------------------------------------------------------
expect_fail "missing path" 1 "'$TMP/no-such-trace': No such file or directory" \
	-- "$TMP/no-such-trace"
mkdir "$TMP/empty"
expect_fail "folder without metadata" 1 "no CTF trace in '$TMP/empty'" -- "$TMP/empty"
echo "not a trace" >"$TMP/file"
expect_fail "a file instead of a folder" 1 "'$TMP/file': not a directory" -- "$TMP/file"

# ---- usage ------------------------------------------------------------------
T=$TRACES/tc-flipping-endianness
expect_fail "unknown option" 2 "unknown option '--frobnicate'" -- --frobnicate "$T"
expect_fail "option without its value" 2 "option '--to' needs a value" --no-out -- "$T" --to
expect_fail "--param without '='" 2 "invalid --param 'text\.clock-gmt'" -- --param text.clock-gmt "$T"
expect_fail "--param without plugin" 2 "invalid --param 'clock-gmt=1'" -- --param clock-gmt=1 "$T"
expect_fail "--begin 25:99" 2 "invalid --begin '25:99'" -- --begin 25:99 "$T"
expect_fail "--begin abc" 2 "invalid --begin 'abc'" -- --begin abc "$T"
expect_fail "--end 12:60" 2 "invalid --end '12:60'" -- --end 12:60 "$T"
expect_fail "no trace given" 2 "no trace given" --no-out --
expect_fail "two traces" 2 "unexpected argument '$TMP/empty'" -- "$T" "$TMP/empty"

if ! have_shared; then
	skip_n "$SHARED_TESTS" "the remaining cases need the shared traces ($TRACES)"
	done_testing
fi

expect_fail "unknown --to" 1 "unknown exporter 'nope' \(available: [a-z]" -- --to nope "$T"
expect_fail "--begin after --end" 1 "--begin '21:42' is after --end '21:41'" \
	-- --clock-gmt --begin 21:42 --end 21:41 "$T"

# ---- output -----------------------------------------------------------------
expect_fail "-o under a missing directory" 1 \
	"cannot create '$TMP/no-dir/out\.txt': No such file or directory" --no-out \
	-- -o "$TMP/no-dir/out.txt" "$T"
check "... and the directory was not created" test ! -e "$TMP/no-dir"
expect_fail "-o /proc/x" 1 "cannot create '/proc/x'" --no-out -- -o /proc/x "$T"
mkdir "$TMP/isdir"
expect_fail "-o a directory" 1 "'$TMP/isdir': Is a directory" --no-out -- -o "$TMP/isdir" "$T"
check "... and the directory is left empty" test -z "$(ls -A "$TMP/isdir")"
# A directory where creating a file is refused: mode 555, or for root (who
# ignores modes; CI runs as root) /sys, which refuses new files to root too
# (EACCES, or EROFS where it is mounted read-only as in containers).
if [ "$(id -u)" != 0 ]; then
	mkdir "$TMP/ro"
	chmod 555 "$TMP/ro"
	expect_fail "-o in a read-only directory" 1 "cannot create '$TMP/ro/out\.txt': Permission denied" \
		--no-out -- -o "$TMP/ro/out.txt" "$T"
	chmod 755 "$TMP/ro"
else
	expect_fail "-o in a directory that refuses files to root (/sys)" 1 \
		"cannot create '/sys/tjconv-out\.txt': (Permission denied|Read-only file system)" \
		--no-out -- -o /sys/tjconv-out.txt "$T"
fi

# ---- pre-CTF-1.8 trace ------------------------------------------------------------
P=$TRACES/bt-lttng-modules-2.0-pre5
check "babeltrace2 rejects bt-lttng-modules-2.0-pre5 too" \
	sh -c "! babeltrace2 '$P' >/dev/null 2>&1"
expect_fail "pre-CTF-1.8 trace" 1 "CTF 1\.8.* \(cannot read trace '$P'\)" -- "$P"

# ---- corrupt metadata -------------------------------------------------------------
# Real LTTng metadata is packetized binary; babeltrace2 prints it as text
# (TSDL, without the "/* CTF 1.8 */" signature it needs to read it back).
copy_trace() { # SRC DST
	mkdir -p "$2"
	cp -r "$1"/. "$2"/
	chmod -R u+w "$2"
}
copy_trace "$T" "$TMP/textmeta"
{ echo '/* CTF 1.8 */'; babeltrace2 -o ctf-metadata "$T"; } >"$TMP/textmeta/metadata"
check_eq "a copy with text metadata reads like the original (babeltrace2 event count)" \
	"$(babeltrace2 "$T" | wc -l)" "$("$TJCONV" -q "$TMP/textmeta" 2>/dev/null | grep -c '^\[')"

# bt_line DIR: "At line N in metadata stream" as babeltrace2 reports it.
bt_line() { babeltrace2 "$1" 2>&1 >/dev/null | grep -o 'At line [0-9]* in metadata stream' | head -n 1; }

copy_trace "$TMP/textmeta" "$TMP/syntax"
sed -i '100i this is not tsdl {' "$TMP/syntax/metadata"
where=$(bt_line "$TMP/syntax")
check_match "babeltrace2 finds the syntax error" "^At line 100 in" "$where"
expect_fail "metadata syntax error" 1 \
	"invalid CTF metadata: $where: syntax error.* \(cannot read trace '$TMP/syntax'\)" -- "$TMP/syntax"

copy_trace "$TMP/textmeta" "$TMP/semantic"
sed -i '0,/stream_id = 0;/s//stream_id = 7;/' "$TMP/semantic/metadata"
where=$(bt_line "$TMP/semantic")
check_match "babeltrace2 finds the undefined stream class" "^At line [0-9]+ in" "$where"
expect_fail "metadata naming an undefined stream class" 1 \
	"invalid CTF metadata: $where: .*id=7" -- "$TMP/semantic"

copy_trace "$T" "$TMP/garbage"
printf 'garbage\n' >"$TMP/garbage/metadata"
expect_fail "garbage metadata" 1 "invalid CTF metadata.* \(cannot read trace '$TMP/garbage'\)" -- "$TMP/garbage"
check "garbage metadata: the message is the same on every run (no stray numbers)" \
	test "$("$TJCONV" "$TMP/garbage" 2>&1)" = "$("$TJCONV" "$TMP/garbage" 2>&1)"
: >"$TMP/garbage/metadata"
expect_fail "empty metadata" 1 "invalid CTF metadata.* \(cannot read trace '$TMP/garbage'\)" -- "$TMP/garbage"

# ---- truncated stream files ------------------------------------------------------
# bt-tracefile-rotation/kernel/mychan_0_2 is one packet: header (magic, uuid,
# stream id, instance id: 32 bytes), then the context (timestamp_begin,
# timestamp_end, content_size in bits, packet_size in bits...).
R=$TRACES/bt-tracefile-rotation/kernel
F=mychan_0_2
magic=$(od -An -tx1 -N4 "$R/$F" | tr -d ' ')
content=$(($(od -An -tu8 -j48 -N8 "$R/$F" | tr -d ' ') / 8))
if [ "$magic" != c11ffcc1 ] || [ "$content" -le 64 ]; then
	for ((i = 0; i < 21; i++)); do not_ok "truncation: unexpected layout of $R/$F"; done
else
	for off in 10 40 $((content / 2)) $((content - 3)); do
		case $off in
		10) what="inside the packet header" ;;
		40) what="inside the packet context" ;;
		$((content / 2))) what="mid-packet" ;;
		*) what="mid-event at the end of the content" ;;
		esac
		d="$TMP/trunc-$off"
		copy_trace "$R" "$d"
		truncate -s "$off" "$d/$F"
		if babeltrace2 "$d" >"$TMP/bt.out" 2>/dev/null; then
			# babeltrace2 reads the rest as valid: so must we (as many
			# tests as expect_fail gives, so the plan holds either way).
			"$TJCONV" -q --no-annotations -o "$d.txt" "$d" 2>"$TMP/trunc.err"
			check_eq "truncated $what (at $off): babeltrace2 reads it: tjconv exits 0" 0 "$?"
			check_eq "... no error on stderr" "" "$(grep error "$TMP/trunc.err")"
			check_eq "... as many events as babeltrace2" "$(wc -l <"$TMP/bt.out")" \
				"$(grep -c '^\[' "$d.txt")"
			check "... the same lines as babeltrace2" "$TJ_TOP/tests/tools/compare-bt-text" "$d.txt" "$TMP/bt.out"
			check "... and at least one event" test -s "$TMP/bt.out"
		else
			# Without --strict tjconv salvages the complete packets
			# (t0710); --strict keeps babeltrace2's refusal.
			expect_fail "truncated $what (at $off; babeltrace2 fails too), --strict" 1 \
				"stream file '$d/$F' \([0-9]+ bytes\) .*: [0-9]+ bytes cannot be read" -- --strict "$d"
		fi
	done
	# Relative trace path: libbabeltrace2 names files by absolute path.
	(cd "$TMP" && "$TJCONV" --strict "trunc-10" >/dev/null 2>"$TMP/rel.err")
	check_match "truncated, trace given as a relative path: still names the stream file" \
		"^tjconv: error: stream file '(.*/)?trunc-10/$F' \(10 bytes\) .*cannot be read" \
		"$(grep -v "^tjconv: notice: '$TJ_BUILD/lib/tjconv/" "$TMP/rel.err")"
fi

# ---- data corrupted mid-stream ----------------------------------------------------
# 256 bytes of 0xff inside a packet: an event header with an unknown event
# class id.  babeltrace2 stops there; tjconv must stop at the same event.
d="$TMP/corrupt"
copy_trace "$T" "$d"
S=$(cd "$d" && ls | grep -v '^metadata$' | head -n 1)
head -c 256 /dev/zero | tr '\0' '\377' | dd of="$d/$S" bs=1 seek=150000 conv=notrunc 2>/dev/null
babeltrace2 "$d" >"$TMP/bt.out" 2>/dev/null
btrc=$?
check "corrupt event header: babeltrace2 fails" test "$btrc" -ne 0
"$TJCONV" -q "$d" >"$TMP/tj.out" 2>/dev/null
check_eq "corrupt event header: the events before it, as babeltrace2 printed them" \
	"$(wc -l <"$TMP/bt.out")" "$(grep -c '^\[' "$TMP/tj.out")"
expect_fail "corrupt event header" 1 "[Nn]o event class.* \\(cannot read stream '$S'\\)" -- "$d"
check "corrupt event header: no libbabeltrace2 addresses in the message" \
	test -z "$(grep -E 'addr=|0x[0-9a-f]{8,}' "$TMP/stderr")"

done_testing
