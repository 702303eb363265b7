#!/usr/bin/env bash
# Plugins are code: one that fails mid-run is named in the error and leaves
# no output; a shared object others could replace (world-writable, or in a
# folder its group or the world may write) is refused unless
# --allow-unsafe-plugins; the current directory is never searched.
. "$(dirname "$0")/../lib/tap.sh"
plan 15
PLUG="$TJ_BUILD/tests/plugins"
T="$TJ_TOP/share/samples/ncat-journey"
bt_switch=$(babeltrace2 "$T" | grep -c ' sched_switch: ')

# ---- a plugin failing mid-stream -------------------------------------------
for out in fm.txt fm.json.gz; do
	"$TJCONV" -q --plugin-path "$PLUG" --enable fails_midway --param fails_midway.at=3 \
		--to "$([ $out = fm.txt ] && echo text || echo chrome-json)" "$T" -o "$TMP/$out" 2> "$TMP/err-fm"
	rc=$?
	check_eq "$out: a plugin failing mid-stream fails the run (exit 1)" 1 "$rc"
	check_eq "$out: one error line naming the plugin, the event and its cause" \
		"tjconv: error: simulated failure at event 3 (analyzer 'fails_midway' failed on event 'sched_switch')" \
		"$(grep error "$TMP/err-fm")"
	check_eq "$out: no output file and no temporary file left" "" "$(ls "$TMP" | grep '^fm\.')"
done
# the same plugin with at past the trace's sched_switch count never fails
"$TJCONV" -q --plugin-path "$PLUG" --enable fails_midway --param fails_midway.at=$((bt_switch + 1)) \
	"$T" -o "$TMP/fine.txt"
check_eq "at past the last of babeltrace2's $bt_switch sched_switch: exit 0" 0 "$?"

# ---- unsafe places ---------------------------------------------------------
mkdir -p "$TMP/world" "$TMP/group" "$TMP/file" "$TMP/safe"
for d in world group file safe; do cp "$PLUG/minimal.so" "$TMP/$d/"; done
chmod 777 "$TMP/world"
chmod 775 "$TMP/group"
chmod 755 "$TMP/file" "$TMP/safe"
chmod 666 "$TMP/file/minimal.so"
chmod 755 "$TMP/world/minimal.so" "$TMP/group/minimal.so" "$TMP/safe/minimal.so"
list() { "$TJCONV" --plugin-path "$TMP/$1" "${@:2}" list-plugins 2>&1; }
check_match "a world-writable folder: refused, saying why and how to override" \
	"$TMP/world/minimal\.so.*refused: its folder is world-writable \(mode 777\); --allow-unsafe-plugins loads it anyway" "$(list world)"
check_match "a group-writable folder: refused" \
	"$TMP/group/minimal\.so.*refused: its folder is group-writable \(mode 775\)" "$(list group)"
check_match "a world-writable file: refused" \
	"$TMP/file/minimal\.so.*refused: the file is world-writable \(mode 666\)" "$(list file)"
check_match "a safe folder: minimal loads" "^  minimal +analyzer +1\.0 " "$(list safe)"
check_match "--allow-unsafe-plugins: minimal loads from the world-writable folder" \
	"^  minimal +analyzer +1\.0 " "$(list world --allow-unsafe-plugins)"
"$TJCONV" --plugin-path "$TMP/world" --enable minimal "$T" -o "$TMP/w.txt" 2> "$TMP/w.err"
check_eq "--enable of a refused plugin: the run fails (exit 1), no output" "1 0" \
	"$? $(ls "$TMP" | grep -c '^w\.txt')"
"$TJCONV" --plugin-path "$TMP/world" --allow-unsafe-plugins --enable minimal "$T" -o "$TMP/w2.txt" 2> "$TMP/w2.err"
check_match "with --allow-unsafe-plugins it runs: minimal counts babeltrace2's $bt_switch sched_switch" \
	"minimal: notice: $bt_switch sched_switch events" "$(cat "$TMP/w2.err")"

# ---- the current directory ---------------------------------------------------
check "the current directory is never searched implicitly" \
	bash -c "cd '$TMP/safe' && ! '$(cd "$TJ_BUILD" && pwd)/bin/tjconv' list-plugins | grep -q '^  minimal '"
done_testing
