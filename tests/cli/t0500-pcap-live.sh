#!/usr/bin/env bash
# --pcap on live-ncat-3: a real kernel's trace and the tcpdump capture taken
# with it on the same clock (offset.txt).  Expected pairs and offset come from
# tests/tools/pcap-pairs (tshark's fields of each frame against babeltrace2's
# net_if_receive_skb headers), never from tjconv.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool tshark babeltrace2 python3
plan 16
K="$TRACES/live-ncat-3/kernel"
CAP="$TRACES/live-ncat-3/cap.pcap"
# frame -> kernel_ns of each captured packet, from tjconv's chrome-json
pairs() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); ev=d["traceEvents"] if isinstance(d,dict) else d
for a in sorted((e["args"] for e in ev if e.get("cat")=="capture" and e["ph"]=="X"), key=lambda a: a["frame"]):
    print(a["frame"], a.get("kernel_ns","-"))' "$1"; }

tests/tools/pcap-pairs "$K" "$CAP" > "$TMP/oracle"
want_off=$(sed -n 's/^offset //p' "$TMP/oracle")
grep -v '^offset' "$TMP/oracle" > "$TMP/oracle.pairs"
check_eq "oracle: tshark's 12 frames each pair with a net_if_receive_skb" 12 \
	"$(grep -vc ' -$' "$TMP/oracle.pairs")"

# ---- with the trace's network_header -----------------------------------
"$TJCONV" "$K" --pcap "$CAP" --summary -o "$TMP/a.txt" 2> "$TMP/a.err"
check_match "summary ends with the capture line: 12/12 matched" \
	'^capture: 12/12 packets matched, clock offset [+-][0-9]+\.[0-9] us \(spread [0-9]+\.[0-9] us\)$' \
	"$(tail -1 "$TMP/a.err")"
got_off=$(sed -n 's/.*capture clock - trace clock: \([+-][0-9]*\) ns.*/\1/p' "$TMP/a.err")
check "offset ${got_off} ns within 1 µs of the oracle's median ${want_off} ns, within 3 µs of 0 (same clock)" \
	python3 -c "import sys; g=int('$got_off'); w=int('$want_off'); sys.exit(not (abs(g-w)<=1000 and abs(g)<=3000))"
check_eq "text: 12 captured-packet lines" 12 "$(grep -c '^# \[.*\] captured ' "$TMP/a.txt")"
check_match "text: the SYN's line names its kernel receive" \
	'^# \[20:49:11\.18037[0-9]+\] captured 20:49:11\.180375000, kernel net_if_receive_skb [0-9.]+ (ns|µs) (earlier|later), TCP 127\.0\.0\.1:4444 → 127\.0\.0\.1:4000 \[SYN\] len 0 \(journey #1, frame 1\)$' \
	"$(grep -m1 '^# .* captured ' "$TMP/a.txt")"
"$TJCONV" -q "$K" --pcap "$CAP" --clock-seconds -o "$TMP/s.txt"
check "text: every line, events and captures, in time order" python3 -c 'import re,sys
t=[int(m.group(1)+m.group(2)) for l in open(sys.argv[1]) for m in [re.match(r"^#? ?\[(\d+)\.(\d{9})\]",l)] if m]
sys.exit(not (len(t)>18000 and all(a<=b for a,b in zip(t,t[1:]))))' "$TMP/s.txt"

"$TJCONV" -q "$K" --pcap "$CAP" --to chrome-json -o "$TMP/a.json"
pairs "$TMP/a.json" > "$TMP/a.pairs"
check_eq "chrome-json: each frame paired with the oracle's kernel receive" "$(cat "$TMP/oracle.pairs")" \
	"$(cat "$TMP/a.pairs")"
check "chrome-json: passes the Perfetto checker (flows bind)" tests/tools/check-chrome-json "$TMP/a.json"
check_eq "chrome-json: a Capture process, one connection track, 12 capture flows" "Capture 1 12" \
	"$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); ev=d["traceEvents"] if isinstance(d,dict) else d
p=[e["args"]["name"] for e in ev if e["ph"]=="M" and e["name"]=="process_name" and e["pid"]==2140000000]
t={e["tid"] for e in ev if e.get("cat")=="capture" and e["ph"]=="X"}
f=[e for e in ev if e.get("cat")=="capture" and e["ph"]=="f"]
print(p[0] if p else "-", len(t), len(f))' "$TMP/a.json")"
check_match "chrome-json: the SYN slice carries its decoded headers" \
	'"src":"127\.0\.0\.1:4444","dst":"127\.0\.0\.1:4000","proto":"TCP","flags":"SYN","seq":1399799039,"ack_seq":0' \
	"$(grep -o '"name":"captured [^"]*frame 1)".*' "$TMP/a.json" | head -1)"
check_match "chrome-json: the kernel journey's slice says when it was captured" \
	'"captured_ns":1796158151180375000,"capture_frame":1' "$(grep -o '"journey":1,"packet".*' "$TMP/a.json" | head -1)"

# ---- network_header ignored: length, direction and time only -------------
"$TJCONV" "$K" --pcap "$CAP" --param packets.ignore_network_header=true --summary \
	--to chrome-json -o "$TMP/b.json" 2> "$TMP/b.err"
check_match "headers ignored: still 12/12 matched" '^capture: 12/12 packets matched' "$(tail -1 "$TMP/b.err")"
pairs "$TMP/b.json" > "$TMP/b.pairs"
check_eq "headers ignored: each frame paired with the same kernel receive as the oracle" \
	"$(cat "$TMP/oracle.pairs")" "$(cat "$TMP/b.pairs")"
b_off=$(sed -n 's/.*capture clock - trace clock: \([+-][0-9]*\) ns.*/\1/p' "$TMP/b.err")
check "headers ignored: offset ${b_off} ns within 1 µs of the oracle's" \
	python3 -c "import sys; sys.exit(not abs(int('$b_off')-int('$want_off'))<=1000)"

# ---- the same capture gzip-compressed, and given with a foreign one --------
gzip -c "$CAP" > "$TMP/cap.pcap.gz"
"$TJCONV" "$K" --pcap "$TMP/cap.pcap.gz" --summary -o "$TMP/c.txt" 2> "$TMP/c.err"
check_match "gzip-compressed capture: 12/12 matched" '^capture: 12/12 packets matched' "$(tail -1 "$TMP/c.err")"
SSH="$TRACES/../pcaps/tcpdump-ssh.pcap"
nssh=$(tcpdump -r "$SSH" 2>/dev/null | wc -l)
"$TJCONV" "$K" --pcap "$TMP/cap.pcap.gz" --pcap "$SSH" --summary -o "$TMP/d.txt" 2> "$TMP/d.err"
check_eq "two captures merged: 12 of 12+${nssh} (tcpdump's count) matched" \
	"capture: 12/$((12 + nssh)) packets matched" "$(tail -1 "$TMP/d.err" | sed 's/,.*//')"
done_testing
