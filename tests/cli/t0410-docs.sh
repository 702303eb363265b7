#!/usr/bin/env bash
# Every command and config example of README.md, doc/*.md and the man page
# runs as written, found mechanically by tests/tools/doc-examples (a new
# example is tested without touching this script).  Placeholders get the
# bundled sample: TRACE_DIR, TRACE and ~/lttng-traces/session/kernel are
# share/samples/ncat-journey, tjgen's DIR a fresh directory, N 1000, K 2,
# [options] nothing; STUB.xml Trace Compass's stub of ../shared/conformance; myplugin.c is tests/plugins/exporter_count.c (exporter
# "count", the man page's myexporter).  Plain `tjconv`/`tjgen` are the
# build's (as after `make install`), build/bin/ is the build directory.
# Commands that cannot run inside the suite are checked as far as they can
# be: tools/install-deps (needs apt and root) for shell syntax and its
# sudo-only-when-not-root rule, `make check` (this suite) and install
# targets with make -n, `make demo` runs for real and must show its command.
# A config example is written to a file and run with --config.
. "${TJ_TOP:-.}/tests/lib/tap.sh"
TJ_BUILD=$(cd "$TJ_BUILD" && pwd -P)
TJ_TOP=$(cd "$TJ_TOP" && pwd -P)
require_tool python3 babeltrace2
SAMPLE=$TJ_TOP/share/samples/ncat-journey
mapfile -d '' EX < <(python3 "$TJ_TOP/tests/tools/doc-examples" "$TJ_TOP")
plan $((${#EX[@]} + 3))

check "the extractor finds the README's, doc/*.md's and the man page's examples" \
	test "$(printf '%s\n' "${EX[@]}" | grep -P '^(cmd|yaml)\t' | cut -f2 | cut -d: -f1 | LC_ALL=C sort -u | tr '\n' ' ')" = \
	"README.md doc/analysis.md doc/chrome-json.md doc/config.md doc/pcap.md doc/stats.md doc/tjconv.1 doc/tjgen.md doc/tracecompass-xml.md "

W=$TMP/work
mkdir -p "$W/bin" "$W/pc" "$W/plugins" "$W/my-plugins"
ln -s "$TJ_BUILD/bin/tjconv" "$TJ_BUILD/bin/tjgen" "$W/bin/"
ln -s "$TJ_BUILD" "$W/build"
printf 'Name: tjconv-plugin\nDescription: tjconv plugin ABI\nVersion: 0\nCflags: -I%s/include -fvisibility=hidden\n' \
	"$TJ_TOP" >"$W/pc/tjconv-plugin.pc"
cp "$TJ_TOP/tests/plugins/exporter_count.c" "$W/myplugin.c"
i=0
for rec in "${EX[@]}"; do
	kind=${rec%%$'\t'*}
	rest=${rec#*$'\t'}
	where=${rest%%$'\t'*}
	text=${rest#*$'\t'}
	i=$((i + 1))
	if [ "$kind" = yaml ]; then
		printf '%s' "$text" >"$W/example$i.yaml"
		out=$(cd "$W" && tjconv_out=$("$TJ_BUILD/bin/tjconv" --config "example$i.yaml" "$SAMPLE" 2>&1); echo "rc=$? $tjconv_out")
		check_match "$where: the config example runs (--config)" '^rc=0' "$out"
		continue
	fi
	cmd=$(printf '%s' "$text" | sed -e "s|~/lttng-traces/session/kernel|$SAMPLE|g" \
		-e "s|\\bTRACE_DIR\\b|$SAMPLE|g" -e "s|\\bTRACE\\b|$SAMPLE|g" \
		-e "s|-o DIR|-o gen$i|g" -e 's|\[options\]||g' -e 's|\[--cpus K\]|--cpus 2|g' \
		-e 's|--events N|--events 1000|g' -e 's|--to myexporter|--to count|g' \
		-e "s|STUB\\.xml|$TRACES/../conformance/tc-thread-status/lttng_kernel_analysis.xml|g" -e 's/| less/| cat/g' -e 's/[[:space:]]\{2,\}#.*$//')
	case "$cmd" in
	"tools/install-deps"*)
		check "$where: tools/install-deps is valid sh, uses sudo only when not root" \
			sh -c "sh -n '$TJ_TOP/tools/install-deps' && grep -q '\"\$(id -u)\" = 0 ] || SUDO=sudo' '$TJ_TOP/tools/install-deps' && ! printf '%s' '$cmd' | grep -q '^sudo'"
		;;
	"make check"* | "make install"* | "make uninstall"*)
		check "$where: '$cmd' is a make target (make -n)" \
			sh -c 'make -s -n -C "$0" "$@" >/dev/null' "$TJ_TOP" ${cmd#make } BUILD="$TJ_BUILD" DESTDIR="$W/destdir"
		;;
	*)
		out=$(cd "$W" && PATH="$W/bin:$PATH" PKG_CONFIG_PATH="$W/pc" bash -c "set -o pipefail; $cmd" 2>&1)
		rc=$?
		check_match "$where: '$cmd' runs (exit 0)" '.' "$([ $rc = 0 ] && echo ok)"
		[ $rc = 0 ] || printf '%s\n' "$out" | head -5 | sed 's/^/#   /'
		;;
	esac
done

out=$(make -s -C "$TJ_TOP" demo BUILD="$TJ_BUILD" 2>&1)
check_match "make demo shows the command it ran" "^\\\$ .*tjconv -q share/samples/ncat-journey --comm ncat" "$out"
check_match "the README's set-up command has no sudo in it" '^    tools/install-deps && make demo' \
	"$(cat "$TJ_TOP/README.md")"
done_testing
