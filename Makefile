# tjconv top-level Makefile: `make`, `make check`, `make install`, `make demo`, `make bench`.
include config.mk

ifeq ($(V),1)
Q =
else
Q = @
endif

PKGS_CORE = babeltrace2 yaml-0.1 zlib
PKGS_ALL = $(PKGS_CORE) libxml-2.0 libpcap
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS_CORE) 2>/dev/null)
DEPS_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS_CORE) 2>/dev/null)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
# tjgen writes the ncat scenario's capture (--pcap) with libpcap's dumper
TJGEN_LIBS := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
# the packets analyzer reads captures (--pcap) with libpcap, .gz through zlib
packets_LIBS := $(shell $(PKG_CONFIG) --libs libpcap zlib 2>/dev/null || echo -lpcap -lz)

VERSION := $(shell cat VERSION)
CPPFLAGS += -Iinclude -Icore -D_GNU_SOURCE -DTJ_VERSION='"$(VERSION)"' \
	-DTJ_PLUGINDIR='"$(PLUGINDIR)"' -DTJ_DATADIR='"$(DATADIR)"'
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(SANFLAGS) -fPIC $(DEPS_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

OBJ = $(BUILD)/obj
CORE_SRC := $(filter-out core/main.c,$(wildcard core/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(OBJ)/%.o)
CORE_LIB := $(BUILD)/libtjcore.a

# Plugins are built exactly as a third party builds one: only the public
# headers and the flags tjconv-plugin.pc gives (-I, -fvisibility=hidden,
# -fPIC), no core header, no core object (tests/cli/t0060 rebuilds them
# against an installed tjconv to prove it).
PLUGIN_CPPFLAGS = -Iinclude
PLUGIN_CFLAGS = -std=c11 $(OPT) $(WARN) $(SANFLAGS) -fPIC -fvisibility=hidden $(CFLAGS)

# Each directory under plugins/ and converters/ is one dlopen'd plugin.
PLUGIN_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard plugins/*/*.c converters/*/*.c))))
# Plugins built as a third party would build them: from include/tjconv alone,
# without -Icore (a core header fails to compile) and without core objects.
PLUGIN_SO := $(foreach d,$(PLUGIN_DIRS),$(BUILD)/lib/tjconv/$(notdir $(d)).so)
# Per-plugin link libraries (NAME_LIBS): the stats exporter's standard deviations.
stats_LIBS := -lm

