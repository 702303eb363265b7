# Minimal TAP helpers for the CLI tests (sourced).  Each script calls
# plan N, then ok/not_ok through check_* helpers, and exits via done_testing.
TJ_BUILD=${TJ_BUILD:-build}
TJ_TOP=${TJ_TOP:-$(pwd)}
TJCONV="$TJ_BUILD/bin/tjconv"
TJGEN="$TJ_BUILD/bin/tjgen"
TRACES="$TJ_TOP/../shared/traces"
_tap_n=0
_tap_fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tjtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

plan() { echo "1..$1"; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
# skip REASON: a test that cannot run here (TAP directive, counted by prove).
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; }
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
done_testing() { exit $((_tap_fail > 0)); }
have_shared() { [ -d "$TRACES" ]; }
# missing REASON: something a test needs is absent: a failure under CI=true,
# a visible skip otherwise.
missing() { if [ "${CI:-}" = true ]; then not_ok "$* (CI=true)"; else skip "$*"; fi; }
