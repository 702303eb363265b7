#!/usr/bin/env bash
# The plugin SDK end to end, as a third party sees it: tjconv installed into a
# temporary DESTDIR (headers, tjconv-plugin.pc, man page tjconv-plugin(7),
# examples); the example analyzer (share/examples/plugin-skeleton, "fdbytes")
# and the example exporter copied OUTSIDE the tree and built with their own
# Makefiles from nothing but the installed SDK; their output on real traces
# checked against babeltrace2 (tests/tools/fdbytes-oracle: bytes read and
# written per thread and fd) in text and chrome-json; uninstall removes it all.
. "$(dirname "$0")/../lib/tap.sh"
require_tool python3 babeltrace2 man make pkg-config
export LC_ALL=C
NSHARED=3
plan $((21 + NSHARED))
TJ_TOP=$(cd "$TJ_TOP" && pwd -P)
dest="$TMP/root"
make -s -C "$TJ_TOP" BUILD="$TJ_BUILD" PREFIX=/usr DESTDIR="$dest" install >/dev/null 2>"$TMP/err"
check "make install into a DESTDIR" test -x "$dest/usr/bin/tjconv"
bin="$dest/usr/bin/tjconv"
man7="$dest/usr/share/man/man7/tjconv-plugin.7"
check "the man page tjconv-plugin(7) is installed" test -f "$man7"
MANWIDTH=80 man -l "$man7" >"$TMP/man.txt" 2>"$TMP/man.err"
check_eq "man -l renders it without a warning" "" "$(cat "$TMP/man.err")"
sections=$(grep -E '^[A-Z][A-Z ]+$' "$TMP/man.txt" | tr '\n' '|')
check_eq "... with every section of the ABI" \
	"NAME|SYNOPSIS|DESCRIPTION|ENTRY SYMBOL AND DESCRIPTOR|HOST FUNCTION TABLE|EVENT VIEW AND FIELD ACCESS|RECORDS AND FLOWS|ANNOTATIONS|ERRORS|OWNERSHIP|THREADING|PARAMETERS|VERSIONING|SEARCH PATH|EXAMPLE|SEE ALSO|" \
	"$sections"
maj=$(sed -n 's/^#define TJ_ABI_MAJOR \([0-9]*\)$/\1/p' "$TJ_TOP/include/tjconv/plugin.h")
min=$(sed -n 's/^#define TJ_ABI_MINOR \([0-9]*\)$/\1/p' "$TJ_TOP/include/tjconv/plugin.h")
check_match "the man page names the header's ABI version ($maj.$min)" "\(plugin ABI $maj\.$min\)$" "$(grep "^tjconv-plugin " "$man7")"

export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
ex=$(pkg-config --variable=examplesdir tjconv-plugin)
check_match "pkg-config names the installed examples" "/usr/share/tjconv/examples\$" "$ex"
check "the examples are installed there" test -f "$dest/usr/share/tjconv/examples/plugin-skeleton/fdbytes.c" \
	-a -f "$dest/usr/share/tjconv/examples/exporter-skeleton/Makefile"

# Outside the source tree, from the installed copy.
work="$TMP/third-party"
mkdir -p "$work"
cp -r "$dest/usr/share/tjconv/examples/plugin-skeleton" "$dest/usr/share/tjconv/examples/exporter-skeleton" "$work/"
make -C "$work/plugin-skeleton" >"$TMP/build.log" 2>&1
check "the skeleton analyzer builds with its own Makefile and the installed SDK" test -f "$work/plugin-skeleton/fdbytes.so"
check_eq "... its compile line names no path of the source tree" "" "$(grep -F "$TJ_TOP" "$TMP/build.log")"
check_match "... and names the installed include dir" "-I$dest/usr/include" "$(cat "$TMP/build.log")"
check_match "the installed tjconv loads it" "^  fdbytes +analyzer +1\.0 " \
	"$(TJCONV_PLUGIN_PATH= "$bin" list-plugins --plugin-path "$work/plugin-skeleton" 2>&1)"

