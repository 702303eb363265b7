#!/usr/bin/env bash
# Issue 11: events no analyzer turned into a record appear in Chrome JSON
# (counts against babeltrace2's, payload args checked by hand against
# babeltrace2's first tc-hello-lost line), events_exported, --events; and the
# small lies: --enable of a refused plugin, backwards steps on tc-hello-lost,
# an empty time window, an out-of-range date, stream names by file, an
# unknown analyzer in a config file naming the file.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
require_tool python3 babeltrace2
plan 18
SAMPLE=share/samples/ncat-journey
# py FILE CODE: CODE with d = the document, ev = its events, i = event instants
py() { python3 -c "import json,sys,collections
d=json.load(open(sys.argv[1])); ev=d['traceEvents']; i=[e for e in ev if e.get('cat')=='event']
$2" "$1"; }
bt_sample=$(babeltrace2 "$SAMPLE" | wc -l)

"$TJCONV" -q --to chrome-json --events all -o "$TMP/all.json" "$SAMPLE"
check_eq "--events all: one instant per event (babeltrace2's count), events_exported too" \
	"$bt_sample $bt_sample" "$(py "$TMP/all.json" "print(len(i), d['metadata']['events_exported'])")"
"$TJCONV" -q --to chrome-json -o "$TMP/un.json" "$SAMPLE"
check_eq "default (unanalyzed): no annotated syscall event, but the events no analyzer used" \
	"0 True $bt_sample" "$(py "$TMP/un.json" "print(sum(e['name'].startswith('syscall_') for e in i), any(e['name']=='lttng_statedump_start' for e in i), d['metadata']['events_exported'])")"
"$TJCONV" -q --to chrome-json --events none -o "$TMP/none.json" "$SAMPLE"
check_eq "--events none: no event instant, events_exported still counted" "0 $bt_sample" \
	"$(py "$TMP/none.json" "print(len(i), d['metadata']['events_exported'])")"
"$TJCONV" -q --to chrome-json --events bogus "$SAMPLE" >/dev/null 2>&1
check_eq "--events bogus is a usage error" 2 $?
check "the three outputs pass the Perfetto rules checker" \
	sh -c "tests/tools/check-chrome-json '$TMP/all.json' && tests/tools/check-chrome-json '$TMP/un.json' && tests/tools/check-chrome-json '$TMP/none.json'"
# ncat 2150's sched_switch away, on its thread (tjgen.md: event 99 at 3.210048 s)
check_eq "an event instant sits on its thread (pid/tid of the core's identity)" "2150 2150" \
	"$(py "$TMP/all.json" "print(*[(e['pid'], e['tid']) for e in i if e['name']=='syscall_entry_poll'][0])")"

"$TJCONV" -q --begin 2030-01-01 "$SAMPLE" >"$TMP/empty.txt" 2>"$TMP/empty.err"
check_eq "an empty window exits 0 with no event" "0 0" "$? $(grep -c '^\[' "$TMP/empty.txt")"
"$TJCONV" --begin 2030-01-01 "$SAMPLE" 2>&1 >/dev/null | grep -q "no event inside the time window"
check_eq "an empty window gives a notice" 0 $?
"$TJCONV" -q --to chrome-json --begin 2030-01-01 -o "$TMP/empty.json" "$SAMPLE"
check "an empty window gives a valid chrome-json file" tests/tools/check-chrome-json "$TMP/empty.json"
check_match "--begin 2018-02-30 says the date is out of range" "2018-02-30'.*out of range" \
	"$("$TJCONV" --begin 2018-02-30 "$SAMPLE" 2>&1)"
if [ -f "$TJ_BUILD/tests/plugins/wrong_abi.so" ]; then
	check_match "--enable wrong_abi says it was refused for its ABI" \
		"analyzer 'wrong_abi' cannot run: .*wrong_abi.so' refused: built for plugin ABI 3.0" \
		"$("$TJCONV" -q --plugin-path "$TJ_BUILD/tests/plugins" --enable wrong_abi "$SAMPLE" 2>&1)"
else
	skip_n 1 "test plugins not built"
fi
printf 'disable: [sched]\n' >"$TMP/cfg.yaml"
check_match "an unknown analyzer in a config file names the file" \
	"unknown analyzer 'sched' in '$TMP/cfg.yaml'" "$("$TJCONV" --config "$TMP/cfg.yaml" "$SAMPLE" 2>&1)"

if have_shared; then
	H=$TRACES/tc-hello-lost
	# babeltrace2's muxer stops on this trace: count per stream file, no muxer
	n=0
	for f in "$H"/channel*; do
		d=$(mktemp -d "$TMP/s.XXXXXX")
		ln -s "$H/metadata" "$f" "$d/"
		n=$((n + $(babeltrace2 run -c s:source.ctf.fs -p "inputs=[\"$d\"]" -c p:sink.text.pretty -x s:p 2>/dev/null | wc -l)))
	done
	"$TJCONV" -q --to chrome-json -o "$TMP/hello.json" "$H" 2>/dev/null
	check_eq "tc-hello-lost: every UST event an instant (babeltrace2 per stream: $n)" "$n $n" \
		"$(py "$TMP/hello.json" "print(len(i), d['metadata']['events_exported'])")"
	# babeltrace2's first line: intfield = 0, arrfield1 = [1, 2, 3], stringfield = "test"
	check_eq "tc-hello-lost: the payload as args (first event, read off babeltrace2)" "0 [1, 2, 3] test" \
		"$(py "$TMP/hello.json" "a=min(i, key=lambda e: float(e['ts']))['args']; print(a['intfield'], a['arrfield1'], a['stringfield'])")"
	# every one of the 562 discard reports ends after the first event that
	# follows it in channel1_2 (the packet begins later than its first event)
	check_match "tc-hello-lost: the backwards steps are reported" \
		"time went backwards 562 times in stream 'channel1_2'" "$("$TJCONV" "$H" 2>&1 >/dev/null)"
	M=$TRACES/bt-multi-domains
	m=$(babeltrace2 "$M" 2>/dev/null | wc -l)
	"$TJCONV" -q --to chrome-json -o "$TMP/multi.json" "$M" 2>/dev/null
	check_eq "bt-multi-domains: every event shown (babeltrace2: $m)" "$m $m" \
		"$(py "$TMP/multi.json" "print(len(i), d['metadata']['events_exported'])")"
	# index/kernel_channel_0.idx holds stream instance 0, the one that lost 728 events
	check_match "streams are named by their file" "stream 'kernel/kernel_channel_0' \\(cpu 0\\): 728" \
		"$("$TJCONV" "$M" 2>&1 >/dev/null)"
	# Reached through a symbolic link and "..": libbabeltrace2 normalizes
	# the path without resolving the link; the name is still the file.
	mkdir -p "$TMP/lnk/sub"
	ln -s "$TRACES" "$TMP/lnk/t"
	check_match "a trace reached through a link and '..': streams still named by their file" \
		"stream 'channel1_2' \\(cpu 2\\)" \
		"$("$TJCONV" "$TMP/lnk/sub/../t/tc-hello-lost" 2>&1 >/dev/null)"
else
	skip_n 6 "no shared traces in $TRACES"
fi
done_testing
