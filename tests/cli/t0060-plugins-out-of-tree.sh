#!/usr/bin/env bash
# The in-tree plugins are built exactly like a third party's: this test
# installs tjconv into a temporary DESTDIR, rebuilds every plugin of
# plugins/ and converters/ from its sources with nothing but the installed
# headers and `pkg-config --cflags tjconv-plugin` (no core header, no core
# object), loads the rebuilt ones in place of the build tree's and demands
# byte-identical output.  It also compiles the public headers as C11 and as
# C++ (a C++ plugin must be possible).
. "$(dirname "$0")/../lib/tap.sh"
dirs=$(cd "$TJ_TOP" && ls -d plugins/*/ converters/*/ | sed 's|/$||')
ndirs=$(echo "$dirs" | wc -w)
plan $((4 + 2 * ndirs + 3))
dest="$TMP/root"
make -s -C "$TJ_TOP" BUILD="$TJ_BUILD" PREFIX=/usr DESTDIR="$dest" install >/dev/null 2>"$TMP/err"
check "make install into a DESTDIR" test -f "$dest/usr/include/tjconv/plugin.h"
export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
cflags=$(pkg-config --cflags tjconv-plugin)
check_match "pkg-config gives the installed include dir" "-I$dest/usr/include" "$cflags"

# Public headers alone, C11 and C++ (every header, and TJ_PLUGIN_DEFINE).
for h in "$dest"/usr/include/tjconv/*.h; do echo "#include <tjconv/$(basename "$h")>"; done >"$TMP/all.h"
printf '#include "%s"\nint main(void) { return 0; }\n' "$TMP/all.h" >"$TMP/h.c"
check "the public headers compile as C11 with -Wall -Wextra -Werror -pedantic" \
	cc -std=c11 -Wall -Wextra -Werror -pedantic $cflags -c "$TMP/h.c" -o "$TMP/h.o"
cp "$TMP/h.c" "$TMP/h.cc"
check "the public headers compile as C++ with -Wall -Wextra -Werror" \
	c++ -std=c++17 -Wall -Wextra -Werror $cflags -c "$TMP/h.cc" -o "$TMP/hpp.o"

mkdir -p "$TMP/oot"
for d in $dirs; do
	name=$(basename "$d")
	# Besides tjconv's headers, a plugin may use a library of its own.
	libs=
	[ "$name" = tracecompass-xml ] &&
		libs=$(env -u PKG_CONFIG_PATH -u PKG_CONFIG_SYSROOT_DIR pkg-config --cflags --libs libxml-2.0)
	[ "$name" = analysis ] &&
		libs=$(env -u PKG_CONFIG_PATH -u PKG_CONFIG_SYSROOT_DIR pkg-config --cflags --libs libxml-2.0 yaml-0.1)
	check "$name builds from its sources with only the installed headers" \
		cc -std=c11 -Wall -Wextra -Werror -shared $cflags "$TJ_TOP/$d"/*.c $libs -o "$TMP/oot/$name.so" \
		$(make -s --no-print-directory -C "$TJ_TOP" "plugin-libs-$name")
	check_match "tjconv loads the rebuilt $name" "$TMP/oot/$name.so" \
		"$(TJCONV_PLUGIN_PATH= "$TJCONV" list-plugins --plugin-path "$TMP/oot" 2>&1)"
done
sample="$TJ_TOP/share/samples/ncat-journey"
for to in text chrome-json tracecompass-xml; do
	"$TJCONV" -q "$sample" --to $to -o "$TMP/built.$to"
	TJCONV_PLUGIN_PATH= "$TJCONV" -q --plugin-path "$TMP/oot" "$sample" --to $to -o "$TMP/rebuilt.$to"
	check "--to $to: the rebuilt plugins give byte-identical output" \
		cmp -s "$TMP/built.$to" "$TMP/rebuilt.$to"
done
done_testing
