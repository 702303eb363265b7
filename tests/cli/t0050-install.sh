#!/usr/bin/env bash
# make install / uninstall honour PREFIX and DESTDIR; an installed tree is
# relocatable (plugins found next to the binary); an out-of-tree plugin builds
# with nothing but `pkg-config --cflags tjconv-plugin` and loads.
. "$(dirname "$0")/../lib/tap.sh"
plan 9
dest="$TMP/root"
make -s -C "$TJ_TOP" BUILD="$TJ_BUILD" PREFIX=/opt/tj DESTDIR="$dest" install >/dev/null 2>"$TMP/err"
check "make install succeeds" test -x "$dest/opt/tj/bin/tjconv"
check "built-in plugins installed" test -f "$dest/opt/tj/lib/tjconv/syscalls.so"
check "plugin header, pkg-config file and man page installed" \
	test -f "$dest/opt/tj/include/tjconv/plugin.h" -a -f "$dest/opt/tj/lib/pkgconfig/tjconv-plugin.pc" \
	-a -f "$dest/opt/tj/share/man/man1/tjconv.1"
check_match "the installed binary finds its plugins next to it" 'syscalls +analyzer' \
	"$(TJCONV_PLUGIN_PATH= "$dest/opt/tj/bin/tjconv" list-plugins)"
check_eq "the installed binary converts the sample like the build tree" \
	"$("$TJCONV" -q "$TJ_TOP/share/samples/ncat-journey" | md5sum)" \
	"$(TJCONV_PLUGIN_PATH= "$dest/opt/tj/bin/tjconv" -q "$TJ_TOP/share/samples/ncat-journey" | md5sum)"
# Out-of-tree plugin: only the installed header and the .pc file.
cflags=$(PKG_CONFIG_PATH="$dest/opt/tj/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" pkg-config --cflags tjconv-plugin)
mkdir -p "$TMP/oot"
cp "$TJ_TOP/tests/plugins/minimal.c" "$TMP/oot/"
check "an out-of-tree plugin builds against the installed header" \
	cc -shared -fPIC $cflags -Werror -Wall "$TMP/oot/minimal.c" -o "$TMP/oot/minimal.so"
check_match "and loads" 'minimal +analyzer' \
	"$("$dest/opt/tj/bin/tjconv" list-plugins --plugin-path "$TMP/oot")"
make -s -C "$TJ_TOP" BUILD="$TJ_BUILD" PREFIX=/opt/tj DESTDIR="$dest" uninstall >/dev/null 2>&1
check_eq "make uninstall removes every installed file" "" "$(find "$dest" -type f)"
check "uninstall left no plugin directory" test ! -d "$dest/opt/tj/lib/tjconv"
done_testing
