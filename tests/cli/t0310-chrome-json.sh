#!/usr/bin/env bash
# The chrome-json exporter on every real trace under ../shared/traces (but the
# invalid bt-lttng-modules-2.0-pre5): the output is strict JSON for
# python's json module and for jq, passes the independent Perfetto-rules
# checker (tests/tools/check-chrome-json), is the same through gzip, and
# carries the trace environment as metadata.  The same again with the
# chrome-feeder test analyzer (tests/tools/chrome-feeder.c, built here),
# which emits every record kind from the trace's real sched/syscall events,
# with control characters and invalid UTF-8 in names and records the
# exporter must survive.  Exact timestamps, the time window (negative ts),
# lost events and name de-duplication are checked against independent
# sources (babeltrace2's metadata, the text exporter, the README counts).
. "${TJ_TOP:-.}/tests/lib/tap.sh"
CHECK="$TJ_TOP/tests/tools/check-chrome-json"
export TJCONV_PLUGIN_PATH=

require_tool python3 jq
require_shared

ONE_TRACE=3 # tests per one_trace call (below)
# jqv FILE FILTER: jq's raw output
jqv() { jq -r "$2" "$1" 2>&1; }
# py FILE CODE: run CODE with d = the parsed document, ev = its events
py() {
	python3 -c "import json,sys
d=json.load(open(sys.argv[1], encoding='utf-8')); ev=d['traceEvents']
$2" "$1" 2>&1
}

traces=()
while read -r m; do
	d=$(dirname "$m")
	case $d in */bt-lttng-modules-2.0-pre5 | */reference-metadata*) continue ;; esac
	traces+=("$d")
