#!/usr/bin/env bash
# Plugin loader: list-plugins, ABI refusal, "not a tjconv plugin", init
# failures (auto-loaded vs --enable), third-party exporters, --disable,
# unknown --to, TJCONV_PLUGIN_PATH, and that the current directory is never
# searched.  The test plugins are tests/plugins/*.c; event counts come from
# babeltrace2 on a real trace.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
# The ABI version this tjconv provides, from the public header.
MAJ=$(sed -n 's/^#define TJ_ABI_MAJOR \([0-9]*\)$/\1/p' "$TJ_TOP/include/tjconv/plugin.h")
MIN=$(sed -n 's/^#define TJ_ABI_MINOR \([0-9]*\)$/\1/p' "$TJ_TOP/include/tjconv/plugin.h")
TJ_BUILD=$(cd "$TJ_BUILD" && pwd -P)
TJCONV="$TJ_BUILD/bin/tjconv"
PLUG="$TJ_BUILD/tests/plugins"
TRACE="$TRACES/ref-basic-kernel-analysis/kernel"
unset TJCONV_PLUGIN_PATH

# Lines on stderr other than loader notices about plugins that happen to sit
# in the build's libdir (other plugins under development).
errors_only() { grep -v "^tjconv: notice: '$TJ_BUILD/lib/tjconv/" "$1" | grep -v '^$'; }

for p in minimal wrong_abi newer_minor small_desc init_fails no_entry exporter_count desc_no_help; do
	if [ ! -f "$PLUG/$p.so" ]; then
		echo "Bail out! $PLUG/$p.so missing (make build/tests/plugins/$p.so)"
		exit 1
	fi
done

# Tests without a trace, then (RUN_TESTS of them) runs on a shared trace.
RUN_TESTS=30
plan $((25 + RUN_TESTS))

# ---- list-plugins ---------------------------------------------------------
list=$("$TJCONV" list-plugins --plugin-path "$PLUG" 2>"$TMP/list.err")
rc=$?
check_eq "list-plugins exits 0" 0 "$rc"
check_eq "list-plugins writes nothing on stderr" "" "$(errors_only "$TMP/list.err")"
check_match "search path starts with --plugin-path" "^search path:
  $PLUG\$" "$(printf '%s\n' "$list" | sed -n '1,2p')"
check_match "minimal is listed as an analyzer with its path" \
	"^  minimal +analyzer +1\.0 " "$list"
check_match "minimal's file is shown" "^      $PLUG/minimal\.so\$" "$list"
check_match "the third-party exporter is listed" "^  count +exporter " "$list"
check_match "the built-in text exporter is listed" \
	"^  text +exporter .*
      $TJ_BUILD/lib/tjconv/text\.so\$" "$list"
check_match "wrong_abi refused, naming the file and both ABI versions" \
	"^  $PLUG/wrong_abi\.so: refused: built for plugin ABI $((MAJ + 1))\.0, this tjconv provides $MAJ\.$MIN\$" "$list"
check_match "newer_minor refused, naming both versions" \
	"^  $PLUG/newer_minor\.so: refused: built for plugin ABI $MAJ\.$((MIN + 1)), this tjconv provides $MAJ\.$MIN\$" "$list"
check_match "small_desc refused: descriptor too small" \
	"^  $PLUG/small_desc\.so: refused: descriptor too small" "$list"
check_match "no_entry skipped as not a tjconv plugin" \
	"^  $PLUG/no_entry\.so: not a tjconv plugin" "$list"
listed=$(printf '%s\n' "$list" | sed -n '/^plugins:/,/^not loaded:/p' | grep -E '^  [a-z_]+ ' | awk '{print $1}' | sort | tr '\n' ' ')
case " $listed " in
*" wrong_abi "* | *" newer_minor "* | *" small_desc "* | *" no_entry "*) not_ok "refused plugins are not listed as loaded ($listed)" ;;
*) ok "refused plugins are not listed as loaded" ;;
esac
check "a descriptor ending at fini has no param_help (nothing read past its size)" \
	test -z "$(printf '%s\n' "$list" | grep HOST-READ-PAST)"
