#!/usr/bin/env bash
# The syscalls analyzer on the ncat scenario, as the text exporter shows it.
# Expected values come from the scenario's timeline written by hand in
# doc/tjgen.md (socket -> 3, accept4 -> 4 from 127.0.0.1:4444 after ~3.21 s
# blocked, read -> 6 then 0 at FIN, write of 6 bytes to fd 1), not from
# tjconv's own output.
. "$(dirname "$0")/../lib/tap.sh"
plan 17

"$TJGEN" -q --scenario ncat -o "$TMP/ctx"
"$TJGEN" -q --scenario ncat --no-context -o "$TMP/noctx"
# The interrupts and packets analyzers add their own notes (t0400); this
# test is about the syscalls analyzer's.
only_sys="--disable interrupts --disable packets"
out=$("$TJCONV" -q $only_sys --clock-gmt "$TMP/ctx")
line() { printf '%s\n' "$out" | grep -F -- "$1" | head -n 1; }

check_match "socket returns fd 3, an AF_INET stream socket" \
	'ncat/2150 syscall_exit_socket: .* => ret 3 = socket AF_INET SOCK_STREAM$' "$(line 'ncat/2150 syscall_exit_socket')"
check_match "accept4 blocks on the listening socket" \
	'syscall_entry_accept4: .* => fd 3 = socket AF_INET SOCK_STREAM listening$' "$(line 'syscall_entry_accept4')"
check_match "accept4 returns fd 4 from the peer, blocked 3.21 s" \
	'^\[11:44:41\.210043000\] .* ncat/2150 syscall_exit_accept4: .* => ret 4 = new socket from 127\.0\.0\.1:4444, blocked 3\.21 s$' \
	"$(line 'syscall_exit_accept4')"
check_match "the client's connect targets 127.0.0.1:4000" \
	'ncat/2160 syscall_entry_write: .* => fd 3 = socket AF_INET SOCK_STREAM to 127\.0\.0\.1:4000$' \
	"$(line 'ncat/2160 syscall_entry_write')"
polls=$(printf '%s\n' "$out" | grep 'ncat/2150 syscall_exit_poll' )
check_eq "poll wakes twice with one fd ready" 2 "$(printf '%s\n' "$polls" | grep -c '=> 1 ready, blocked')"
reads=$(printf '%s\n' "$out" | grep 'ncat/2150 syscall_exit_read')
check_match "read returns 6 bytes from socket fd 4" '=> 6 bytes from socket fd 4$' "$(printf '%s\n' "$reads" | sed -n 1p)"
check_match "read returns 0 at FIN" '=> 0 bytes: end of file on socket fd 4$' "$(printf '%s\n' "$reads" | sed -n 2p)"
check_match "read's entry says what fd 4 is" \
	'syscall_entry_read: .*\{ fd = 4, count = 8192 \} => fd 4 = socket AF_INET SOCK_STREAM from 127\.0\.0\.1:4444$' \
	"$(line 'ncat/2150 syscall_entry_read')"
check_match "write of 6 bytes to fd 1, the terminal" \
	'ncat/2150 syscall_exit_write: .* => 6 bytes to file fd 1$' "$(line 'ncat/2150 syscall_exit_write')"
check_match "fd 1 came from the statedump" '=> fd 1 = file /dev/pts/0$' "$(line 'ncat/2150 syscall_entry_write')"
closes=$(printf '%s\n' "$out" | grep 'ncat/2150 syscall_entry_close' | sed 's/.*=> //')
check_eq "close(4) then close(3)" "fd 4 = socket AF_INET SOCK_STREAM from 127.0.0.1:4444
fd 3 = socket AF_INET SOCK_STREAM listening" "$closes"

# Without the vtid/procname contexts the analyzer must find each event's
# thread from sched_switch, and reach the same conclusions.
noctx=$("$TJCONV" -q $only_sys --clock-gmt "$TMP/noctx")
check_eq "no-context trace has the same number of events" \
	"$(printf '%s\n' "$out" | grep -c '^\[')" "$(printf '%s\n' "$noctx" | grep -c '^\[')"
check_match "no-context: accept4 attributed to ncat/2150 via sched_switch" \
	'ncat/2150 syscall_exit_accept4: .* => ret 4 = new socket from 127\.0\.0\.1:4444, blocked 3\.21 s$' \
	"$(printf '%s\n' "$noctx" | grep syscall_exit_accept4)"
check_eq "no-context: same annotations as with contexts" \
	"$(printf '%s\n' "$out" | grep -o ' => .*' )" "$(printf '%s\n' "$noctx" | grep -o ' => .*')"

# Filters use the same attribution.
pidout=$("$TJCONV" -q "$TMP/noctx" --pid 2150)
check_eq "--pid 2150 keeps only the server's events" "" "$(printf '%s\n' "$pidout" | grep -v ' ncat/2150 ')"
check_match "--pid 2150 keeps the server's accept4" 'syscall_exit_accept4' "$pidout"
check_eq "--no-annotations removes every annotation" 0 \
	"$("$TJCONV" -q --no-annotations "$TMP/ctx" | grep -c ' => ')"
done_testing
