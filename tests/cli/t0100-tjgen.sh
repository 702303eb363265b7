#!/usr/bin/env bash
# tjgen, the project's trace generator: its traces must be real CTF that
# babeltrace2 reads without complaint, with exactly the events tjgen says it
# wrote, the ncat timeline documented in doc/tjgen.md, a consistent stream
# event context, tracer-reported discarded events, and byte-identical output
# for identical arguments.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
TJ_BUILD=$(cd "$TJ_BUILD" && pwd)
TJGEN="$TJ_BUILD/bin/tjgen"
export LC_ALL=C
export TZ=UTC

require_tool babeltrace2
plan 39

# gen DIR ARGS...: run tjgen into $TMP/DIR; sets GEN_RC, GEN_ERR, GEN_COUNT.
gen() {
	local dir=$TMP/$1
	shift
	"$TJGEN" "$@" -o "$dir" 2>"$dir.err" >/dev/null
	GEN_RC=$?
	GEN_ERR=$(cat "$dir.err")
	GEN_COUNT=$(sed -n "s|^wrote \([0-9]*\) events to $dir\$|\1|p" "$dir.err")
}

# bt DIR: babeltrace2 text into $TMP/DIR.txt, warnings into $TMP/DIR.bterr; sets BT_RC.
bt() {
	babeltrace2 --clock-gmt "$TMP/$1" >"$TMP/$1.txt" 2>"$TMP/$1.bterr"
	BT_RC=$?
}

# Sum of "Tracer discarded N events" that babeltrace2 reported for DIR.
bt_discarded() {
	sed -n 's/^WARNING: Tracer discarded \([0-9]*\) events between .*/\1/p' "$TMP/$1.bterr" |
		awk '{ s += $1 } END { print s + 0 }'
}

# Stream event context must follow scheduling: on each CPU, every event carries
# the thread the last sched_switch on that CPU switched to, and sched_switch's
# prev_tid is the thread in its own context. Prints the number of violations.
context_errors() {
	awk '
	function val(key,   i, s) {
		i = index($0, " " key " = ")
		if (i == 0) return ""
		s = substr($0, i + length(key) + 4)
		sub(/[,} ].*/, "", s)
		return s
	}
	{
		cpu = val("cpu_id"); tid = val("vtid")
		if ((cpu in cur) && cur[cpu] != tid) bad++
		cur[cpu] = tid
		if ($4 == "sched_switch:") {
			if (val("prev_tid") != tid) bad++
			cur[cpu] = val("next_tid")
		}
	}
	END { print bad + 0 }' "$TMP/$1.txt"
}

count_of() { grep -c -- "$2" "$TMP/$1.txt"; }

# same_files DIR1 DIR2: both hold the same file names with the same bytes.
same_files() {
	local f
	[ "$(cd "$TMP/$1" && echo *)" = "$(cd "$TMP/$2" && echo *)" ] || return 1
	for f in "$TMP/$1"/*; do
		cmp -s "$f" "$TMP/$2/${f##*/}" || return 1
	done
}

# has_events DIR NAME...: babeltrace2's text for DIR shows each event name.
has_events() {
	local dir=$1 e
	shift
	for e in "$@"; do
		grep -q -- " $e: " "$TMP/$dir.txt" || { echo "# missing $e"; return 1; }
	done
}

# ---- ncat ---------------------------------------------------------------
gen ncat --scenario ncat
check_eq "ncat: tjgen exits 0" 0 "$GEN_RC"
check_eq "ncat: tjgen reports 173 events" 173 "$GEN_COUNT"
check "ncat: metadata is TSDL text starting with /* CTF 1.8 */" \
	test "$(head -n 1 "$TMP/ncat/metadata")" = "/* CTF 1.8 */"
check_eq "ncat: one stream file per CPU" "channel0_0 channel0_1 metadata" \
	"$(cd "$TMP/ncat" && echo *)"
bt ncat
check_eq "ncat: babeltrace2 exits 0" 0 "$BT_RC"
check_eq "ncat: babeltrace2 prints nothing on stderr" "" "$(cat "$TMP/ncat.bterr")"
check_eq "ncat: babeltrace2 reads as many events as tjgen wrote" "$GEN_COUNT" \
	"$(wc -l <"$TMP/ncat.txt" | tr -d ' ')"
check_eq "ncat: starts at 2026-11-25 11:44:38.000000000 UTC" \
	"[2026-11-25 11:44:38.000000000] (+?.?????????) tjgen-host lttng_statedump_start:" \
	"$(babeltrace2 --clock-gmt --clock-date "$TMP/ncat" | head -n 1 | cut -d' ' -f1-5)"
