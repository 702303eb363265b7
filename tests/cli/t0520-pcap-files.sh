#!/usr/bin/env bash
# --pcap reading every capture in ../shared/pcaps (counts and decoded headers
# checked against tshark and tcpdump), a capture of another host against
# live-ncat-3 (it must say so), and broken captures (one-line error naming
# the file, non-zero exit, no output file).
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool tshark tcpdump python3
PCAPS="$TRACES/../pcaps"
files=("$PCAPS"/*.pcap "$PCAPS"/*.pcapng)
plan $((3 * ${#files[@]} + 2 + 4 * 8))
K="$TRACES/live-ncat-3/kernel"
# tjconv's decoded headers, one line per frame: "frame src dst seq ack flags"
decoded() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); ev=d["traceEvents"] if isinstance(d,dict) else d
for a in sorted((e["args"] for e in ev if e.get("cat")=="capture" and e["ph"]=="X"), key=lambda a: a["frame"]):
    print(a["frame"], a.get("src","-"), a.get("dst","-"), a.get("seq","-"), a.get("ack_seq","-"))' "$1"; }
# the same from tshark (the outer headers: first occurrences)
tshark_decoded() { tshark -r "$1" -E occurrence=f -T fields -e frame.number -e ip.proto \
	-e ipv6.nxt -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e tcp.srcport -e tcp.dstport \
	-e udp.srcport -e udp.dstport -e tcp.seq_raw -e tcp.ack_raw 2>/dev/null | python3 -c 'import sys
for l in sys.stdin:
    n,p4,p6,s4,s6,d4,d6,ts,td,us,ud,seq,ack=l.rstrip("\n").split("\t")
    p=p4 or p6; v6=not s4
    a=lambda x: "[%s]" % x if v6 else x
    if p=="6": print(n, "%s:%s" % (a(s4 or s6), ts), "%s:%s" % (a(d4 or d6), td), seq, ack or 0)
    elif p=="17": print(n, "%s:%s" % (a(s4 or s6), us), "%s:%s" % (a(d4 or d6), ud), "-", "-")
    else: print(n, "-", "-", "-", "-")'; }

for f in "${files[@]}"; do
	b=$(basename "$f")
	n_tshark=$(tshark -r "$f" 2>/dev/null | wc -l)
	"$TJCONV" -q "$K" --pcap "$f" --summary --to chrome-json -o "$TMP/$b.json" 2> "$TMP/$b.err"
	check_eq "$b: tjconv reads the $n_tshark packets tshark reads" "$n_tshark" \
		"$(sed -n "s/^capture: [0-9]*\/\([0-9]*\) packets.*/\1/p" "$TMP/$b.err")"
	case $b in
	*.pcapng)
		# libpcap (so tcpdump) refuses interfaces of different link types
		check_match "$b: tcpdump stops at its second interface's link type, tjconv does not" \
			'an interface has a type 113 different from the type of the first interface' \
			"$(tcpdump -r "$f" -nn 2>&1 >/dev/null)" ;;
	*)
		check_eq "$b: tcpdump -r counts the same" "$n_tshark" "$(tcpdump -r "$f" -nn 2>/dev/null | wc -l)" ;;
	esac
	check_eq "$b: every frame's addresses, ports, seq and ack as tshark decodes them" \
		"$(tshark_decoded "$f")" "$(decoded "$TMP/$b.json")"
done

# ---- another host's capture against live-ncat-3 ---------------------------
SSH="$PCAPS/tcpdump-ssh.pcap"
"$TJCONV" "$K" --pcap "$SSH" --summary -o "$TMP/ssh.txt" 2> "$TMP/ssh.err"
check_match "foreign capture: says the capture does not overlap and shares no host/port" \
	"warning: capture: none of the 54 captured packets matched a kernel packet: the capture \(2018-12-23 .*\) does not overlap the trace's packets \(2026-12-01 .*\) and none of its hosts/ports appear in the trace's packets -- a capture of another host, or another time\?" \
	"$(cat "$TMP/ssh.err")"
check_eq "foreign capture: the summary line says 0 matched" "capture: 0/54 packets matched, clock offset unknown" \
	"$(tail -1 "$TMP/ssh.err")"

# ---- broken captures --------------------------------------------------------
CAP="$TRACES/live-ncat-3/cap.pcap"
head -c 300 "$CAP" > "$TMP/truncated.pcap"
head -c 2000 /dev/urandom > "$TMP/garbage.pcap"
: > "$TMP/empty.pcap"
python3 - "$CAP" "$TMP/wifi.pcap" "$PCAPS/pcapplusplus-pcapng-example.pcapng" "$TMP/wifi.pcapng" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<I", d, 20, 105)          # pcap link type: IEEE 802.11
open(sys.argv[2], "wb").write(d)
n = bytearray(open(sys.argv[3], "rb").read())
o = 0
while o < len(n):                           # second interface: IEEE 802.11 too
    t, l = struct.unpack_from("<II", n, o)
    if t == 1 and struct.unpack_from("<H", n, o + 8)[0] == 113:
        struct.pack_into("<H", n, o + 8, 105)
    o += l
open(sys.argv[4], "wb").write(n)
EOF
head -c 10000 "$PCAPS/pcapplusplus-pcapng-example.pcapng" > "$TMP/truncated.pcapng"
head -c 600 "$CAP" | gzip -c > "$TMP/truncated.pcap.gz"
declare -A why=(
	[truncated.pcap]='cannot read packet 4: truncated dump file'
	[garbage.pcap]='not a capture libpcap can read'
	[empty.pcap]='not a capture: 0 bytes'
	[wifi.pcap]='unsupported link type 105 \(IEEE802_11\)'
	[wifi.pcapng]='unsupported link type 105 \(IEEE802_11\)'
	[truncated.pcapng]='truncated pcapng block'
	[truncated.pcap.gz]='cannot read packet [0-9]+: truncated dump file'
	[missing.pcap]='cannot open: No such file or directory'
)
for b in truncated.pcap garbage.pcap empty.pcap wifi.pcap wifi.pcapng truncated.pcapng \
	truncated.pcap.gz missing.pcap; do
	rm -f "$TMP/out.txt"
	"$TJCONV" "$K" --pcap "$TMP/$b" -o "$TMP/out.txt" 2> "$TMP/err"
	rc=$?
	check "$b: non-zero exit ($rc)" test "$rc" -ne 0
	check_eq "$b: one line on stderr" 1 "$(wc -l < "$TMP/err")"
	check_match "$b: the error names the file and the problem" \
		"^tjconv: error: '$TMP/$b': ${why[$b]}" "$(cat "$TMP/err")"
	check "$b: no output file left" test ! -e "$TMP/out.txt"
done
done_testing