check_match "desc_no_help (smallest accepted descriptor) is loaded" "^  desc_no_help +analyzer " "$list"

list2=$("$TJCONV" --plugin-path "$PLUG" list-plugins 2>/dev/null)
check_eq "--plugin-path before the subcommand gives the same listing" "$list" "$list2"
"$TJCONV" list-plugins --no-such-option >/dev/null 2>"$TMP/err"
rc=$?
check_eq "list-plugins --no-such-option exits 2" 2 "$rc"
check_match "... and says which option" "^tjconv: error: unknown option '--no-such-option'" "$(cat "$TMP/err")"

# ---- list-plugins -v, the 2.0 ABI fixture, unknown --param / --plugin-path ----
ABI="$TJ_BUILD/tests/abi"
SAMPLE="$TJ_TOP/share/samples/ncat-journey"
vlist=$("$TJCONV" list-plugins -v --plugin-path "$PLUG" --plugin-path "$ABI" 2>/dev/null)
check_match "list-plugins -v: minimal's ABI, descriptor size and subscriptions" \
	"^  minimal +analyzer .*
      $PLUG/minimal\.so
      abi $MAJ\.$MIN, descriptor [0-9]+ bytes, no parameters listed
      subscribes: sched_switch\$" "$vlist"
check_match "list-plugins -v: the fixture built against the 2.0 header (tests/abi/v2.0) loads on $MAJ.$MIN" \
	"^  abi20 +analyzer +2\.0 .*
      $ABI/abi20\.so
      abi 2\.0, " "$vlist"
check_match "list-plugins -v: a built-in's parameters follow" \
	"subscribes: .*
      param annotations: " "$(printf '%s\n' "$vlist" | grep -A3 '^  syscalls ')"
bt_sw=$(babeltrace2 "$SAMPLE" | grep -c ' sched_switch: ')
"$TJCONV" -q --plugin-path "$ABI" "$SAMPLE" >"$TMP/abi20.txt" 2>&1
check_eq "the 2.0 plugin runs: one annotation per sched_switch (babeltrace2: $bt_sw)" "$bt_sw" \
	"$(grep -cE ' sched_switch: .* => (.*; )?abi20 next=[0-9]+(;|$)' "$TMP/abi20.txt")"
"$TJCONV" -q --plugin-path "$ABI" "$SAMPLE" --to chrome-json >"$TMP/abi20.json"
check_eq "its smaller (2.0) records reach chrome-json: one instant per sched_switch" "$bt_sw" \
	"$(grep -o '"ph":"i"[^}]*"name":"abi20 switch"' "$TMP/abi20.json" | wc -l | tr -d ' ')"
"$TJCONV" -q --param nosuch.x=1 --param text.color=false --param text.hostname=false \
	--plugin-path "$TMP/no-such-dir" "$SAMPLE" >/dev/null 2>"$TMP/params.err"
check_match "--param nosuch.x=1: a warning naming the missing plugin" \
	"^tjconv: warning: --param 'nosuch\.x': no plugin 'nosuch' is loaded" "$(cat "$TMP/params.err")"
check_match "--param text.color=false: a warning naming the key text does not list" \
	"^tjconv: warning: --param 'text\.color': plugin 'text' has no parameter 'color'" "$(cat "$TMP/params.err")"
check_eq "... a listed key (text.hostname) and -q add nothing else; the missing --plugin-path is named" \
	"tjconv: warning: --plugin-path '$TMP/no-such-dir': no such directory" \
	"$(grep -v -e "'nosuch\.x'" -e "'text\.color'" "$TMP/params.err")"

# ---- runs ---------------------------------------------------------------
if ! have_shared; then
	skip_n "$RUN_TESTS" "the runs need the shared traces ($TRACES)"
	done_testing
fi

