#!/usr/bin/env bash
# Conformance on real traces recorded by others (../shared/traces): for each
# trace, the text exporter must show the same events as babeltrace2 — same
# count, same timestamps in the same order, same event names — and the same
# discarded-event reports.  Expected values come from babeltrace2 itself; only
# what the traces README states is hard-coded (as a cross-check).
#
# Ordering: tjconv's merge and babeltrace2's muxer agree on time order but
# break ties between streams differently (babeltrace2 compares stream ids,
# tjconv takes streams in file-name order, so channel0_10 comes before
# channel0_3).  So the timestamp column must match line by line, and the
# (timestamp, name) pairs must match as a multiset: together that means every
# event sits at the same place up to reordering among events that share one
# timestamp.  The number of such reorderings is printed as a diagnostic.
#
# tc-hello-lost: babeltrace2's muxer stops after 38 events (time goes back
# inside a stream).  The reference there is babeltrace2 reading each stream
# file alone, source connected straight to the pretty sink (no muxer), which
# reads all 32300 events and reports every discarded-events message.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
TJ_BUILD=$(cd "$TJ_BUILD" && pwd -P)
TJCONV="$TJ_BUILD/bin/tjconv"
unset TJCONV_PLUGIN_PATH
export LC_ALL=C
# Not UTC, so a --clock-gmt that is ignored shows.
export TZ=IST-5:30

if ! have_shared; then
	echo "1..0 # SKIP no shared traces in $TRACES"
	exit 0
fi

# "[HH:MM:SS.nnnnnnnnn] name:" from an event line of either tool: the name
# is the word before the first ": {" (the fields), or before a final ":".
# (Not just the first word ending in ':': tjconv's thread column can hold a
# command name like "tmux: server/8165".)
cols() {
	awk '{ if (match($0, / [^ ]+:( [{]|$)/)) {
		s = substr($0, RSTART + 1, RLENGTH - 1); sub(/ [{]$/, "", s); print $1, s
	} else print $1, "?" }'
}
# Discarded events/packets as "COUNT UNIT BEGIN END", sorted.
bt_discards() {
	sed -n 's/^WARNING: Tracer discarded \([0-9]*\) \(events\|packets\) between \[\([^]]*\)\] and \[\([^]]*\)\].*/\1 \2 \3 \4/p' "$@" | sort
}
tj_discards() {
	sed -n 's/^# \[[^]]*\] LOST: \([0-9]*\) \(events\|packets\) discarded by the tracer.* between \[\([^]]*\)\] and \[\([^]]*\)\].*/\1 \2 \3 \4/p' "$1" | sort
}
sum_discarded() { awk -v u="$2" '$2 == u { s += $1 } END { print s + 0 }' "$1"; }

