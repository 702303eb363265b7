#!/usr/bin/env bash
# -o where the output cannot be written whole: a full device (/dev/full), a
# full filesystem (a 64 kB tmpfs when this runs as root and may mount, else
# a file-size limit), a file-size limit (ulimit -f: the write fails with
# EFBIG instead of SIGXFSZ killing tjconv), a folder we may not write.  Each
# must exit 1 with one line whose first cause is the system's own reason,
# and leave no file (neither the output nor its temporary file) behind.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
export LC_ALL=C
TJ_BUILD=$(cd "$TJ_BUILD" && pwd -P)
TJCONV="$TJ_BUILD/bin/tjconv"
plan 18

trace="$TMP/trace"
"$TJGEN" --scenario load --events 20000 -o "$trace" -q
check "tjgen writes the trace" test -s "$trace/metadata"

# failing DESC REASON DIR OUT [PREFIX...]: run tjconv -o OUT, expect exit 1,
# one line "tjconv: error: cannot ... 'OUT': REASON ..." and DIR left empty.
failing() {
	local desc=$1 reason=$2 dir=$3 out=$4
	shift 4
	"$@" "$TJCONV" "$trace" --to chrome-json -o "$out" 2>"$TMP/err"
	check_eq "$desc: exit 1" 1 $?
	check_match "$desc: one line, the reason first" \
		"^tjconv: error: cannot (write|create) '$out': $reason( \(.*)?\|1$" \
		"$(cat "$TMP/err")|$(wc -l <"$TMP/err")"
	[ -z "$dir" ] || check_eq "$desc: nothing left in the folder" "" "$(ls -A "$dir")"
}

failing "/dev/full" "No space left on device" "" /dev/full

mkdir "$TMP/small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$TMP/small" 2>/dev/null; then
	failing "64 kB tmpfs" "No space left on device" "$TMP/small" "$TMP/small/out.json"
	failing "64 kB tmpfs, .gz" "No space left on device" "$TMP/small" "$TMP/small/out.json.gz"
	umount "$TMP/small"
else
	echo "# no tmpfs mount here: a 64 kB file-size limit stands in for the full filesystem"
	failing "64 kB limit" "File too large" "$TMP/small" "$TMP/small/out.json" \
		bash -c 'ulimit -f 64 && exec "$@"' limit
	failing "64 kB limit, .gz" "File too large" "$TMP/small" "$TMP/small/out.json.gz" \
		bash -c 'ulimit -f 64 && exec "$@"' limit
fi

mkdir "$TMP/limit"
failing "ulimit -f 100" "File too large" "$TMP/limit" "$TMP/limit/out.json" \
	bash -c 'ulimit -f 100 && exec "$@"' limit
failing "ulimit -f 100, .gz" "File too large" "$TMP/limit" "$TMP/limit/out.json.gz" \
	bash -c 'ulimit -f 100 && exec "$@"' limit

# A folder without write permission; root ignores it, so as root tjconv
# runs as nobody (setpriv), which may read the trace but not write there.
mkdir "$TMP/ro"
chmod 555 "$TMP/ro"
as=()
if [ "$(id -u)" = 0 ]; then
	chmod -R a+rX "$TMP"
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ ${#as[@]} -gt 0 ] && ! "${as[@]}" "$TJCONV" --version >/dev/null 2>&1; then
	# the checkout is not reachable by nobody (a home folder of mode 700):
	# sysfs refuses root a new file too
	echo "# nobody cannot run $TJCONV here: /sys stands in for the unwritable folder"
	failing "unwritable folder" "Permission denied" "" /sys/tjconv-t0730.json
	check "unwritable folder: nothing left in it" test ! -e /sys/tjconv-t0730.json
else
	failing "unwritable folder" "Permission denied" "$TMP/ro" "$TMP/ro/out.json" "${as[@]}"
fi
chmod 755 "$TMP/ro"
done_testing
