#!/usr/bin/env bash
# Stream files cut short (power lost, disk full): tjconv reads every
# complete packet of the torn file and every other stream, warns with the
# file, its size and the bytes dropped, and counts the torn packet like a
# discarded packet in the summary, the text and the chrome-json output;
# --strict refuses the trace.  The oracle is babeltrace2 on a copy cut at
# the last complete packet, whose boundary a python3 reader of the packet
# contexts finds (tests/tools/ctf-packets).
. "${TJ_TOP:-.}/tests/lib/tap.sh"
require_tool babeltrace2 python3
export LC_ALL=C
plan 29

PACKETS="$TJ_TOP/tests/tools/ctf-packets"
orig="$TMP/orig"
"$TJGEN" --scenario load --events 20000 --packet-size 4k -o "$orig" -q

# events FILE: event lines of tjconv's text output (comments start with '#')
events() { grep -vc '^#' "$1"; }
bt_events() { babeltrace2 "$1" 2>/dev/null | wc -l; }

# torn NAME FILE CUT: a copy of the trace with FILE cut to CUT bytes, and
# its oracle: the copy cut at the end of the last packet that fits.
torn() {
	rm -rf "$TMP/$1" "$TMP/$1-oracle"
	cp -r "$orig" "$TMP/$1"
	truncate -s "$3" "$TMP/$1/$2"
	cp -r "$TMP/$1" "$TMP/$1-oracle"
	local keep
	keep=$("$PACKETS" --complete "$TMP/$1/$2")
	if [ "$keep" = 0 ]; then rm "$TMP/$1-oracle/$2"; else truncate -s "$keep" "$TMP/$1-oracle/$2"; fi
}

# 1. cut mid-packet: 50000 bytes, 12 packets of 4096 complete, 848 dropped
torn mid channel0_1 50000
check_eq "ctf-packets: the oracle keeps 12 packets of channel0_1" 49152 \
	"$("$PACKETS" --complete "$TMP/mid/channel0_1")"
check "babeltrace2 refuses the torn trace (why salvage exists)" \
	bash -c "! babeltrace2 '$TMP/mid' >/dev/null 2>&1"
"$TJCONV" "$TMP/mid" -o "$TMP/mid.txt" 2>"$TMP/mid.err"
check_eq "mid-packet: exit 0" 0 $?
check_eq "mid-packet: every complete packet's events (babeltrace2 on the cut copy)" \
	"$(bt_events "$TMP/mid-oracle")" "$(events "$TMP/mid.txt")"
check_match "mid-packet: warning names the file, its size and the bytes dropped" \
	"warning: stream file '.*mid/channel0_1' \(50000 bytes\) ends inside the packet at offset 49152 .*12 complete packets \(49152 bytes\), 848 bytes dropped" \
	"$(cat "$TMP/mid.err")"
check_match "mid-packet: the summary counts the lost packet" \
	"discarded 0 events and 1 packets" "$(cat "$TMP/mid.err")"
check_eq "mid-packet: the text output shows one lost packet on cpu1" 1 \
	"$(grep -c '^# .*LOST: 1 packets discarded .* on cpu1' "$TMP/mid.txt")"
"$TJCONV" "$TMP/mid" --to chrome-json -o "$TMP/mid.json" 2>/dev/null
check_eq "mid-packet: chrome-json has one 'discarded 1 packet' instant on cpu 1" 1 \
	"$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(sum(1 for e in d["traceEvents"] if e.get("name") == "discarded 1 packet" and e["args"]["cpu"] == 1))' "$TMP/mid.json")"
"$TJCONV" "$TMP/mid" --jobs 2 -o "$TMP/mid-j2.txt" 2>/dev/null
check_eq "mid-packet, --jobs 2: the same output" "" "$(cmp "$TMP/mid.txt" "$TMP/mid-j2.txt" 2>&1)"
check_eq "no salvage folder is left behind" "" \
	"$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'tjconv-salvage-*' -newer "$orig/metadata" 2>/dev/null)"

