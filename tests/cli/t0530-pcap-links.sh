#!/usr/bin/env bash
# --pcap with every link layer it reads: live-ncat-3's real capture rewritten
# with another link header (tests/tools/pcap-relink: the same IP packets and
# times), each checked first with tshark (it must decode the same 12 TCP
# segments), then correlated: 12/12, with and without network_header.  A
# pcapng whose interface is named after another device does not match by
# length (the device must agree).
. "$(dirname "$0")/../lib/tap.sh"
require_shared
require_tool tshark python3
kinds=(sll sll2 null loop raw ipv4 vlan pcapng pcapng-mixed)
plan $((3 * ${#kinds[@]} + 2))
K="$TRACES/live-ncat-3/kernel"
CAP="$TRACES/live-ncat-3/cap.pcap"
segs() { tshark -r "$1" -T fields -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw \
	-e tcp.flags 2>/dev/null; }
want=$(segs "$CAP")
for k in "${kinds[@]}"; do
	tests/tools/pcap-relink "$CAP" "$TMP/$k.cap" "$k"
	check_eq "$k: tshark decodes the same 12 segments" "$want" "$(segs "$TMP/$k.cap")"
	"$TJCONV" -q "$K" --pcap "$TMP/$k.cap" --summary -o /dev/null 2> "$TMP/$k.err"
	check_match "$k: 12/12 matched by headers" '^capture: 12/12 packets matched' "$(tail -1 "$TMP/$k.err")"
	"$TJCONV" -q "$K" --pcap "$TMP/$k.cap" --param packets.ignore_network_header=true --summary \
		-o /dev/null 2> "$TMP/$k.err2"
	check_match "$k: 12/12 matched by length and time" '^capture: 12/12 packets matched' \
		"$(tail -1 "$TMP/$k.err2")"
done
tests/tools/pcap-relink "$CAP" "$TMP/eth0.pcapng" pcapng eth0
"$TJCONV" -q "$K" --pcap "$TMP/eth0.pcapng" --summary -o /dev/null 2> "$TMP/eth0.err"
check_match "interface eth0: still 12/12 by headers (they say which packet it is)" \
	'^capture: 12/12 packets matched' "$(tail -1 "$TMP/eth0.err")"
"$TJCONV" -q "$K" --pcap "$TMP/eth0.pcapng" --param packets.ignore_network_header=true --summary \
	-o /dev/null 2> "$TMP/eth0.err2"
check_eq "interface eth0 by length: none matched (the journeys are on lo)" \
	"capture: 0/12 packets matched, clock offset unknown" "$(tail -1 "$TMP/eth0.err2")"
done_testing
