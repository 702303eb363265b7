# Real LTTng daemons for the live tests (sourced after tap.sh, before plan).
#
# Every daemon runs in its own mount namespace with a private /run/lttng and
# /dev/shm (a root session daemon would otherwise use the machine's
# /var/run/lttng, shared with anything else on it), and a session daemon
# also in its own UTS namespace: its hostname is the "host" a trace names.
# Each has its own LTTNG_HOME under $TMP.  Everything started is recorded
# by pid and stopped on exit, even when a test fails midway.
#
#   lt_require                  skip (or fail under CI) without the tools/root
#   lt_relayd                   start a relay; sets LT_CTRL LT_DATA LT_LIVE LT_RELAY_OUT
#   lt_host NAME                start a session daemon as host NAME
#   lt_in NAME CMD...           run CMD on host NAME (lttng, the traced program)
#   lt_session NAME SESSION     a live session to the relay, tjlive:* enabled, started
#   lt_prog                     compile the traced program (tjlive:tick events) -> $LT_PROG
#   lt_wait_for TIMEOUT CMD...  until CMD succeeds (a poll of an observable condition)
#   lt_clients SESSION          viewers attached to SESSION, per the relay
#   lt_stop_pid PID             stop one daemon we started

LT_PIDS=()
LT_HOST_NAMES=()
LT_HOST_PIDS=()

lt_cleanup() {
	local p c
	for p in "${LT_PIDS[@]}"; do
		# a session daemon's consumer daemons go with it
		for c in $(pgrep -P "$p" 2>/dev/null); do kill -9 "$c" 2>/dev/null; done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap lt_cleanup EXIT

lt_require() {
	require_tool lttng lttng-sessiond lttng-relayd babeltrace2 cc unshare nsenter python3 pgrep
	[ "$(id -u)" = 0 ] || skip_all "the live tests start daemons in namespaces: run as root"
	# a container without CAP_SYS_ADMIN refuses namespaces and mounts: no
	# package can fix that, so it is a visible skip, not a CI failure
	unshare -mu sh -c 'mount -t tmpfs none /dev/shm' 2>/dev/null ||
		skip_env "this machine refuses mount/UTS namespaces (unshare -mu, mount): the live tests need them"
	printf "#include <lttng/tracepoint.h>\n" | cc -E -x c - >/dev/null 2>&1 || skip_all "liblttng-ust-dev not installed"
	mkdir -p /run/lttng
}

lt_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# lt_wait_for TIMEOUT_S CMD...: poll CMD every 50 ms until it succeeds.
lt_wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

lt_relay_up() {
	babeltrace2 query src.ctf.lttng-live sessions -p "url=\"net://127.0.0.1:$LT_LIVE\"" >/dev/null 2>&1
}

lt_relayd() {
	LT_CTRL=$(lt_free_port) LT_DATA=$(lt_free_port) LT_LIVE=$(lt_free_port)
	LT_RELAY_OUT=$TMP/relay
	mkdir -p "$LT_RELAY_OUT" "$TMP/relay-home"
	LTTNG_HOME=$TMP/relay-home unshare -m sh -c 'mount -t tmpfs none /run/lttng && exec "$@"' sh \
		lttng-relayd -C "tcp://127.0.0.1:$LT_CTRL" -D "tcp://127.0.0.1:$LT_DATA" \
		-L "tcp://127.0.0.1:$LT_LIVE" -o "$LT_RELAY_OUT" >"$TMP/relayd.log" 2>&1 &
	LT_RELAY_PID=$!
	disown "$LT_RELAY_PID" # no "Killed" job notice when cleanup stops it
	LT_PIDS+=("$LT_RELAY_PID")
	lt_wait_for 20 lt_relay_up
}

lt_gone() { ! kill -0 "$1" 2>/dev/null; }
lt_stop_pid() {
	kill "$1" 2>/dev/null
	lt_wait_for 20 lt_gone "$1"
}

lt_host_pid() {
	local i
	for i in "${!LT_HOST_NAMES[@]}"; do
		[ "${LT_HOST_NAMES[$i]}" = "$1" ] && echo "${LT_HOST_PIDS[$i]}"
	done
}

lt_host() {
	local name=$1 home=$TMP/home-$1 pid
	mkdir -p "$home"
	pid=$(LTTNG_HOME=$home unshare -mu sh -c '
		mount -t tmpfs none /run/lttng && mount -t tmpfs none /dev/shm && hostname "$1" &&
		lttng-sessiond --daemonize --no-kernel >/dev/null 2>&1 &&
		cat /run/lttng/lttng-sessiond.pid' sh "$name") || return 1
	[ -n "$pid" ] || return 1
	LT_PIDS+=("$pid")
	LT_HOST_NAMES+=("$name")
	LT_HOST_PIDS+=("$pid")
}

lt_in() {
	local pid name=$1
	pid=$(lt_host_pid "$1")
	shift
	# nsenter starts in the namespace's root: give the working directory
	nsenter -t "$pid" -m -u --wd="$PWD" env LTTNG_HOME="$TMP/home-$name" "$@"
}

lt_session() {
	lt_in "$1" lttng create "$2" --live=100000 --set-url="net://127.0.0.1:$LT_CTRL:$LT_DATA" >/dev/null &&
		lt_in "$1" lttng enable-event -u 'tjlive:*' >/dev/null &&
		lt_in "$1" lttng add-context -u -t vpid -t vtid -t procname >/dev/null &&
		lt_in "$1" lttng start >/dev/null
}

# lt_clients SESSION: how many viewers the relay counts on SESSION.
lt_clients() {
	babeltrace2 --input-format=lttng-live "net://127.0.0.1:$LT_LIVE" 2>/dev/null |
		sed -n "s|^net://[^ ]*/$1 (.* \([0-9]*\) client(s) connected)\$|\1|p"
}

lt_clients_are() { [ "$(lt_clients "$1")" = "$2" ]; }

lt_prog() {
	mkdir -p "$TMP/prog"
	cat >"$TMP/prog/tp.h" <<'EOF'
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER tjlive
#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./tp.h"
#if !defined(TJLIVE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define TJLIVE_TP_H
#include <lttng/tracepoint.h>
LTTNG_UST_TRACEPOINT_EVENT(tjlive, tick,
	LTTNG_UST_TP_ARGS(int, seq, const char *, tag),
	LTTNG_UST_TP_FIELDS(lttng_ust_field_integer(int, seq, seq)
			    lttng_ust_field_string(tag, tag)))
#endif
#include <lttng/tracepoint-event.h>
EOF
	cat >"$TMP/prog/prog.c" <<'EOF'
/* Emits N tjlive:tick events tagged TAG, prints how many. */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "tp.h"
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	const char *tag = argc > 2 ? argv[2] : "x";
	for (int i = 0; i < n; i++)
		lttng_ust_tracepoint(tjlive, tick, i, tag);
	printf("%d\n", n);
	return 0;
}
EOF
	LT_PROG=$TMP/prog/prog
	(cd "$TMP/prog" && cc -I. -o prog prog.c -llttng-ust -ldl)
}