bt_total=$(babeltrace2 "$TRACE" | wc -l)
bt_switch=$(babeltrace2 "$TRACE" | grep -c ' sched_switch: ')

"$TJCONV" --plugin-path "$PLUG" "$TRACE" >"$TMP/run.txt" 2>"$TMP/run.err"
rc=$?
check_eq "a run with refused plugins on the path exits 0" 0 "$rc"
# Only a run calls init (list-plugins never does): the refused test plugins
# print "NAME: init called" from theirs.
check_eq "refused plugins' init is never called during a run" "" \
	"$(grep 'init called' "$TMP/run.err")"
check_eq "... and prints every event" "$bt_total" "$(grep -c '^\[' "$TMP/run.txt")"
check_match "... with a notice for each refused plugin" \
	"^tjconv: notice: '$PLUG/wrong_abi\.so' refused: built for plugin ABI $((MAJ + 1))\.0, this tjconv provides $MAJ\.$MIN\$" \
	"$(cat "$TMP/run.err")"
check_match "auto-loaded init_fails: a warning naming plugin, path and cause" \
	"^tjconv: warning: analyzer 'init_fails' \('$PLUG/init_fails\.so'\) disabled: init failed.*simulated failure" \
	"$(cat "$TMP/run.err")"
check "init_fails: neither on_event nor fini called after the failed init" \
	test -z "$(grep 'after a failed init' "$TMP/run.err")"
check_match "minimal logs its count at finish (NOTICE), equal to babeltrace2's" \
	"^tjconv: minimal: notice: $bt_switch sched_switch events\$" "$(cat "$TMP/run.err")"

# Every sched_switch line carries minimal's annotation, and it is this
# event's next_tid (other analyzers may add their own, separated by "; ").
annotated=$(grep -cE '^\[.* sched_switch: .* => (.*; )?next=[0-9]+(;|$)' "$TMP/run.txt")
check_eq "every sched_switch line has the 'next=<tid>' annotation" "$bt_switch" "$annotated"
mismatch=$(grep ' sched_switch: ' "$TMP/run.txt" |
	sed -nE 's/.* next_tid = ([0-9]+),.* => (.*; )?next=([0-9]+)(;.*)?$/\1 \3/p' |
	awk '$1 != $2 { n++ } END { print n + 0 }')
check_eq "the annotation is the event's own next_tid" 0 "$mismatch"
check_eq "no other event is annotated by minimal" 0 \
	"$(grep -v ' sched_switch: ' "$TMP/run.txt" | grep -cE ' => (.*; )?next=[0-9]+(;|$)')"

"$TJCONV" -q --plugin-path "$PLUG" "$TRACE" >/dev/null 2>"$TMP/q.err"
check_eq "-q silences notices (refused plugins, analyzer NOTICE logs)" "" \
	"$(grep -E 'notice|minimal' "$TMP/q.err")"

"$TJCONV" --plugin-path "$PLUG" --enable init_fails -o "$TMP/fail.txt" "$TRACE" >"$TMP/ef.out" 2>"$TMP/ef.err"
rc=$?
check_eq "--enable init_fails: exit 1" 1 "$rc"
errs=$(grep -v '^tjconv: notice: ' "$TMP/ef.err")
check_eq "--enable init_fails: exactly one error line" 1 "$(printf '%s\n' "$errs" | grep -c .)"
check_match "... naming the plugin, its path and the cause it appended" \
	"^tjconv: error: init_fails: simulated failure \(this plugin always fails\) \(plugin 'init_fails' \('$PLUG/init_fails\.so'\) failed to initialize\)\$" "$errs"
check "... and no output file" test ! -e "$TMP/fail.txt"

out=$("$TJCONV" -q --plugin-path "$PLUG" --to count "$TRACE" 2>/dev/null)
check_eq "--to count: a third-party exporter writes 'events N' (N from babeltrace2)" \
	"events $bt_total" "$out"