check_eq "ncat: 70 events on cpu 0, 103 on cpu 1" "70 103" \
	"$(count_of ncat 'cpu_id = 0 }') $(count_of ncat 'cpu_id = 1 }')"
check_eq "ncat: event context follows sched_switch on every CPU" 0 "$(context_errors ncat)"

txt=$(cat "$TMP/ncat.txt")
check_match "ncat: server accept4 returns fd 4 from 127.0.0.1:4444" \
	'^\[11:44:41\.210043000\] \(\+0\.000001000\) tjgen-host syscall_exit_accept4: \{ cpu_id = 0 \}, \{ procname = "ncat", vtid = 2150, vpid = 2150, prio = 20 \}, \{ ret = 4, upeer_addrlen = 16, family = 2, sport = 4444, _v4addr_length = 4, v4addr = \[ \[0\] = 127, \[1\] = 0, \[2\] = 0, \[3\] = 1 \], _v6addr_length = 0, v6addr = \[ \] \}$' \
	"$txt"
check_match "ncat: client connects to 127.0.0.1:4000" \
	'^\[11:44:41\.210016000\] .* syscall_entry_connect: \{ cpu_id = 1 \}, \{ procname = "ncat", vtid = 2160, vpid = 2160, prio = 20 \}, \{ fd = 3, uservaddr = 0x7FFE81B2D6C0, addrlen = 0x10, family = 2, dport = 4000, _v4addr_length = 4, v4addr = \[ \[0\] = 127, \[1\] = 0, \[2\] = 0, \[3\] = 1 \]' \
	"$txt"
check_match "ncat: server reads the 6 bytes of hello" \
	'^\[11:44:41\.210141000\] .* syscall_exit_read: \{ cpu_id = 0 \}, \{ procname = "ncat", vtid = 2150, vpid = 2150, prio = 20 \}, \{ ret = 6, ' \
	"$txt"
check_match "ncat: then reads EOF" \
	'^\[11:44:41\.210220000\] .* syscall_exit_read: \{ cpu_id = 0 \}.*\{ ret = 0, ' "$txt"
check_match "ncat: SYN received with IPv4 and TCP headers" \
	'^\[11:44:41\.210025000\] .* net_if_receive_skb: \{ cpu_id = 1 \}, .*\{ skbaddr = 0xFFFF8F0A4C2D1A00, len = 60, name = "lo", network_header_type = \( "_ipv4" : container = 1 \), network_header = \{ \{ version = 4, ihl = 5, tos = 0, tot_len = 60, id = 0x5A3C, frag_off = 16384, ttl = 64, protocol = \( "_tcp" : container = 6 \), checksum = 0xE27D, .* saddr = \[ \[0\] = 127, \[1\] = 0, \[2\] = 0, \[3\] = 1 \], .* transport_header = \{ \{ source_port = 4444, dest_port = 4000, seq = 1103527590, ack_seq = 0, data_offset = 10, reserved = 0, flags = 0x2, window_size = 65495, checksum = 0xFE30, urg_ptr = 0 \} \} \} \} \}$' \
	"$txt"
check_match "ncat: data segment PSH|ACK with 6 bytes of payload" \
	'net_if_receive_skb: .* tot_len = 58, .* source_port = 4444, dest_port = 4000, seq = 1103527591, ack_seq = 2451162018, data_offset = 8, reserved = 0, flags = 0x18,' \
	"$txt"
check_match "ncat: loopback xmit of the SYN" \
	'^\[11:44:41\.210022500\] .* net_dev_xmit: \{ cpu_id = 1 \}, .*\{ skbaddr = 0xFFFF8F0A4C2D1A00, rc = 0, len = 74, name = "lo" \}$' \
	"$txt"
check_match "ncat: handshake wakes the server on cpu 0 from cpu 1" \
	'^\[11:44:41\.210038000\] .* sched_waking: \{ cpu_id = 1 \}, \{ procname = "ncat", vtid = 2160, vpid = 2160, prio = 20 \}, \{ comm = "ncat", tid = 2150, prio = 20, target_cpu = 0 \}$' \
	"$txt"
check_match "ncat: server blocks in accept (TASK_INTERRUPTIBLE)" \
	'^\[11:44:38\.000037000\] .* sched_switch: \{ cpu_id = 0 \}, \{ procname = "ncat", vtid = 2150, .*prev_comm = "ncat", prev_tid = 2150, prev_prio = 20, prev_state = 1, next_comm = "swapper/0", next_tid = 0, next_prio = 20 \}$' \
	"$txt"
