#!/usr/bin/env bash
# The progress line: under a pseudo-terminal (python3's pty, so the test
# needs no `script`) a run draws one self-updating line on stderr (share of
# stream bytes read, events/s, ETA) and erases it at the end; with stderr a
# pipe nothing is drawn; --no-progress and --progress force it off and on.
# No timing is asserted: TJCONV_PROGRESS_AFTER=0 lifts the one-second delay
# (the line then comes at the first check, after 4096 events), so the test
# does not depend on how fast this machine reads the trace.
. "$(dirname "$0")/../lib/tap.sh"
require_tool python3
plan 9
"$TJGEN" -q --scenario load --events 200000 -o "$TMP/big"
export TJCONV_PROGRESS_AFTER=0
# pty_run OUT CMD...: run CMD with stdin/stdout/stderr on a new pty, stdout
# and stderr both captured (as a terminal shows them) into OUT.
pty_run() {
	python3 - "$@" <<'PY'
import os, pty, sys
out = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, st = os.waitpid(pid, 0)
open(out, "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
pty_run "$TMP/tty" "$TJCONV" stats "$TMP/big" -o "$TMP/stats.txt"
check_eq "under a pty: the run succeeds" 0 "$?"
tty=$(python3 -c 'import sys; print(repr(open(sys.argv[1],"rb").read().decode()))' "$TMP/tty")
check_match "under a pty: lines of share, size, events/s and ETA, each redrawn in place" \
	"\\\\rtjconv: +[0-9]+% of [0-9.]+ MB read, [0-9.]+ M events/s, ETA [0-9]+:[0-9][0-9]\\\\x1b\\[K" "$tty"
check_match "under a pty: the line is erased at the end (nothing left on the terminal)" \
	"\\\\r\\\\x1b\\[K'$" "$tty"
pty_run "$TMP/tty2" "$TJCONV" stats "$TMP/big" --no-progress -o "$TMP/stats2.txt"
check_eq "under a pty with --no-progress: nothing on the terminal" 0 "$(wc -c < "$TMP/tty2")"
"$TJCONV" stats "$TMP/big" -o "$TMP/stats3.txt" 2> "$TMP/err"
check_eq "stderr a pipe: no progress line" 0 "$(wc -c < "$TMP/err")"
"$TJCONV" -q "$TMP/big" --to text --disable syscalls --disable interrupts --disable packets \
	--progress -o "$TMP/big.txt" 2> "$TMP/err2"
check_match "--progress in a pipe, a plain conversion: the line is drawn, then erased" \
	'^.tjconv: .*events/s.*\[K..\[K$' "$(cat "$TMP/err2")"
check_eq "the statistics are the same with and without a terminal" "" \
	"$(diff "$TMP/stats.txt" "$TMP/stats3.txt")"
# LAMI (Trace Compass passes --output-progress): "FRACTION MESSAGE" lines on
# stdout, then the results; Trace Compass takes every line before the first
# one starting with '{' as progress
"$TJCONV" stats "$TMP/big" --what irq --output-progress --format lami > "$TMP/lami.out" 2> "$TMP/lami.err"
check_eq "--output-progress: progress lines (fraction, events read), rising, then the JSON results" "ok" \
	"$(python3 -c 'import json,re,sys
lines=open(sys.argv[1]).read().split("\n"); i=next(k for k,l in enumerate(lines) if l.startswith("{"))
pro=lines[:i]; f=[float(l.split()[0]) for l in pro]
ok=pro and all(re.fullmatch(r"[01]\.\d{3} \d+ events read", l) for l in pro) and f==sorted(f)
json.loads("\n".join(lines[i:])); print("ok" if ok else pro[:3])' "$TMP/lami.out")"
check_eq "--output-progress: nothing on stderr" 0 "$(wc -c < "$TMP/lami.err")"
done_testing