# 2. --strict keeps the refusal: one line, exit 1, no output
"$TJCONV" "$TMP/mid" --strict -o "$TMP/strict.txt" 2>"$TMP/strict.err"
check_eq "--strict: exit 1" 1 $?
check_eq "--strict: one line on stderr" 1 "$(wc -l <"$TMP/strict.err")"
check_match "--strict: it names the file, its size and the bytes that cannot be read" \
	"error: stream file '.*mid/channel0_1' \(50000 bytes\) ends inside the packet .*848 bytes cannot be read" \
	"$(cat "$TMP/strict.err")"
check "--strict: no output file" test ! -e "$TMP/strict.txt"

# 3. cut inside a packet header (20 bytes into packet 13)
torn hdr channel0_2 $((12 * 4096 + 20))
"$TJCONV" "$TMP/hdr" -o "$TMP/hdr.txt" 2>"$TMP/hdr.err"
check_eq "header cut: exit 0" 0 $?
check_eq "header cut: every complete packet's events" "$(bt_events "$TMP/hdr-oracle")" \
	"$(events "$TMP/hdr.txt")"
check_match "header cut: the warning says where" \
	"channel0_2' \(49172 bytes\) ends inside the header of the packet at offset 49152: .* 20 bytes dropped" \
	"$(cat "$TMP/hdr.err")"

# 4. the last packet's content runs past the end (cut one byte short of it)
last=$("$PACKETS" --last-content "$orig/channel0_3")
torn content channel0_3 $((last - 1))
"$TJCONV" "$TMP/content" -o "$TMP/content.txt" 2>"$TMP/content.err"
check_eq "content cut: exit 0" 0 $?
check_eq "content cut: the last packet is dropped, the others read" \
	"$(bt_events "$TMP/content-oracle")" "$(events "$TMP/content.txt")"
check_match "content cut: warning" "channel0_3' \($((last - 1)) bytes\) ends inside the packet" \
	"$(cat "$TMP/content.err")"

# 5. only the padding of the last packet is cut: nothing is lost
torn pad channel0_3 "$last"
"$TJCONV" "$TMP/pad" -o "$TMP/pad.txt" 2>"$TMP/pad.err"
check_eq "padding cut: exit 0" 0 $?
check_eq "padding cut: every event of the whole trace" "$(bt_events "$orig")" "$(events "$TMP/pad.txt")"
check_match "padding cut: warning says the padding is restored" \
	"channel0_3' \($last bytes\) ends in the padding .*every event is read" "$(cat "$TMP/pad.err")"
check_eq "padding cut: no lost packet reported" 0 "$(grep -c 'LOST' "$TMP/pad.txt")"

# 6. not one packet complete: that stream is left out, the others read
torn none channel0_0 100
"$TJCONV" "$TMP/none" -o "$TMP/none.txt" 2>"$TMP/none.err"
check_eq "no complete packet: exit 0" 0 $?
check_eq "no complete packet: the three other streams' events" "$(bt_events "$TMP/none-oracle")" \
	"$(events "$TMP/none.txt")"
check_match "no complete packet: warning" "channel0_0' \(100 bytes\) .*0 complete packets \(0 bytes\), 100 bytes dropped" \
	"$(cat "$TMP/none.err")"
# 7. regression (mutant 50 of seed 7): the first packet's packet_size
# flipped to 8 TB while its content fits: not "padding" to restore (that
# made an 8 TB sparse file and a hang), a corrupt packet dropped with its file
rm -rf "$TMP/huge"
cp -r "$orig" "$TMP/huge"
python3 -c 'import struct,sys
f=open(sys.argv[1],"r+b"); f.seek(56); f.write(struct.pack("<Q", 8796093027584 * 8))' "$TMP/huge/channel0_1"
hsize=$(stat -c %s "$TMP/huge/channel0_1")
timeout 30 "$TJCONV" "$TMP/huge" -o "$TMP/huge.txt" 2>"$TMP/huge.err"
check_eq "8 TB packet_size: exit 0 within 30 s" 0 $?
check_match "8 TB packet_size: the whole file is dropped, said so" \
	"channel0_1' \($hsize bytes\) ends inside the packet at offset 0 \(packet-size-bytes 8796093027584, .* $hsize bytes dropped" \
	"$(cat "$TMP/huge.err")"
done_testing
