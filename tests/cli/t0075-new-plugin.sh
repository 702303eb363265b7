#!/usr/bin/env bash
# `tjconv new-plugin NAME [--exporter] [--dir DIR]`: from a DESTDIR install,
# the generated folder is the installed example with its name replaced (one
# template, no drift), builds with its own Makefile against the installed SDK,
# loads (list-plugins --plugin-path) and runs; bad names, an existing folder
# and unknown options are refused.
. "$(dirname "$0")/../lib/tap.sh"
require_tool make pkg-config
plan 17
dest="$TMP/root"
make -s -C "$TJ_TOP" BUILD="$TJ_BUILD" PREFIX=/usr DESTDIR="$dest" install >/dev/null 2>"$TMP/err"
check "make install into a DESTDIR" test -x "$dest/usr/bin/tjconv"
bin="$dest/usr/bin/tjconv"
ex="$dest/usr/share/tjconv/examples"
export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" TJCONV_PLUGIN_PATH=
mkdir "$TMP/w"
(cd "$TMP/w" && "$bin" new-plugin futexwait >"$TMP/np.out" 2>"$TMP/np.err")
check_eq "new-plugin futexwait exits 0, quietly on stderr" "0:" "$?:$(cat "$TMP/np.err")"
check_eq "it writes the analyzer skeleton's files, renamed, into ./futexwait" "Makefile futexwait.c" \
	"$(cd "$TMP/w/futexwait" && ls | tr '\n' ' ' | sed 's/ $//')"
check_eq "futexwait.c is the installed example with fdbytes renamed" \
	"$(sed 's/fdbytes/futexwait/g' "$ex/plugin-skeleton/fdbytes.c")" "$(cat "$TMP/w/futexwait/futexwait.c")"
check_eq "the Makefile likewise" \
	"$(sed 's/fdbytes/futexwait/g' "$ex/plugin-skeleton/Makefile")" "$(cat "$TMP/w/futexwait/Makefile")"
check_match "it says how to build it" "make -C futexwait" "$(cat "$TMP/np.out")"
make -C "$TMP/w/futexwait" >"$TMP/build.log" 2>&1
check "it builds with 'make' against the installed SDK" test -f "$TMP/w/futexwait/futexwait.so"
list=$("$bin" list-plugins --plugin-path "$TMP/w/futexwait" 2>&1)
check_match "it loads" "^  futexwait +analyzer +1\.0 " "$list"
sample="$TJ_TOP/share/samples/ncat-journey"
"$bin" -q --plugin-path "$TMP/w/futexwait" "$sample" >"$TMP/fw.txt" 2>&1
check_eq "and runs: its annotations are the example's (3 on the sample)" 3 "$(grep -c 'bytes (total' "$TMP/fw.txt")"

"$bin" new-plugin myexp --exporter --dir "$TMP/w/exp" >"$TMP/ne.out" 2>&1
check_eq "new-plugin myexp --exporter --dir DIR writes the exporter skeleton there" "Makefile myexp.c" \
	"$(cd "$TMP/w/exp" && ls | tr '\n' ' ' | sed 's/ $//')"
check_eq "myexp.c is the installed exporter example renamed" \
	"$(sed 's/evcount/myexp/g' "$ex/exporter-skeleton/evcount.c")" "$(cat "$TMP/w/exp/myexp.c")"
make -C "$TMP/w/exp" >"$TMP/ebuild.log" 2>&1
check_match "it builds and loads as an exporter" "^  myexp +exporter " \
	"$("$bin" list-plugins --plugin-path "$TMP/w/exp" 2>&1)"
check_match "--to myexp writes its summary" "^records [0-9]+\$" \
	"$("$bin" -q --plugin-path "$TMP/w/exp" --to myexp "$sample" 2>&1)"

(cd "$TMP/w" && "$bin" new-plugin futexwait >/dev/null 2>"$TMP/again.err")
rc=$?
check_match "an existing folder is refused (exit 1), naming it" "1:tjconv: error: cannot create directory 'futexwait': File exists" \
	"$rc:$(cat "$TMP/again.err")"
(cd "$TMP/w" && "$bin" new-plugin 9lives >/dev/null 2>"$TMP/name.err")
rc=$?
check_match "a name that is not an identifier is a usage error (exit 2)" "^2:tjconv: error: invalid plugin name '9lives'" \
	"$rc:$(cat "$TMP/name.err")"
check "... and writes nothing" test ! -e "$TMP/w/9lives"
(cd "$TMP/w" && "$bin" new-plugin x --nope >/dev/null 2>"$TMP/opt.err")
rc=$?
check_match "an unknown option is a usage error naming it" "^2:tjconv: error: unknown option '--nope' for new-plugin" \
	"$rc:$(cat "$TMP/opt.err")"
done_testing