TEST_PLUGIN_SRC := $(wildcard tests/plugins/*.c)
TEST_PLUGIN_SO := $(TEST_PLUGIN_SRC:tests/plugins/%.c=$(BUILD)/tests/plugins/%.so)
# ABI fixtures: built against the old headers kept in tests/abi/vX.Y.
ABI_FIXTURE_SO := $(BUILD)/tests/abi/abi20.so
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
TJGEN_SRC := $(wildcard tools/tjgen/*.c)
TJGEN_OBJ := $(TJGEN_SRC:%.c=$(OBJ)/%.o)

TJCONV := $(BUILD)/bin/tjconv
TJGEN := $(BUILD)/bin/tjgen

.PHONY: all check check-build mutation-check unit-check cli-check install uninstall clean demo bench deps viewer-check
# The SDK examples (share/examples/*/): copied next to the build's binary as
# an install would put them, so `tjconv new-plugin` (which copies them) works
# from the build tree; the examples are the new-plugin templates, one copy.
EXAMPLE_SRC := $(wildcard share/examples/*/*)
EXAMPLE_BUILT := $(EXAMPLE_SRC:share/examples/%=$(BUILD)/share/tjconv/examples/%)
EXAMPLE_DIRS := $(notdir $(patsubst %/,%,$(sort $(dir $(EXAMPLE_SRC)))))

# The bundled analyses (share/analyses/*.yaml), where --analysis NAME finds
# them: next to the build's binary as an install puts them under DATADIR.
ANALYSES_SRC := $(wildcard share/analyses/*.yaml)
ANALYSES_BUILT := $(ANALYSES_SRC:share/analyses/%=$(BUILD)/share/tjconv/analyses/%)

all: $(TJCONV) $(PLUGIN_SO) $(TJGEN) $(BUILD)/tjconv-plugin.pc $(EXAMPLE_BUILT) $(ANALYSES_BUILT)

$(BUILD)/share/tjconv/analyses/%: share/analyses/%
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(BUILD)/share/tjconv/examples/%: share/examples/%
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/plugins/%.o: plugins/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(PLUGIN_CPPFLAGS) $(PLUGIN_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/converters/%.o: converters/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(PLUGIN_CPPFLAGS) $(PLUGIN_CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(TJCONV): $(OBJ)/core/main.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPS_LIBS) -ldl -lpthread

$(TJGEN): $(TJGEN_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TJGEN_LIBS)

# plugins/analysis reads Trace Compass XML (libxml2) and YAML (libyaml).
analysis_LIBS := $(shell $(PKG_CONFIG) --libs libxml-2.0 yaml-0.1 2>/dev/null)
$(OBJ)/plugins/analysis/%.o: PLUGIN_CPPFLAGS += $(shell $(PKG_CONFIG) --cflags libxml-2.0 yaml-0.1 2>/dev/null)

# The Trace Compass XML exporter writes with libxml2's xmlTextWriter.
tracecompass-xml_LIBS := $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null)
$(OBJ)/converters/tracecompass-xml/%.o: PLUGIN_CFLAGS += $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null)

define plugin_rule
$(BUILD)/lib/tjconv/$(notdir $(1)).so: $(patsubst %.c,$(OBJ)/%.o,$(wildcard $(1)/*.c))
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) -shared $$(ALL_LDFLAGS) -o $$@ $$^ $$($(notdir $(1))_LIBS)
endef
$(foreach d,$(PLUGIN_DIRS),$(eval $(call plugin_rule,$(d))))
# the extra libraries of plugin NAME (tests/cli/t0060 links an out-of-tree build with them)
plugin-libs-%:
	@echo $($*_LIBS)

# Test plugins and unit tests are compiled and linked in one step; -MMD -MP
# write a .d file (under $(OBJ), read by the -include at the end) listing
# every header and .c they #include (test_jsonw.c includes
# converters/chrome-json/jsonw.c), so an edit rebuilds them.
DEPFILE = $(OBJ)/$(patsubst $(BUILD)/%,%,$@).d
DEPFLAGS = -MMD -MP -MF $(DEPFILE) -MT $@

$(BUILD)/tests/plugins/%.so: tests/plugins/%.c include/tjconv/plugin.h
	@mkdir -p $(dir $@) $(dir $(DEPFILE))
	$(Q)$(CC) $(PLUGIN_CPPFLAGS) $(PLUGIN_CFLAGS) $(DEPFLAGS) -shared -o $@ $<

$(BUILD)/tests/abi/abi20.so: tests/abi/abi20.c tests/abi/v2.0/tjconv/plugin.h
	@mkdir -p $(dir $@) $(dir $(DEPFILE))
	$(Q)$(CC) -Itests/abi/v2.0 $(PLUGIN_CFLAGS) $(DEPFLAGS) -shared -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(CORE_LIB)
	@mkdir -p $(dir $@) $(dir $(DEPFILE))
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< $(CORE_LIB) \
		$(CMOCKA_LIBS) $(DEPS_LIBS) -ldl -lpthread

$(BUILD)/tjconv-plugin.pc: tjconv-plugin.pc.in VERSION
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@PLUGINDIR@|$(PLUGINDIR)|; s|@VERSION@|$(VERSION)|; s|@DATADIR@|$(DATADIR)|' $< > $@

check: check-build
	$(Q)tests/run-tests $(BUILD)

# Everything the tests need, built but not run (tests/mutation/run).
check-build: all $(TEST_PLUGIN_SO) $(ABI_FIXTURE_SO) $(UNIT_BIN)

# Apply each deliberate bug of tests/mutation/mutants.py, expect the suite to
# fail on it: "N killed, M survived".  Slow; not part of check.
mutation-check:
	$(Q)tests/mutation/run

SAMPLE = share/samples/ncat-journey
demo: all
	@echo "== $(SAMPLE): an ncat server accepting 127.0.0.1:4444, reading hello, closing on FIN"
	@echo "== what the syscalls analyzer says about ncat, fields elided:"
	@echo "\$$ $(TJCONV) -q $(SAMPLE) --comm ncat --clock-gmt | grep ' => '"
	$(Q)$(TJCONV) -q $(SAMPLE) --comm ncat --clock-gmt | grep ' => ' | sed -e 's/: { cpu_id.* => / => /'
	@echo "== every event: $$($(TJCONV) -q $(SAMPLE) | grep -c '^\[') (babeltrace2 counts $$(babeltrace2 $(SAMPLE) | wc -l)); full timeline: $(TJCONV) $(SAMPLE)"

bench: all
	$(Q)bench/run
	$(Q)bench/profile

viewer-check: all
	$(Q)tests/viewer/check

deps:
	$(Q)tools/install-deps

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(INCLUDEDIR)/tjconv \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(TJCONV) $(TJGEN) $(DESTDIR)$(BINDIR)/
	install -m 644 $(PLUGIN_SO) $(DESTDIR)$(PLUGINDIR)/
	install -m 644 include/tjconv/*.h $(DESTDIR)$(INCLUDEDIR)/tjconv/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@PLUGINDIR@|$(PLUGINDIR)|; s|@VERSION@|$(VERSION)|; s|@DATADIR@|$(DATADIR)|' \
		tjconv-plugin.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/tjconv-plugin.pc
	install -m 644 doc/tjconv.1 $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(MANDIR)/man7
	install -m 644 doc/tjconv-plugin.7 $(DESTDIR)$(MANDIR)/man7/
	for d in $(EXAMPLE_DIRS); do \
		install -d $(DESTDIR)$(DATADIR)/examples/$$d && \
		install -m 644 share/examples/$$d/* $(DESTDIR)$(DATADIR)/examples/$$d/ || exit 1; \
	done
	install -d $(DESTDIR)$(DATADIR)/analyses $(DESTDIR)$(DATADIR)/schemas
	install -m 644 $(ANALYSES_SRC) $(DESTDIR)$(DATADIR)/analyses/
	install -m 644 schemas/tjconv-analysis.schema.json $(DESTDIR)$(DATADIR)/schemas/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tjconv $(DESTDIR)$(BINDIR)/tjgen
	rm -f $(addprefix $(DESTDIR)$(PLUGINDIR)/,$(notdir $(PLUGIN_SO)))
	-rmdir $(DESTDIR)$(PLUGINDIR)
	rm -rf $(DESTDIR)$(INCLUDEDIR)/tjconv
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/tjconv-plugin.pc $(DESTDIR)$(MANDIR)/man1/tjconv.1
	rm -f $(DESTDIR)$(MANDIR)/man7/tjconv-plugin.7
	rm -rf $(addprefix $(DESTDIR)$(DATADIR)/examples/,$(EXAMPLE_DIRS))
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/analyses/,$(notdir $(ANALYSES_SRC)))
	rm -f $(DESTDIR)$(DATADIR)/schemas/tjconv-analysis.schema.json
	-rmdir $(DESTDIR)$(DATADIR)/analyses $(DESTDIR)$(DATADIR)/schemas
	-rmdir $(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# libFuzzer targets: make fuzz FUZZ_SECONDS=N (tests/fuzz/fuzz.mk)
include tests/fuzz/fuzz.mk