"$TJCONV" -q --plugin-path "$PLUG" --disable minimal "$TRACE" >"$TMP/dis.txt" 2>"$TMP/dis.err"
check_eq "--disable minimal: no event carries its annotation" 0 \
	"$(grep -cE ' => (.*; )?next=[0-9]+(;|$)' "$TMP/dis.txt")"
check_eq "--disable minimal: it does not log either" "" "$(grep 'minimal' "$TMP/dis.err")"
check_eq "--disable minimal: all events still there" "$bt_total" "$(grep -c '^\[' "$TMP/dis.txt")"

"$TJCONV" --plugin-path "$PLUG" --to nope "$TRACE" >"$TMP/nope.out" 2>"$TMP/nope.err"
rc=$?
check "--to nope: non-zero exit" test "$rc" -ne 0 -a "$rc" -lt 128
exporters=$(printf '%s\n' "$list" | sed -n '/^plugins:/,/^not loaded:/p' | awk '$2 == "exporter" { print $1 }' | sort | tr '\n' ' ')
named=$(sed -n "s/^tjconv: error: unknown exporter 'nope' (available: \(.*\))\$/\1/p" "$TMP/nope.err" | tr -d ',' | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
check_eq "--to nope: the error lists exactly the available exporters" "$exporters" "$named"
check_eq "--to nope: nothing on stdout" "" "$(cat "$TMP/nope.out")"

# ---- TJCONV_PLUGIN_PATH and the current directory -----------------------------
envlist=$(TJCONV_PLUGIN_PATH="/nonexistent:$PLUG" "$TJCONV" list-plugins 2>/dev/null)
check_match "TJCONV_PLUGIN_PATH is searched (after --plugin-path, in order)" \
	"^search path:
  /nonexistent
  $PLUG\$" "$(printf '%s\n' "$envlist" | sed -n '1,3p')"
check_match "TJCONV_PLUGIN_PATH: minimal found" "^  minimal +analyzer " "$envlist"
TJCONV_PLUGIN_PATH="$PLUG" "$TJCONV" -q "$TRACE" 2>/dev/null >"$TMP/env.txt"
check_eq "TJCONV_PLUGIN_PATH: minimal annotates like with --plugin-path" "$bt_switch" \
	"$(grep -cE ' sched_switch: .* => (.*; )?next=[0-9]+(;|$)' "$TMP/env.txt")"

# Precedence: the same plugin in a --plugin-path dir and in TJCONV_PLUGIN_PATH.
mkdir "$TMP/first"
cp "$PLUG/minimal.so" "$TMP/first/"
prec=$(TJCONV_PLUGIN_PATH="$PLUG" "$TJCONV" list-plugins --plugin-path "$TMP/first" 2>/dev/null)
check_match "--plugin-path comes before TJCONV_PLUGIN_PATH: its copy of minimal is used" \
	"^  minimal +analyzer .*
      $TMP/first/minimal\.so\$" "$prec"
check_match "... and the later copy is skipped with a reason" \
	"^  $PLUG/minimal\.so: skipped: plugin 'minimal' already loaded from '$TMP/first/minimal\.so'" "$prec"

cwdlist=$(cd "$PLUG" && "$TJCONV" list-plugins 2>/dev/null)
check "current directory not searched: minimal not listed from its own directory" \
	test -z "$(printf '%s\n' "$cwdlist" | grep -E '^  minimal ')"
cwdlist=$(cd "$PLUG" && TJCONV_PLUGIN_PATH=":" "$TJCONV" list-plugins 2>/dev/null)
check "empty TJCONV_PLUGIN_PATH entries do not mean the current directory" \
	test -z "$(printf '%s\n' "$cwdlist" | grep -E '^  minimal |^  \.?$')"
(cd "$PLUG" && "$TJCONV" -q "$TRACE" >"$TMP/cwd.txt" 2>/dev/null)
check_eq "current directory not searched: a run from there has no minimal annotation" 0 \
	"$(grep -cE ' => (.*; )?next=[0-9]+(;|$)' "$TMP/cwd.txt")"

done_testing