# fdbytes against babeltrace2, in both exporters.
run_fdbytes() { # NAME TRACE
	TJCONV_PLUGIN_PATH= "$bin" -q --plugin-path "$work/plugin-skeleton" "$2" -o "$TMP/$1.txt" &&
		TJCONV_PLUGIN_PATH= "$bin" -q --plugin-path "$work/plugin-skeleton" "$2" --to chrome-json -o "$TMP/$1.json" &&
		"$TJ_TOP/tests/tools/fdbytes-oracle" "$2" >"$TMP/$1.oracle" &&
		"$TJ_TOP/tests/tools/fdbytes-from-output" text "$TMP/$1.txt" | sort >"$TMP/$1.fromtext" &&
		"$TJ_TOP/tests/tools/fdbytes-from-output" chrome-json "$TMP/$1.json" | sort >"$TMP/$1.fromjson"
}
sample="$TJ_TOP/share/samples/ncat-journey"
run_fdbytes sample "$sample"
check_eq "sample: babeltrace2 gives ncat's 3 (thread, fd) pairs" \
	"2150 1 written 6|2150 4 read 6|2160 3 written 6|" "$(tr '\n' '|' <"$TMP/sample.oracle")"
check_eq "sample: the text annotations add up to babeltrace2's bytes per thread and fd" \
	"$(cat "$TMP/sample.oracle")" "$(cat "$TMP/sample.fromtext")"
check_eq "sample: the chrome-json counters end at babeltrace2's bytes per thread and fd" \
	"$(cat "$TMP/sample.oracle")" "$(cat "$TMP/sample.fromjson")"
TJCONV_PLUGIN_PATH= "$bin" -q --plugin-path "$work/plugin-skeleton" --param fdbytes.annotate=no "$sample" >"$TMP/noann.txt"
check_eq "--param fdbytes.annotate=no: no annotation" 0 "$(grep -c 'bytes (total' "$TMP/noann.txt")"
TJCONV_PLUGIN_PATH= "$bin" -q --plugin-path "$work/plugin-skeleton" --param fdbytes.annotate=maybe "$sample" >/dev/null 2>"$TMP/bad.err"
check_match "--param fdbytes.annotate=maybe: the plugin's error is shown" "invalid annotate 'maybe'" "$(cat "$TMP/bad.err")"
make -s -C "$work/plugin-skeleton" check TJCONV="env TJCONV_PLUGIN_PATH= $bin" TRACE="$sample" >"$TMP/mc.out" 2>&1
check_match "the skeleton's own 'make check' runs it on a trace" "=> fd 4 read 6 bytes \(total 6\)" "$(cat "$TMP/mc.out")"

if have_shared; then
	live="$TRACES/live-ncat-3"
	run_fdbytes live "$live"
	check "live-ncat-3: babeltrace2 finds more than 10 (thread, fd) pairs" test "$(wc -l <"$TMP/live.oracle")" -gt 10
	check_eq "live-ncat-3: text annotations equal babeltrace2's bytes per thread and fd" \
		"$(cat "$TMP/live.oracle")" "$(cat "$TMP/live.fromtext")"
	check_eq "live-ncat-3: chrome-json counters equal babeltrace2's bytes per thread and fd" \
		"$(cat "$TMP/live.oracle")" "$(cat "$TMP/live.fromjson")"
else
	skip_n "$NSHARED" "the live trace needs the shared traces ($TRACES)"
fi

# The exporter skeleton: its event counts are babeltrace2's.
make -C "$work/exporter-skeleton" >"$TMP/ebuild.log" 2>&1
check "the skeleton exporter builds outside the tree" test -f "$work/exporter-skeleton/evcount.so"
TJCONV_PLUGIN_PATH= "$bin" -q --plugin-path "$work/exporter-skeleton" --to evcount "$sample" >"$TMP/evcount.out"
check_eq "--to evcount: its per-class counts add up to babeltrace2's event count" \
	"$(babeltrace2 "$sample" | wc -l)" "$(awk '$1 == "events" { n += $3 } END { print n + 0 }' "$TMP/evcount.out")"
check_eq "--to evcount: sched_switch count as babeltrace2's" \
	"$(babeltrace2 "$sample" | grep -c ' sched_switch: ')" "$(awk '$2 == "sched_switch" { print $3 }' "$TMP/evcount.out")"

make -s -C "$TJ_TOP" BUILD="$TJ_BUILD" PREFIX=/usr DESTDIR="$dest" uninstall >/dev/null 2>&1
check_eq "make uninstall removes the man page, the examples and everything else" "" "$(find "$dest" -type f)"
done_testing
