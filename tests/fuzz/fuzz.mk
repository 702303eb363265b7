# libFuzzer targets (included by the top Makefile): `make fuzz FUZZ_SECONDS=N`
# builds every tests/fuzz/fuzz_*.c with clang (-fsanitize=fuzzer,address,
# undefined) into $(FUZZ_BUILD) and runs each for N seconds on a corpus
# seeded from tests/fuzz/seeds/NAME (plus the shared reference metadata for
# tsdl), printing "fuzz NAME: E executions, C crashes".  A crash stops the
# run (exit 1) and leaves its input in $(FUZZ_BUILD)/crashes/: it then
# becomes a regression seed in tests/fuzz/seeds/NAME.
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -g -O1 -fno-omit-frame-pointer $(WARN) -Wno-format-nonliteral $(FUZZ_SAN) $(DEPS_CFLAGS)
FUZZ_CORE_OBJ := $(CORE_SRC:core/%.c=$(FUZZ_BUILD)/obj/core/%.o)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
# Which sources besides the core a target links (plugins are built alone).
FUZZ_EXTRA_jsonw = converters/chrome-json/jsonw.c
FUZZ_EXTRA_header = plugins/packets/header.c
FUZZ_INC_jsonw = -Iconverters/chrome-json
FUZZ_INC_header = -Iplugins/packets

.PHONY: fuzz fuzz-build
.PRECIOUS: $(FUZZ_BUILD)/obj/core/%.o
fuzz-build: $(FUZZ_BIN)

$(FUZZ_BUILD)/obj/core/%.o: core/%.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_CORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_INC_$*) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< \
		$(FUZZ_EXTRA_$*) $(FUZZ_CORE_OBJ) $(DEPS_LIBS) -ldl -lpthread -lm -o $@

fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/crashes
	$(Q)fail=0; for n in $(FUZZ_NAMES); do \
		c=$(FUZZ_BUILD)/corpus/$$n; mkdir -p $$c; cp tests/fuzz/seeds/$$n/* $$c/ 2>/dev/null; \
		if [ $$n = tsdl ] && [ -f ../shared/traces/reference-metadata/lttng-modules-2.13.8-kernel.tsdl ]; then \
			cp ../shared/traces/reference-metadata/lttng-modules-2.13.8-kernel.tsdl $$c/; fi; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(FUZZ_BUILD)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crashes/$$n- $$c >$(FUZZ_BUILD)/$$n.log 2>&1; rc=$$?; \
		execs=$$(sed -n "s/^stat::number_of_executed_units: *//p" $(FUZZ_BUILD)/$$n.log | tail -1); \
		crashes=$$(ls $(FUZZ_BUILD)/crashes/$$n-* 2>/dev/null | wc -l); \
		echo "fuzz $$n: $${execs:-0} executions, $$crashes crashes (exit $$rc, log $(FUZZ_BUILD)/$$n.log)"; \
		[ $$rc = 0 ] && [ $$crashes = 0 ] || fail=1; \
	done; exit $$fail
