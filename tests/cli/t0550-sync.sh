#!/usr/bin/env bash
# --sync: traces of two hosts that talked TCP get one clock.  tjgen's
# two-hosts scenario injects the server's clock offset and drift, so the
# truth is known by construction; tests/tools/sync-check applies the true
# transform (exact fractions) to babeltrace2's own timestamps of the same
# events and compares them with what tjconv writes.
. "$(dirname "$0")/../lib/tap.sh"
plan 32
SC=tests/tools/sync-check
OFF=79796507913179 # 22 h 10 min: the server clock runs ahead ...
PPM=58.6           # ... and 58.6 ppm fast
LINE_RE="^sync: 'server' -> 'client': slope [01]\.[0-9]{10}, offset [+-][0-9]+ ns, [0-9]+ packets matched$"

# ---- network_header (net_dev_queue -> net_if_receive_skb) ------------------
"$TJGEN" -q --scenario two-hosts -o "$TMP/net" --clock-offset $OFF --clock-drift $PPM
check "two-hosts: babeltrace2 reads both traces ($(babeltrace2 "$TMP/net" | wc -l) events)" \
	test "$(babeltrace2 "$TMP/net/client" | wc -l)" -gt 1000 -a "$(babeltrace2 "$TMP/net/server" | wc -l)" -gt 1000
babeltrace2 --clock-seconds "$TMP/net/server" > "$TMP/bt-server.txt"
"$TJCONV" "$TMP/net" --summary --clock-seconds -o "$TMP/net.txt" 2> "$TMP/net.err"
line=$(grep "sync: '.* -> " "$TMP/net.err")
check_eq "one sync line (one synchronized trace)" 1 "$(printf '%s\n' "$line" | grep -c .)"
check_match "the sync line has the exact form" "$LINE_RE" "$line"
# 3 handshake + 2 x 200 exchanges + 3 closing segments, each queued on one
# host and received on the other (tjgen's scenario_hosts.c)
check_match "all 406 packets matched" ", 406 packets matched$" "$line"
check "slope within 1e-6 of 1/(1+58.6e-6): $($SC summary "$line" $OFF $PPM)" $SC summary "$line" $OFF $PPM
mv=$(grep "its first event moves by" "$TMP/net.err")
check "the shift of the server's first and last events within 1 us: $($SC moves "$mv" "$TMP/bt-server.txt" $OFF $PPM)" \
	$SC moves "$mv" "$TMP/bt-server.txt" $OFF $PPM
check "server events in the text output at their true times within 1 us: $($SC times "$TMP/bt-server.txt" "$TMP/net.txt" server $OFF $PPM)" \
	$SC times "$TMP/bt-server.txt" "$TMP/net.txt" server $OFF $PPM
check "the client's events keep babeltrace2's times: $(babeltrace2 --clock-seconds "$TMP/net/client" > "$TMP/bt-client.txt"; $SC same "$TMP/bt-client.txt" "$TMP/net.txt" client)" \
	$SC same "$TMP/bt-client.txt" "$TMP/net.txt" client
check "the merge orders by synchronized time: $($SC ordered "$TMP/net.txt")" $SC ordered "$TMP/net.txt"
check_match "counts: every packet event read, nothing left unmatched" \
	"sync: 812 packet events of 2 hosts read, 0 sent and 0 received left unmatched" "$(cat "$TMP/net.err")"
"$TJCONV" -q "$TMP/net" --to chrome-json --events all -o "$TMP/net.json"
check "chrome-json: the server's receives at their true times: $($SC chrome "$TMP/net.json" "$TMP/bt-server.txt" server net_if_receive_skb "httpd (server)" $OFF $PPM)" \
	$SC chrome "$TMP/net.json" "$TMP/bt-server.txt" server net_if_receive_skb "httpd (server)" $OFF $PPM
check "chrome-json: passes the Perfetto checker" tests/tools/check-chrome-json "$TMP/net.json"
# each host's records (syscall slices, thread states, flow starts) sit in its
# own process group with its events: none left under the server's raw pid
by_host=$(python3 - "$TMP/net.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))['traceEvents']
pid = {e['args']['name']: e['pid'] for e in ev if e.get('ph') == 'M' and e.get('name') == 'process_name'}
n = lambda p: sum(1 for e in ev if e.get('ph') == 'X' and e.get('cat') == 'syscall' and e.get('pid') == p)
print(n(pid['httpd (server)']), n(pid['wget (client)']), sum(1 for e in ev if e.get('pid') == 4100))
PY
)
check_eq "chrome-json: babeltrace2's syscalls of each host in its own process group, none under the raw pid" \
	"$(babeltrace2 "$TMP/net/server" | grep -c ' syscall_exit_') $(babeltrace2 "$TMP/net/client" | grep -c ' syscall_exit_') 0" "$by_host"
# every segment is one flow from the sending host to the receiving one, as
# long as its one-way latency: 50 us for every 8th (scenario_hosts.c), at most 400
check "chrome-json: one flow per packet across the hosts: $($SC xflows "$TMP/net.json" 406 50 400)" \
	$SC xflows "$TMP/net.json" 406 50 400
check_match "packets: the summary counts them" \
	"packets: notice: across traces: 406 packets linked from one host to another, 0 never arrived in another trace" \
	"$(cat "$TMP/net.err")"
"$TJCONV" "$TMP/net" --jobs 2 --summary --clock-seconds -o "$TMP/net-j2.txt" 2> "$TMP/net-j2.err"
check "--jobs 2: the same output" cmp -s "$TMP/net.txt" "$TMP/net-j2.txt"
check_eq "--jobs 2: the same sync line" "$line" "$(grep "sync: '.* -> " "$TMP/net-j2.err")"

