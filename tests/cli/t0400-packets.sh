#!/usr/bin/env bash
# The packets and interrupts analyzers.  Expected values come from outside
# tjconv: the tjgen ncat scenario's timeline (tools/tjgen/scenario_ncat.c,
# doc/tjgen.md: connect at tc+16 µs, SYN queued tc+21, received tc+25,
# accept4 returns tc+43; write tc+120, data queued tc+124, xmit tc+125.5,
# received tc+127.5, server woken tc+130, runs tc+133, poll returns tc+135,
# read returns 6 at tc+141; FIN received tc+207.5, read returns 0 tc+220),
# the capture cap.pcap read by tcpdump, and babeltrace2's own text output
# (counted by tests/tools/count-journeys and grep).
. "$(dirname "$0")/../lib/tap.sh"
plan 28
J=tests/tools/packet-journeys
# need WHAT: missing data or tool is a failure in CI, a visible skip elsewhere.
need() { if [ "${CI:-}" = true ]; then not_ok "$1 (missing in CI)"; else skip "$1"; fi; }
field() { python3 -c 'import json,sys
k=sys.argv[1]; f=sys.argv[2:]
for l in sys.stdin:
    a=json.loads(l)
    if all(str(a.get(x.split("=")[0]))==x.split("=",1)[1] for x in f): print(a.get(k))' "$@"; }

# ---- tjgen's ncat scenario: exact latencies ------------------------------
"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
"$TJCONV" -q "$TMP/ncat" --to chrome-json -o "$TMP/ncat.json"
check "tjgen ncat: JSON passes the Perfetto checker (flows bind)" tests/tools/check-chrome-json "$TMP/ncat.json"
$J "$TMP/ncat.json" > "$TMP/ncat.pk"
check_eq "tjgen ncat: 9 packet journeys (3 handshake, data + ACK, 2 x FIN + ACK)" 9 "$(wc -l < "$TMP/ncat.pk")"
check_eq "tjgen ncat: SYN queued by the client's connect" "connect ncat/2160" \
	"$(field send_syscall flags=SYN < "$TMP/ncat.pk") $(field sender flags=SYN < "$TMP/ncat.pk")"
check_eq "tjgen ncat: SYN accepted by the server's accept4 18 µs after it arrived (tc+25 -> tc+43)" \
	"accept4 ncat/2150 18000" \
	"$(field read_syscall flags=SYN < "$TMP/ncat.pk") $(field reader flags=SYN < "$TMP/ncat.pk") $(field receive_to_read_return_ns flags=SYN < "$TMP/ncat.pk")"
d="$(field journey flags=PSH,ACK < "$TMP/ncat.pk")"
lat() { field "$1" journey="$d" < "$TMP/ncat.pk"; }
check_eq "tjgen ncat: data: write -> queue 4 µs, queue -> xmit 1.5, xmit -> receive 2" "write 4000 1500 2000" \
	"$(lat send_syscall) $(lat syscall_to_queue_ns) $(lat queue_to_xmit_ns) $(lat xmit_to_receive_ns)"
check_eq "tjgen ncat: data wakes the server 2.5 µs after receive, it runs 3 µs later, poll returns 2 µs after" \
	"ncat/2150 poll 2500 3000 2000 poll" \
	"$(lat woken) $(lat woken_in) $(lat receive_to_wakeup_ns) $(lat wakeup_to_running_ns) $(lat running_to_return_ns) $(lat woken_next_exit)"
check_eq "tjgen ncat: data read by read returning 6, 13.5 µs after receive" "read 6 13500" \
	"$(lat read_syscall) $(lat read_ret) $(lat receive_to_read_return_ns)"
f="$(field journey flags=FIN,ACK sender=ncat/2160 < "$TMP/ncat.pk")"
check_eq "tjgen ncat: client FIN from shutdown, read returns 0 12.5 µs after it arrived" "shutdown read 0 12500" \
	"$(field send_syscall journey="$f" < "$TMP/ncat.pk") $(field read_syscall journey="$f" < "$TMP/ncat.pk") $(field read_ret journey="$f" < "$TMP/ncat.pk") $(field receive_to_read_return_ns journey="$f" < "$TMP/ncat.pk")"
syn=$(field journey flags=SYN < "$TMP/ncat.pk")
check_eq "tjgen ncat: the SYN's flow runs client thread -> connection -> CPU -> server thread" \
	"s:2160 t:2110000004 t:2000000001 f:2150" \
	"$($J --flows "$TMP/ncat.json" | python3 -c 'import json,sys
for l in sys.stdin:
    a=json.loads(l)
    if int(a["id"],16)=='"$syn"': print(" ".join("%s:%d"%(p,t) for p,t,_ in a["steps"]))')"
txt=$("$TJCONV" -q "$TMP/ncat")
check_match "tjgen ncat: text tells who the handshake woke" \
	'sched_waking: .* => #3 ACK 127\.0\.0\.1:4444→4000 received in NET_RX on cpu 1 wakes ncat/2150 blocked in accept4 for 3\.21 s' "$txt"
nrx=$(babeltrace2 "$TMP/ncat" | grep -c 'irq_softirq_entry: .*vec = 3 }')
check_eq "tjgen ncat: one NET_RX slice per softirq entry babeltrace2 shows" "$nrx" \
	"$(grep -c '"name":"softirq NET_RX"' "$TMP/ncat.json")"
check_match "tjgen ncat: the connect's NET_RX ran 2 µs after its raise (tc+22 -> tc+24)" \
	'"name":"softirq NET_RX".*"raise_latency_ns":2000' "$(grep '"name":"softirq NET_RX"' "$TMP/ncat.json" | head -1)"

# ---- live-ncat-3: a real kernel, checked against the capture --------------
L="$TRACES/live-ncat-3"
if [ ! -d "$L/kernel" ]; then
	for i in $(seq 16); do need "live-ncat-3 not found in $TRACES"; done
	done_testing
fi
"$TJCONV" -q "$L/kernel" --to chrome-json -o "$TMP/live.json"
check "live-ncat-3: JSON passes the Perfetto checker (flows bind)" tests/tools/check-chrome-json "$TMP/live.json"
$J "$TMP/live.json" > "$TMP/live.pk"
if command -v tcpdump > /dev/null; then
	tcpdump -r "$L/cap.pcap" -tt -nn 2> /dev/null > "$TMP/pcap.txt"
	check_eq "live-ncat-3: the capture holds 12 packets" 12 "$(wc -l < "$TMP/pcap.txt")"
	# every captured packet: a journey with its ports and flags received within 5 µs
	miss=$(python3 - "$TMP/pcap.txt" "$TMP/live.pk" <<'PY'
import json, re, sys
fl = {"S": "SYN", "S.": "SYN,ACK", ".": "ACK", "P.": "PSH,ACK", "F.": "FIN,ACK"}
js = [json.loads(l) for l in open(sys.argv[2])]
bad = 0
for line in open(sys.argv[1]):
    m = re.match(r"(\d+)\.(\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+): Flags \[([^\]]+)\]", line)
    t = int(m.group(1)) * 10**9 + int(m.group(2).ljust(9, "0"))
    ok = [j for j in js if j["packet"].startswith("TCP 127.0.0.1:%s → 127.0.0.1:%s [%s]" % (m.group(3), m.group(4), fl[m.group(5)]))
          and abs(j["receive_ns"] - t) <= 5000]
    if len(ok) != 1:
        bad += 1
        print("# no single journey for:", line.strip())
print(bad)
PY
)
	check_eq "live-ncat-3: each captured packet has one journey received within 5 µs of its capture time" 0 "$(printf '%s\n' "$miss" | tail -1)"
else
	need "tcpdump not installed (tools/debian-packages)"
	need "tcpdump not installed (tools/debian-packages)"
fi
check_eq "live-ncat-3: 12 journeys" 12 "$(wc -l < "$TMP/live.pk")"
server=$(babeltrace2 "$L/kernel" | grep -m1 'syscall_exit_accept' | sed 's/.*vtid = \([0-9]*\),.*/\1/')
client=$(babeltrace2 "$L/kernel" | grep -m1 'syscall_entry_connect: .*dport = 4000' | sed 's/.*vtid = \([0-9]*\),.*/\1/')
check_eq "live-ncat-3: SYN from the client's connect, accepted by the server's accept" \
	"connect ncat/$client accept ncat/$server" \
	"$(field send_syscall flags=SYN < "$TMP/live.pk") $(field sender flags=SYN < "$TMP/live.pk") $(field read_syscall flags=SYN < "$TMP/live.pk") $(field reader flags=SYN < "$TMP/live.pk")"
data=$(field journey payload=8 < "$TMP/live.pk" | sort -n)
check_eq "live-ncat-3: three data packets of 8 bytes" 3 "$(printf '%s\n' $data | wc -l)"
check_eq "live-ncat-3: each sent by sendto and read by the server's recvfrom returning 8" \
	"sendto ncat/$server recvfrom 8
sendto ncat/$server recvfrom 8
sendto ncat/$server recvfrom 8" \
	"$(for d in $data; do echo "$(field send_syscall journey=$d < "$TMP/live.pk") $(field reader journey=$d < "$TMP/live.pk") $(field read_syscall journey=$d < "$TMP/live.pk") $(field read_ret journey=$d < "$TMP/live.pk")"; done)"
# babeltrace2 shows the server woken (sched_waking tid = server) in the NET_RX
# softirq after the 2nd and 3rd data packets; the 1st came while it was
# already runnable (woken by the handshake's last ACK).
check_eq "live-ncat-3: the 2nd and 3rd data packets wake the server, the 1st finds it awake" \
	"None ncat/$server ncat/$server" \
	"$(for d in $data; do field woken journey=$d < "$TMP/live.pk"; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "live-ncat-3: the handshake's last ACK wakes the server in pselect6" "ncat/$server pselect6" \
	"$(field woken flags=ACK sender=ncat/$client send_syscall=connect < "$TMP/live.pk") $(field woken_in flags=ACK sender=ncat/$client send_syscall=connect < "$TMP/live.pk")"
fin=$(field journey flags=FIN,ACK sender=ncat/$client < "$TMP/live.pk")
check_eq "live-ncat-3: client FIN from shutdown wakes the server, whose recvfrom returns 0" \
	"shutdown ncat/$server recvfrom 0" \
	"$(field send_syscall journey=$fin < "$TMP/live.pk") $(field woken journey=$fin < "$TMP/live.pk") $(field read_syscall journey=$fin < "$TMP/live.pk") $(field read_ret journey=$fin < "$TMP/live.pk")"
check_eq "live-ncat-3: one connection track" 1 "$(grep -c '"name":"thread_name","args":{"name":"TCP 127.0.0.1:4444 ⇄ 127.0.0.1:4000"' "$TMP/live.json")"
for v in 1 3 7 9; do
	eval "b$v=\$(babeltrace2 \"\$L/kernel\" | grep -c 'irq_softirq_entry: .*vec = $v }')"
done
check_eq "live-ncat-3: softirq slices per vector (TIMER NET_RX SCHED RCU) = babeltrace2's entries" \
	"$b1 $b3 $b7 $b9" \
	"$(for n in TIMER NET_RX SCHED RCU; do grep -c "\"name\":\"softirq $n\"" "$TMP/live.json"; done | tr '\n' ' ' | sed 's/ $//')"
# --summary (any exporter): the analyzers' statistics on stderr.
sum=$("$TJCONV" "$L/kernel" --summary -o /dev/null 2>&1)
check_match "live-ncat-3 --summary: NET_RX count is babeltrace2's $b3" \
	"interrupts: notice: softirq NET_RX +count +$b3 " "$sum"
check_match "live-ncat-3 --summary: the 12 captured packets' journeys" \
	"packets: notice: 12 packet journeys" "$sum"

# ---- journey counts on other real traces vs babeltrace2 -------------------
for t in ref-16-cores-rt/kernel tc-bug446190; do
	if [ ! -d "$TRACES/$t" ]; then need "$t not found"; continue; fi
	got=$("$TJCONV" "$TRACES/$t" --to chrome-json -o "$TMP/x.json" --param packets.summary=true 2>&1 |
		sed -n 's/.*: \([0-9]*\) packet journeys .*: \([0-9]*\) queued, [0-9]* transmitted, \([0-9]*\) received.*/journeys \1 queued \2 received \3/p')
	check_eq "$t: journeys, queued and received as counted from babeltrace2" "$(tests/tools/count-journeys "$TRACES/$t")" "$got"
done
done_testing
