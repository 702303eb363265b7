#!/usr/bin/env bash
# The syscalls analyzer through the chrome-json exporter: the ncat story as
# slices and thread states, and, on a real trace, exactly as many complete
# syscall slices as an independent counter finds entry/exit pairs in
# babeltrace2's own text output (tests/tools/count-syscall-pairs).
. "$(dirname "$0")/../lib/tap.sh"
require_tool python3
plan 16

"$TJGEN" -q --scenario ncat -o "$TMP/ncat"
"$TJCONV" -q "$TMP/ncat" --to chrome-json -o "$TMP/ncat.json"
check "ncat JSON passes the Perfetto-rules checker" "$TJ_TOP/tests/tools/check-chrome-json" "$TMP/ncat.json"

# q EXPR: evaluate a Python expression over the events (ev) of the JSON.
q() {
	python3 - "$TMP/ncat.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
srv = [e for e in ev if e.get("ph") == "X" and e.get("tid") == 2150 and e.get("cat") == "syscall"]
def one(name, i=0):
    return [e for e in srv if e["name"] == name][i]
print(eval(sys.argv[2]))
PY
}
check_eq "socket returns fd 3" "3|ret 3 = socket AF_INET SOCK_STREAM" \
	"$(q '"%d|%s" % (one("socket")["args"]["ret"], one("socket")["args"]["note"])')"
check_eq "accept4 waits on the listening socket and returns fd 4" \
	"3|4|socket AF_INET SOCK_STREAM listening" \
	"$(q '"%d|%d|%s" % (one("accept4")["args"]["fd"], one("accept4")["args"]["ret"], one("accept4")["args"]["fd_target"])')"
check_eq "accept4 names the peer 127.0.0.1:4444" "True" \
	"$(q '"new socket from 127.0.0.1:4444" in one("accept4")["args"]["note"]')"
# accept4 entry at 38.000034, exit at 41.210043 (doc/tjgen.md): 3210009 us.
check_eq "accept4 lasts 3.210009 s (entry to exit)" "3210009" "$(q 'one("accept4")["dur"]')"
check_eq "poll wakes twice with one fd ready" "[1, 1]" \
	"$(q '[e["args"]["ret"] for e in srv if e["name"] == "poll"]')"
check_eq "read(fd 4) returns 6 on the accepted socket" "4|6|socket AF_INET SOCK_STREAM from 127.0.0.1:4444" \
	"$(q '"%d|%d|%s" % (one("read")["args"]["fd"], one("read")["args"]["ret"], one("read")["args"]["fd_target"])')"
check_eq "write of 6 bytes to fd 1" "1|6|6|file /dev/pts/0" \
	"$(q '"%d|%d|%d|%s" % (one("write")["args"]["fd"], one("write")["args"]["count"], one("write")["args"]["ret"], one("write")["args"]["fd_target"])')"
check_eq "read returns 0 at FIN" "0" "$(q 'one("read", 1)["args"]["ret"]')"
check_eq "close(4) then close(3)" "[4, 3]" "$(q '[e["args"]["fd"] for e in srv if e["name"] == "close"]')"
# The server sleeps in accept4 from its switch-out (38.000037) to the
# wake-up (~41.21004): a "blocked" state slice of at least 3.2 s.
check_eq "thread state track shows the server blocked in accept4 for > 3.2 s" "True" \
	"$(q 'any(e.get("ph") == "X" and e.get("pid") == 2150 and e.get("tid") != 2150 and e["name"] == "blocked" and e["dur"] > 3200000 for e in ev)')"
check_eq "process and thread named ncat" "True" \
	"$(q 'any(e["ph"] == "M" and e["name"] == "process_name" and e["pid"] == 2150 and e["args"]["name"] == "ncat" for e in ev)')"

# Filters apply to records: --comm keeps only ncat's threads (both tracks);
# a window keeps the slices that overlap it (the first poll began before).
comm=$("$TJCONV" -q "$TMP/ncat" --to chrome-json --comm ncat | python3 -c '
import json, sys
ev = json.load(sys.stdin)["traceEvents"]
print(sorted({e["tid"] for e in ev if e.get("cat") in ("syscall", "thread_state")}))')
check_eq "--comm ncat: only the two ncat threads and their state tracks" \
	"[2150, 2160, 1000002150, 1000002160]" "$comm"
win=$("$TJCONV" -q --clock-gmt "$TMP/ncat" --to chrome-json --begin 11:44:41.2101 --end 11:44:41.2102 | python3 -c '
import json, sys
ev = json.load(sys.stdin)["traceEvents"]
print(" ".join(e["name"] for e in sorted((e for e in ev if e.get("cat") == "syscall" and e["tid"] == 2150), key=lambda e: e["ts"])))')
check_eq "--begin/--end keep the server's slices that overlap the window" "poll read write poll" "$win"

# Real trace without contexts: complete pairs counted independently.
T="$TRACES/ref-basic-kernel-analysis/kernel"
if have_shared; then
	"$TJCONV" -q "$T" --to chrome-json -o "$TMP/ref.json"
	expected=$(babeltrace2 "$T" | "$TJ_TOP/tests/tools/count-syscall-pairs" | cut -d' ' -f1)
	got=$(python3 -c '
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
print(sum(1 for e in ev if e.get("ph") == "X" and e.get("cat") == "syscall" and "cut" not in e.get("args", {})))
' "$TMP/ref.json")
	check_eq "ref-basic: complete syscall slices = pairs in babeltrace2's output ($expected)" "$expected" "$got"
	check "ref-basic JSON passes the Perfetto-rules checker" "$TJ_TOP/tests/tools/check-chrome-json" "$TMP/ref.json"
else
	skip_n 2 "../shared/traces absent ($TRACES)"
fi
done_testing