check_match "ncat: statedump names the server and its terminal" \
	'lttng_statedump_file_descriptor: .*fd = 2, flags = 0100002, fmode = 0x1F, filename = "/dev/pts/0"' "$txt"
check_eq "ncat: event classes as documented" \
	"8 8 10 17 9 9 9 9 11 2 2" \
	"$(for e in lttng_statedump_process_state sched_waking lttng_statedump_file_descriptor \
		sched_switch net_dev_queue net_if_rx net_dev_xmit net_if_receive_skb \
		irq_softirq_entry sched_process_exit syscall_entry_exit_group; do
		count_of ncat " $e: "; done | tr '\n' ' ' | sed 's/ $//')"

gen ncat2 --scenario ncat
check "ncat: same arguments give byte-identical files" same_files ncat ncat2

gen nctx --scenario ncat --no-context --no-statedump
bt nctx
check_eq "--no-context --no-statedump: 153 events, read back" "0 153 153" \
	"$BT_RC $GEN_COUNT $(wc -l <"$TMP/nctx.txt" | tr -d ' ')"
check_eq "--no-context: no procname/vtid in events, no context in metadata" "0 0" \
	"$(count_of nctx 'vtid =') $(grep -c 'event.context' "$TMP/nctx/metadata")"

gen nsmall --scenario ncat --packet-size 4096 --discard 10
bt nsmall
check_eq "ncat with 4 KiB packets and --discard 10: same events" \
	"$(cut -d' ' -f1,4- "$TMP/ncat.txt" | md5sum)" "$(cut -d' ' -f1,4- "$TMP/nsmall.txt" | md5sum)"
check_eq "ncat --discard 10: babeltrace2 reports 10 discarded events" 10 "$(bt_discarded nsmall)"

# ---- load ---------------------------------------------------------------
gen load --scenario load --events 100000 --cpus 4
check_eq "load: tjgen exits 0 and reports 100000 events" "0 100000" "$GEN_RC $GEN_COUNT"
check_eq "load: four stream files" "channel0_0 channel0_1 channel0_2 channel0_3 metadata" \
	"$(cd "$TMP/load" && echo *)"
bt load
check_eq "load: babeltrace2 reads exactly 100000 events, no warnings" "0 100000 " \
	"$BT_RC $(wc -l <"$TMP/load.txt" | tr -d ' ') $(cat "$TMP/load.bterr")"
check_eq "load: event context follows sched_switch on every CPU" 0 "$(context_errors load)"
check_eq "load: events on all four CPUs" 4 \
	"$(sed -n 's/.*{ cpu_id = \([0-9]*\) }.*/\1/p' "$TMP/load.txt" | sort -u | wc -l | tr -d ' ')"
check "load: a kernel mix of syscalls, scheduling, interrupts and network" has_events load \
	lttng_statedump_start lttng_statedump_process_state lttng_statedump_end \
	syscall_entry_read syscall_exit_read syscall_entry_write syscall_exit_write \
	syscall_entry_poll syscall_exit_poll syscall_entry_openat syscall_exit_openat \
	syscall_entry_close syscall_exit_close syscall_entry_futex syscall_exit_futex \
	syscall_entry_epoll_wait syscall_exit_epoll_wait sched_switch sched_waking \
	sched_wakeup irq_handler_entry irq_handler_exit irq_softirq_raise \
	irq_softirq_entry irq_softirq_exit net_dev_queue net_dev_xmit net_if_receive_skb

gen load2 --scenario load --events 100000 --cpus 4
check "load: same arguments give byte-identical files" same_files load load2

gen disc --scenario load --events 100000 --discard 500
bt disc
check_eq "load --discard 500: all events still read" "0 100000" \
	"$BT_RC $(wc -l <"$TMP/disc.txt" | tr -d ' ')"
check_eq "load --discard 500: babeltrace2 reports 500 discarded events in total" 500 \
	"$(bt_discarded disc)"

# ---- errors -------------------------------------------------------------
mkdir -p "$TMP/full" && touch "$TMP/full/stale"
gen full --scenario ncat
check_eq "non-empty output directory: fails with exit 1" 1 "$GEN_RC"
check_eq "non-empty output directory: one line naming the path" \
	"tjgen: output directory '$TMP/full' is not empty" "$GEN_ERR"
check_eq "non-empty output directory: left untouched" "stale" "$(cd "$TMP/full" && echo *)"
gen usage --scenario load
check_eq "load without --events: usage error (exit 2)" 2 "$GEN_RC"

done_testing