# Reference output without babeltrace2's muxer: each stream file of the
# trace directory $1 alone, straight into the pretty sink.  Writes the event
# lines to $2 and the warnings to $3.
# Sets NONEMPTY to the number of streams that had events.
bt_per_stream() {
	local dir=$1 out=$2 err=$3 f d
	: >"$out"
	: >"$err"
	NONEMPTY=0
	for f in "$dir"/*; do
		[ -f "$f" ] && [ "$(basename "$f")" != metadata ] || continue
		d=$(mktemp -d "$TMP/stream.XXXXXX")
		ln -s "$dir/metadata" "$f" "$d/"
		babeltrace2 run -c src:source.ctf.fs -p "inputs=[\"$d\"]" \
			-c p:sink.text.pretty -p 'clock-gmt=yes' -x src:p >"$d.out" 2>>"$err" || return 1
		[ -s "$d.out" ] && NONEMPTY=$((NONEMPTY + 1))
		cat "$d.out" >>"$out"
	done
}

# What the traces README states (babeltrace2 2.0.4).
declare -A README_EVENTS=([tc-hello-lost]=32300)
declare -A README_DISCARDED=([bt-multi-domains]=728 [tc-hello-lost]=967700)

ntraces=0
for dir in "$TRACES"/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ "$name" = bt-lttng-modules-2.0-pre5 ] && continue # the bad-input case (t0030)
	[ -n "$(find "$dir" -name metadata -type f | head -n 1)" ] || continue
	ntraces=$((ntraces + 1))
	tj="$TMP/$name.tj"
	bt="$TMP/$name.bt"

	"$TJCONV" -q --clock-gmt "$dir" >"$tj" 2>"$tj.err"
	check_eq "$name: tjconv exits 0" 0 "$?"
	check_eq "$name: every line is an event or a LOST marker" 0 "$(grep -vc '^[[#]' "$tj")"
	check "$name: --jobs 3 gives the same bytes" \
		cmp -s "$tj" <("$TJCONV" --clock-gmt --jobs 3 "$dir" 2>/dev/null)

	if babeltrace2 --clock-gmt "$dir" >"$bt" 2>"$bt.err"; then
		ref="babeltrace2"
	elif before=$(wc -l <"$bt") && [ -f "$dir/metadata" ] && bt_per_stream "$dir" "$bt" "$bt.err"; then
		ref="babeltrace2 per stream, no muxer"
		echo "# $name: babeltrace2 fails after $before events; reference: each stream alone"
	else
		not_ok "$name: babeltrace2 reads it (whole or per stream)"
		continue
	fi

	grep -c '^\[' "$tj" >"$TMP/n.tj"
	check_eq "$name: event count equals $ref's" "$(wc -l <"$bt")" "$(cat "$TMP/n.tj")"
	if [ -n "${README_EVENTS[$name]:-}" ]; then
		check_eq "$name: event count is the README's ${README_EVENTS[$name]}" \
			"${README_EVENTS[$name]}" "$(cat "$TMP/n.tj")"
	fi

	grep '^\[' "$tj" | cols >"$tj.cols"
	cols <"$bt" >"$bt.cols"
	if [ "$ref" = babeltrace2 ]; then
		check "$name: timestamps line by line as babeltrace2's" \
			cmp -s <(cut -d' ' -f1 "$tj.cols") <(cut -d' ' -f1 "$bt.cols")
	else
		# tjconv keeps a stream whose time goes back in stream order:
		# with a single stream holding events, the order is exact.
		if [ "$NONEMPTY" = 1 ]; then
			check "$name: timestamps and names in stream order (one stream has events)" \
				cmp -s "$tj.cols" "$bt.cols"
		fi
	fi
	check "$name: same (timestamp, event name) pairs" \
		cmp -s <(sort "$tj.cols") <(sort "$bt.cols")
	if ! cmp -s "$tj.cols" "$bt.cols"; then
		echo "# $name: $(diff "$tj.cols" "$bt.cols" | grep -c '^<') events ordered" \
			"differently among equal timestamps"
	fi

	# Discarded events and packets.
	bt_discards "$bt.err" >"$bt.disc"
	tj_discards "$tj" >"$tj.disc"
	check "$name: LOST markers match babeltrace2's warnings (count, unit, interval)" \
		cmp -s "$bt.disc" "$tj.disc"
	lost=$(sum_discarded "$bt.disc" events)
	lostp=$(sum_discarded "$bt.disc" packets)
	if [ "$lost" -gt 0 ] || [ "$lostp" -gt 0 ]; then
		check_match "$name: stderr summary says $lost discarded events" \
			"^tjconv: warning: the tracer discarded $lost events" "$(cat "$tj.err")"
		check_eq "$name: marker lines add up to $lost events" "$lost" \
			"$(sum_discarded "$tj.disc" events)"
	else
		check_eq "$name: no discard markers, no discard warning" "" \
			"$(grep '^#' "$tj"; grep discarded "$tj.err")"
	fi
	if [ -n "${README_DISCARDED[$name]:-}" ]; then
		check_eq "$name: discarded events are the README's ${README_DISCARDED[$name]}" \
			"${README_DISCARDED[$name]}" "$lost"
	fi
	check_eq "$name: stderr (-q) has only the discard summary" "" \
		"$(grep -v -e '^tjconv: warning: the tracer discarded ' -e '^tjconv:   stream ' \
			-e "^tjconv: notice: '$TJ_BUILD/lib/tjconv/" "$tj.err")"
	rm -f "$tj" "$bt" "$tj.cols" "$bt.cols"
done

check "found real traces to test" test "$ntraces" -ge 1
for name in "${!README_DISCARDED[@]}"; do
	check "README trace $name was tested" test -d "$TRACES/$name"
done

plan "$_tap_n"
done_testing