# ---- --sync off: times as recorded ----------------------------------------
"$TJCONV" "$TMP/net" --sync off --clock-seconds -o "$TMP/off.txt" 2> "$TMP/off.err"
check "--sync off: server times exactly as babeltrace2 prints them: $($SC same "$TMP/bt-server.txt" "$TMP/off.txt" server)" \
	$SC same "$TMP/bt-server.txt" "$TMP/off.txt" server
check_eq "--sync off: no sync line" "" "$(grep 'sync:' "$TMP/off.err")"
printf 'sync: off\n' > "$TMP/off.yaml"
"$TJCONV" "$TMP/net" --config "$TMP/off.yaml" --clock-seconds -o "$TMP/off-cfg.txt" 2>/dev/null
check "config 'sync: off': the same as --sync off" cmp -s "$TMP/off.txt" "$TMP/off-cfg.txt"
printf 'sync: maybe\n' > "$TMP/bad.yaml"
"$TJCONV" "$TMP/net" --config "$TMP/bad.yaml" -o "$TMP/never.txt" 2> "$TMP/bad-cfg.err"
check_eq "config 'sync: maybe': a usage error naming the file, no output" \
	"2 tjconv: error: '$TMP/bad.yaml':1:7: expected auto or off for 'sync', found 'maybe' absent" \
	"$? $(cat "$TMP/bad-cfg.err") $([ -e "$TMP/never.txt" ] && echo present || echo absent)"

# ---- no drift, a negative offset ------------------------------------------
"$TJGEN" -q --scenario two-hosts -o "$TMP/neg" --clock-offset -3500000123 --seed 7
"$TJCONV" "$TMP/neg" -o /dev/null 2> "$TMP/neg.err"
l2=$(grep "sync: '.* -> " "$TMP/neg.err")
check "no drift: slope 1 within 1e-6: $($SC summary "$l2" -3500000123 0)" $SC summary "$l2" -3500000123 0
babeltrace2 --clock-seconds "$TMP/neg/server" > "$TMP/bt-neg.txt"
mv=$(grep "its first event moves by" "$TMP/neg.err")
check "no drift: the server moves by +3.500000123 s within 1 us: $($SC moves "$mv" "$TMP/bt-neg.txt" -3500000123 0)" \
	$SC moves "$mv" "$TMP/bt-neg.txt" -3500000123 0
check_match "no drift: 406 packets matched" ", 406 packets matched$" "$l2"

# ---- lttng-modules addon events inet_sock_local_out / _in -----------------
"$TJGEN" -q --scenario two-hosts -o "$TMP/inet" --clock-offset -$OFF --clock-drift -12.25 --sync-events inet-sock
check_eq "inet-sock: babeltrace2 sees the addon events" "406 406" \
	"$(babeltrace2 "$TMP/inet" | grep -c ' inet_sock_local_out: { cpu_id') $(babeltrace2 "$TMP/inet" | grep -c ' inet_sock_local_in: { cpu_id')"
"$TJCONV" "$TMP/inet" --summary --clock-seconds -o "$TMP/inet.txt" 2> "$TMP/inet.err"
l3=$(grep "sync: '.* -> " "$TMP/inet.err")
check_match "inet-sock: the sync line, 406 packets matched" "$LINE_RE" "$l3"
check "inet-sock: slope within 1e-6: $($SC summary "$l3" -$OFF -12.25)" $SC summary "$l3" -$OFF -12.25
babeltrace2 --clock-seconds "$TMP/inet/server" > "$TMP/bt-inet.txt"
check "inet-sock: server events at their true times within 1 us: $($SC times "$TMP/bt-inet.txt" "$TMP/inet.txt" server -$OFF -12.25)" \
	$SC times "$TMP/bt-inet.txt" "$TMP/inet.txt" server -$OFF -12.25

# ---- hosts that never talked: a notice, no transform -----------------------
mkdir "$TMP/apart"
"$TJGEN" -q --scenario two-hosts -o "$TMP/a1" --clock-offset 5000 --seed 1
"$TJGEN" -q --scenario two-hosts -o "$TMP/a2" --clock-offset 5000 --seed 2
mv "$TMP/a1/client" "$TMP/a2/server" "$TMP/apart/"
"$TJCONV" "$TMP/apart" --clock-seconds -o "$TMP/apart.txt" 2> "$TMP/apart.err"
check_match "no common packet: says so" \
	"^tjconv: notice: sync: no packet of 'server' matched one of another host .*its times are left as recorded$" "$(cat "$TMP/apart.err")"
babeltrace2 --clock-seconds "$TMP/apart/server" > "$TMP/bt-apart.txt"
check "no common packet: server times untouched" $SC same "$TMP/bt-apart.txt" "$TMP/apart.txt" server

# ---- one host: unaffected; a bad value ---------------------------------------
"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
"$TJCONV" -q "$TMP/ncat" -o "$TMP/ncat-auto.txt"
"$TJCONV" -q "$TMP/ncat" --sync off -o "$TMP/ncat-off.txt"
check "single host: --sync auto and off give the same output" cmp -s "$TMP/ncat-auto.txt" "$TMP/ncat-off.txt"
"$TJCONV" "$TMP/ncat" --sync sometimes > /dev/null 2> "$TMP/bad.err"
rc=$?
check_eq "--sync sometimes: usage error" "2 tjconv: error: invalid --sync 'sometimes' (expected auto or off)" \
	"$rc $(cat "$TMP/bad.err")"
done_testing