done < <(find "$TRACES" -name metadata -type f | sort)
traces+=("$TRACES/bt-multi-domains") # a session folder: two traces in one run
# feeder build, per trace (plain, 4 more, feeder), then the blocks below.
plan $((1 + ${#traces[@]} * (2 * ONE_TRACE + 4) + 13 + 2 + 1 + 2 + (ONE_TRACE + 3) + (ONE_TRACE + 1) + 4 * ONE_TRACE + 1 + 1))


# ---- the feeder analyzer -------------------------------------------------
FEED="$TMP/feeder"
mkdir -p "$FEED"
if ${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	-O2 -shared -fPIC -fvisibility=hidden -I"$TJ_TOP/include" \
	"$TJ_TOP/tests/tools/chrome-feeder.c" \
	-o "$FEED/chrome-feeder.so" 2>"$TMP/feeder.err"; then
	ok "the chrome-feeder test analyzer builds"
else
	not_ok "the chrome-feeder test analyzer builds"
	sed 's/^/#   /' "$TMP/feeder.err"
fi
FEEDER_OPTS=(--plugin-path "$FEED" --enable chrome-feeder)
# the feeder alone: the project's own analyzers stay out of its way
for so in "$TJ_BUILD"/lib/tjconv/*.so; do
	name=$(basename "$so" .so)
	case $name in chrome-json | text | stats | tracecompass-xml) ;; *) FEEDER_OPTS+=(--disable "$name") ;; esac
done

# fails N REASON: N tests that cannot run because an earlier step failed.
fails() {
	local i
	for ((i = 0; i < $1; i++)); do not_ok "$2"; done
}

# ---- every trace -----------------------------------------------------------
# one_trace DIR TAG [tjconv options]: convert and check (ONE_TRACE tests,
# failed ones too when it does not convert); leaves $TMP/TAG.json.
# (check-chrome-json parses strictly with python's json: no json.tool test.)
one_trace() {
	local dir=$1 tag=$2 out="$TMP/$2.json"
	shift 2
	if "$TJCONV" -q "$@" --to chrome-json -o "$out" "$dir" 2>"$TMP/$tag.err"; then
		ok "$tag: converts"
	else
		not_ok "$tag: converts"
		sed 's/^/#   /' "$TMP/$tag.err" | head -5
		rm -f "$out"
		fails $((ONE_TRACE - 1)) "$tag: not converted"
		return 1
	fi
	if "$CHECK" --stats "$out" >"$TMP/$tag.stats" 2>"$TMP/$tag.check"; then
		ok "$tag: passes check-chrome-json"
	else
		not_ok "$tag: passes check-chrome-json"
		sed 's/^/#   /' "$TMP/$tag.check" | head -10
	fi
	# jq, a parser independent of the checker's python json, must read the
	# same records: as many of each phase.
	check_eq "$tag: jq reads the records the checker read (count per ph)" \
		"$(awk -F'\t' '$1 == "ph" { print $2, $3 }' "$TMP/$tag.stats" | sort)" \
		"$(jq -r '[.traceEvents[].ph] | group_by(.) | .[] | "\(.[0]) \(length)"' "$out" 2>&1 | sort)"
}

for dir in "${traces[@]}"; do
	tag=${dir#"$TRACES"/}
	tag=${tag//\//_}
	out="$TMP/$tag.json"
	if ! one_trace "$dir" "$tag"; then
		fails 4 "$tag: not converted"
		one_trace "$dir" "$tag-feeder" "${FEEDER_OPTS[@]}" \
			--param chrome-feeder.weird=1 --param chrome-feeder.edge=1
		continue
	fi

	# the environment, from babeltrace2's own reading of the metadata
	first=$dir
	[ -f "$dir/metadata" ] || first="$dir/kernel"
	bt_host=$(babeltrace2 -o ctf-metadata "$first" 2>/dev/null | sed -n 's/^[[:space:]]*hostname = "\(.*\)";/\1/p' | head -1)
	check_eq "$tag: metadata hostname is the trace's" "$bt_host" "$(jqv "$out" '.metadata.hostname')"
	check_eq "$tag: metadata carries the trace list and the version" \
		"$(find "$dir" -name metadata -type f | wc -l) $(cat "$TJ_TOP/VERSION")" \
		"$(jqv "$out" '"\(.metadata.traces|length) \(.metadata.tjconv_version)"')"
	ns=$(py "$out" "print(d['metadata']['first_ts_ns'])") # jq reads numbers as doubles
	check_eq "$tag: first_ts_iso is first_ts_ns in UTC" \
		"$(date -u -d "@$((ns / 1000000000))" +%Y-%m-%dT%H:%M:%S).$(printf '%09d' $((ns % 1000000000)))Z" \
		"$(jqv "$out" '.metadata.first_ts_iso')"

	# the same bytes through gzip
	if "$TJCONV" -q --to chrome-json -o "$TMP/$tag.json.gz" "$dir" 2>/dev/null &&
		gzip -dc "$TMP/$tag.json.gz" | cmp -s - "$out"; then
		ok "$tag: .gz output decompresses to the same JSON"
	else
		not_ok "$tag: .gz output decompresses to the same JSON"
	fi

	# every record kind, with hostile strings
	one_trace "$dir" "$tag-feeder" "${FEEDER_OPTS[@]}" \
		--param chrome-feeder.weird=1 --param chrome-feeder.edge=1
	rm -f "$TMP/$tag.json.gz"
done

# ---- timestamps -------------------------------------------------------------
R=$TMP/ref-basic-kernel-analysis_kernel-feeder.json
if [ -f "$R" ]; then
	check_eq "every ts and dur is an integer or has at most 3 decimals (exact ns)" 0 \
		"$(grep -Eo '"(ts|dur|begin|end)":[^,}]*' "$R" | grep -Evc '^"[a-z]+":-?[0-9]+(\.[0-9]{1,3})?$')"
	check_eq "the first event is at ts 0" 0 \
		"$(jqv "$R" '.traceEvents[] | select(.name == "feeder saw its first event") | .ts')"
	check_eq "no raw control bytes but newlines in the file" 0 "$(tr -d '\n' < "$R" | LC_ALL=C grep -c '[[:cntrl:]]')"
	check_eq "hostile names come back as written, invalid UTF-8 as U+FFFD" "True True True True" \
		"$(py "$R" "n=[e.get('name','') for e in ev]
print(any('\x01' in s for s in n), any('\ufffd' in s for s in n), any('\"q\\\\' in s for s in n), any('\U0001F600' in s for s in n))")"
	check_eq "args of every type: int, hex string, uint, string, double" "int str int str float" \
		"$(py "$R" "a=next(e['args'] for e in ev if e.get('cat')=='syscall' and 'ret' in e.get('args',{}))
print(' '.join(type(a[k]).__name__ for k in ('ret','ret_hex','cpu')), type([v for k,v in a.items() if k.startswith('k')][0]).__name__, type(a['ms']).__name__)")"
	check_eq "cut flags become args.cut" "begin both end" \
		"$(py "$R" "print(' '.join(sorted({e['args']['cut'] for e in ev if 'cut' in e.get('args',{})})))")"
	check_eq "edge records: one dropped overlap, NaN, no-ts, unknown kind, negative dur" "1 1 1 1 1" \
		"$(jqv "$R" '.metadata.exporter_stats | "\(.dropped_overlapping) \(.dropped_non_finite) \(.skipped_no_timestamp) \(.unknown_kind) \(.clamped_negative_dur)"')"
	check_eq "the overlapping slice is the one dropped; a short record has no flags" "1 0 1 0 0" \
		"$(py "$R" "n=[e.get('name') for e in ev]
s=[e for e in ev if e.get('name')=='short record'][0]
neg=[e for e in ev if e.get('name')=='negative dur'][0]
print(n.count('overlap A'), n.count('overlap B (dropped)'), n.count('inside A'), len(s.get('args',{})), neg['dur'])")"
	check_eq "thread and process names are written once, again only when they change" "0 0" \
		"$(py "$R" "last={}; dup=[0,0]
for e in ev:
    if e['ph']=='M' and e['name'] in ('thread_name','process_name'):
        k=(e['name'],e['pid'],e['tid']); i=e['name']=='process_name'
        if last.get(k)==e['args']['name']: dup[i]+=1
        last[k]=e['args']['name']
print(dup[0], dup[1])")"
	check_eq "every synthetic track is named (state, idle, CPU, global)" "True" \
		"$(py "$R" "named={(e['pid'],e['tid']) for e in ev if e['ph']=='M' and e['name']=='thread_name'}
used={(e['pid'],e['tid']) for e in ev if e['ph'] in 'XiCstf' and e.get('tid',0)>=10**9}
print(bool(used) and used<=named)")"
	check_eq "state tracks are 'comm tid state' at tid + 1e9 in the thread's process" "True" \
		"$(py "$R" "import re
m=[e for e in ev if e['ph']=='M' and e['name']=='thread_name' and 10**9<=e['tid']<19*10**8]
print(bool(m) and all(re.fullmatch(r'.* %d state' % (e['tid']-10**9), e['args']['name']) for e in m))")"
	check_eq "CPU tracks: process 'CPUs', threads 'CPU N', slices named 'comm tid'" "CPUs True True" \
		"$(py "$R" "import re
p=[e['args']['name'] for e in ev if e['ph']=='M' and e['name']=='process_name' and e['pid']==2*10**9][0]
t=[e for e in ev if e['ph']=='M' and e['name']=='thread_name' and e['pid']==2*10**9]
x=[e for e in ev if e['ph']=='X' and e['pid']==2*10**9]
print(p, all(e['args']['name']=='CPU %d' % (e['tid']-2*10**9) for e in t), bool(x) and all(re.search(r' %d$' % e['args']['tid'], e['name']) for e in x))")"
	check_eq "flows: s/t/f with hex ids, f binds to the enclosing slice" "True True" \
		"$(py "$R" "f=[e for e in ev if e['ph'] in 'stf']
print(all(e['id'].startswith('0x') for e in f), all(e.get('bp')=='e' for e in f if e['ph']=='f'))")"
else
	fails 13 "timestamps and records: ref-basic-kernel-analysis with the feeder did not convert"
fi

# ns -> us exactly: the lost-events instant against the text exporter's clock
D=$TMP/bt-multi-domains.json
if [ -f "$D" ]; then
	lost=$("$TJCONV" -q --clock-seconds "$TRACES/bt-multi-domains" 2>/dev/null | sed -n 's/^# \[\([0-9.]*\)\] LOST.*/\1/p' | head -1)
	check_eq "a lost-events instant's ts is its time minus first_ts, to the ns" \
		"$(python3 -c "import decimal,sys; print(format(((decimal.Decimal(sys.argv[1])*10**9 - int(sys.argv[2]))/1000).normalize(), 'f'))" "$lost" "$(py "$D" "print(d['metadata']['first_ts_ns'])")")" \
		"$(py "$D" "import decimal
d=json.load(open(sys.argv[1]), parse_float=decimal.Decimal)
print([e['ts'] for e in d['traceEvents'] if e['ph']=='i' and e.get('cat')=='tjconv'][0])")"
	check_eq "bt-multi-domains: lost events on the CPU 0 track, with count and stream" \
		"discarded 728 events|2000000000|t|728|kernel/kernel_channel_0|728" \
		"$(jqv "$D" '(.traceEvents[] | select(.ph == "i" and .cat == "tjconv") | "\(.name)|\(.tid)|\(.s)|\(.args.count)|\(.args.stream)|") + (.metadata.discarded_events|tostring)')"
else
	fails 2 "lost events: bt-multi-domains did not convert"
fi
H=$TMP/tc-hello-lost.json
if [ -f "$H" ]; then
	check_eq "tc-hello-lost: one instant per report, counts add up to the total" "562 967700 967700" \
		"$(jqv "$H" '[.traceEvents[] | select(.ph == "i" and .cat == "tjconv") | .args.count] as $c | "\($c|length) \($c|add) \(.metadata.discarded_events)"')"
else
	fails 1 "tc-hello-lost did not convert"
fi
for t in tc-flipping-endianness:14310 bt-tracefile-rotation_kernel:12305; do
	f=$TMP/${t%%:*}.json
	check_eq "${t%%:*}: metadata.events is the README's count" "${t#*:}" "$(jqv "$f" .metadata.events)"
done

# a time window: records overlapping --begin start before ts 0
first_ns=$(py "$TMP/ref-basic-kernel-analysis_kernel.json" "print(d['metadata']['first_ts_ns'])")
begin_s=$((first_ns / 1000000000 + 2))
W=$TMP/window.json
if one_trace "$TRACES/ref-basic-kernel-analysis/kernel" window "${FEEDER_OPTS[@]}" --begin "$begin_s" --end "$((begin_s + 1))"; then
	check_eq "window: ts_base is --begin, the window is in the metadata" "${begin_s}000000000 true $((begin_s + 1))000000000" \
		"$(jqv "$W" '.metadata | "\(.ts_base_ns) \(.window.given) \(.window.end_ns)"')"
	check_eq "window: slices begun before --begin have a negative ts and reach past 0" "True True" \
		"$(py "$W" "x=[e for e in ev if e['ph']=='X' and e['ts']<0]
print(bool(x), all(e['ts']+e['dur']>=0 for e in x))")"
	check_match "window: flows cut by --begin restart, their orphan ends are dropped" '^[1-9][0-9]* [0-9]+$' \
		"$(jqv "$W" '.metadata.exporter_stats | "\(.flows_restarted) \(.flow_ends_dropped)"')"
else
	fails 3 "window: not converted"
fi
E=$TMP/empty.json
one_trace "$TRACES/ref-basic-kernel-analysis/kernel" empty --begin "2100-01-01 00:00"
check_eq "a window after the trace: only names, still a document" "0 true" \
	"$(jqv "$E" '"\([.traceEvents[] | select(.ph != "M")] | length) \(.metadata.window.given)"')"

# ---- traces from the project's generator -------------------------------------
if [ -x "$TJGEN" ]; then
	"$TJGEN" -q --scenario ncat -o "$TMP/ncat" 2>/dev/null &&
		"$TJGEN" -q --scenario load --events 30000 --cpus 4 --discard 100 -o "$TMP/load" 2>/dev/null
	for g in ncat load; do
		if [ -d "$TMP/$g" ]; then
			one_trace "$TMP/$g" "tjgen-$g"
			one_trace "$TMP/$g" "tjgen-$g-feeder" "${FEEDER_OPTS[@]}" --param chrome-feeder.weird=1
		else
			fails $((2 * ONE_TRACE)) "tjgen writes the $g trace"
		fi
	done
else
	fails $((4 * ONE_TRACE)) "tjgen is built (make all builds it)"
fi

# ---- the project's analyzers, when built ----------------------------------------
if [ -f "$TJ_BUILD/lib/tjconv/syscalls.so" ]; then
	check_match "syscalls analyzer: syscall slices on thread tracks" '^[1-9][0-9]* [1-9]' \
		"$(jqv "$TMP/ref-basic-kernel-analysis_kernel.json" '[.traceEvents[] | select(.ph == "X" and .tid < 1000000000)] | "\(length) \(map(select(.cat == "syscall")) | length)"')"
else
	not_ok "the syscalls analyzer is built (make all builds it)"
fi

# ---- size ---------------------------------------------------------------------
S=$TMP/ref-16-cores-rt_kernel.json
if [ -f "$S" ]; then
	n=$(jqv "$S" '.traceEvents | length')
	b=$(stat -c %s "$S")
	echo "# ref-16-cores-rt: $n trace events, $b bytes, $((b / (n > 0 ? n : 1))) bytes per event"
	check "ref-16-cores-rt: under 160 bytes per trace event" test $((b / (n > 0 ? n : 1))) -lt 160
else
	fails 1 "ref-16-cores-rt did not convert"
fi

done_testing
