# Minimal TAP helpers for the CLI tests (sourced).  Each script declares its
# plan first (plan N, before any test), then ok/not_ok through the check_*
# helpers, and exits via done_testing.
#
# What a test needs but cannot find (the shared traces, a tool): with
# CI=true that is a failure (CI must run everything); otherwise a visible
# TAP skip.  Whole script: require_shared / require_tool before the plan.
# Some tests of a script: "if have_shared; then ...; else skip_n N REASON; fi".
TJ_BUILD=${TJ_BUILD:-build}
TJ_TOP=${TJ_TOP:-$(pwd)}
TJCONV="$TJ_BUILD/bin/tjconv"
TJGEN="$TJ_BUILD/bin/tjgen"
# TJ_TRACES overrides where the shared traces are (an absent folder shows
# what a checkout without ../shared does).
TRACES=${TJ_TRACES:-"$TJ_TOP/../shared/traces"}
_tap_n=0
_tap_fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tjtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

_tap_plan=
plan() { _tap_plan=$1; echo "1..$1"; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
# skip REASON: a test that cannot run here (TAP directive, counted by prove).
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; }
in_ci() { [ "${CI:-}" = true ]; }
# skip_n N REASON: N tests that cannot run for want of something required
# (shared traces, a tool): skips, or failures under CI=true.
skip_n() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		if in_ci; then not_ok "$* (required when CI=true)"; else skip "$*"; fi
	done
}
# skip_all REASON: the whole script cannot run (call before plan).
skip_all() {
	if in_ci; then
		echo "1..1"
		echo "not ok 1 - $* (required when CI=true)"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}
# skip_env REASON: the whole script cannot run because the machine refuses
# something no package provides (a kernel capability such as namespaces):
# a visible SKIP even under CI=true, where a missing package or ../shared
# is a failure instead.
skip_env() {
	echo "1..0 # SKIP $*"
	exit 0
}
# require_shared: the script needs ../shared/traces (call before plan).
require_shared() { have_shared || skip_all "no shared traces in $TRACES"; }
# require_tool NAME...: the script needs these commands (call before plan).
require_tool() {
	local t
	for t; do
		command -v "$t" >/dev/null 2>&1 || skip_all "$t not installed"
	done
}
not_ok() { _tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1)); echo "not ok $_tap_n - $*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   expected: '$2'"; echo "#   got:      '$3'"; fi
}
# check_match DESCRIPTION REGEX TEXT (grep -E)
check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1"; echo "#   no match for /$2/ in:"; printf '%s\n' "$3" | head -5 | sed 's/^/#     /'; fi
}
# done_testing: exit status; a count that differs from the plan fails too.
done_testing() {
	if [ -z "$_tap_plan" ]; then
		echo "# no plan declared before the tests"
		exit 1
	fi
	if [ "$_tap_n" != "$_tap_plan" ]; then
		echo "# planned $_tap_plan tests, ran $_tap_n"
		exit 1
	fi
	exit $((_tap_fail > 0))
}
have_shared() { [ -d "$TRACES" ]; }
# missing REASON: something a test needs is absent: a failure under CI=true,
# a visible skip otherwise.
missing() { if [ "${CI:-}" = true ]; then not_ok "$* (CI=true)"; else skip "$*"; fi; }
