#!/usr/bin/env bash
# --pcap on tjgen's ncat scenario with its own capture (tjgen --pcap) and a
# known injected clock offset.  The expected pairs and offset come from
# tests/tools/pcap-pairs (tshark against babeltrace2) and from the injected
# value (the tap runs 250-749 ns after net_if_receive_skb, doc/tjgen.md).
. "$(dirname "$0")/../lib/tap.sh"
require_tool tshark tcpdump babeltrace2 python3
plan 13
pairs() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); ev=d["traceEvents"] if isinstance(d,dict) else d
for a in sorted((e["args"] for e in ev if e.get("cat")=="capture" and e["ph"]=="X"), key=lambda a: a["frame"]):
    print(a["frame"], a.get("kernel_ns","-"))' "$1"; }
offset_of() { sed -n 's/.*capture clock - trace clock: \([+-][0-9]*\) ns.*/\1/p' "$1"; }
within() { python3 -c "import sys; sys.exit(not abs(int('$1')-int('$2'))<=int('$3'))"; }

INJ=1234567
"$TJGEN" -q --scenario ncat -o "$TMP/ncat" --pcap "$TMP/ncat.pcap" --pcap-offset $INJ
check_eq "tjgen: the capture holds the scenario's 9 segments (tcpdump)" 9 \
	"$(tcpdump -r "$TMP/ncat.pcap" -nn 2>/dev/null | wc -l)"
check_match "tjgen: a nanosecond pcap, SYN first at the receive time + offset + tap delay" \
	'^1795607081\.211259817 IP 127\.0\.0\.1\.4444 > 127\.0\.0\.1\.4000: Flags \[S\], seq 1103527590' \
	"$(tcpdump -r "$TMP/ncat.pcap" -nn -S -tt --time-stamp-precision=nano 2>/dev/null | head -1)"
tests/tools/pcap-pairs "$TMP/ncat" "$TMP/ncat.pcap" > "$TMP/oracle"
want=$(sed -n 's/^offset //p' "$TMP/oracle")
grep -v '^offset' "$TMP/oracle" > "$TMP/oracle.pairs"
check "oracle: offset $want ns = injected $INJ + the tap's median delay (250-749 ns)" \
	python3 -c "import sys; sys.exit(not 250 <= $want - $INJ <= 749)"

"$TJCONV" "$TMP/ncat" --pcap "$TMP/ncat.pcap" --summary --to chrome-json -o "$TMP/a.json" 2> "$TMP/a.err"
check_match "9/9 matched, offset +1235.0 us in the summary line" \
	'^capture: 9/9 packets matched, clock offset \+123[45]\.[0-9] us \(spread 0\.[0-9] us\)$' "$(tail -1 "$TMP/a.err")"
got=$(offset_of "$TMP/a.err")
check "offset $got ns within 1 µs of the injected $INJ + 500 and of the oracle's $want" \
	eval "within $got $((INJ + 500)) 1000 && within $got $want 1000"
pairs "$TMP/a.json" > "$TMP/a.pairs"
check_eq "every frame matched to the receive of its own segment" "$(cat "$TMP/oracle.pairs")" \
	"$(cat "$TMP/a.pairs")"
check "chrome-json passes the Perfetto checker" tests/tools/check-chrome-json "$TMP/a.json"

# ---- by length and time only, with a clock 80 s behind -----------------------
NEG=-79796507913
"$TJGEN" -q --scenario ncat -o "$TMP/neg" --pcap "$TMP/neg.pcap" --pcap-offset $NEG
tests/tools/pcap-pairs "$TMP/neg" "$TMP/neg.pcap" | grep -v '^offset' > "$TMP/neg.oracle"
"$TJCONV" "$TMP/neg" --pcap "$TMP/neg.pcap" --param packets.ignore_network_header=true --summary \
	--to chrome-json -o "$TMP/b.json" 2> "$TMP/b.err"
check_match "headers ignored, offset -79.8 s: 9/9 matched" '^capture: 9/9 packets matched' \
	"$(tail -1 "$TMP/b.err")"
check "headers ignored: offset $(offset_of "$TMP/b.err") ns within 1 µs of $NEG + 500" \
	within "$(offset_of "$TMP/b.err")" $((NEG + 500)) 1000
pairs "$TMP/b.json" > "$TMP/b.pairs"
check_eq "headers ignored: every frame matched to its own segment's receive" \
	"$(cat "$TMP/neg.oracle")" "$(cat "$TMP/b.pairs")"

# ---- --pcap-offset forces it ------------------------------------------------
"$TJCONV" -q "$TMP/ncat" --pcap "$TMP/ncat.pcap" --pcap-offset 1235000 --summary -o /dev/null 2> "$TMP/c.err"
check_match "--pcap-offset 1235000: 9/9 matched, the forced offset reported" \
	'^capture: 9/9 packets matched, clock offset \+1235\.0 us' "$(tail -1 "$TMP/c.err")"
"$TJCONV" "$TMP/ncat" --pcap "$TMP/ncat.pcap" --pcap-offset 5000000000 --summary -o /dev/null 2> "$TMP/d.err"
check_match "--pcap-offset 5 s (wrong by 5 s): nothing matched, and it says why" \
	'none of the 9 captured packets matched a kernel packet: the capture .* does not overlap the trace.s packets .* is --pcap-offset right\?' \
	"$(cat "$TMP/d.err")"
check_eq "--pcap-offset 5 s: the summary line says so" "capture: 0/9 packets matched, clock offset unknown" \
	"$(tail -1 "$TMP/d.err")"
done_testing
