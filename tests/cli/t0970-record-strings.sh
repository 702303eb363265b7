#!/usr/bin/env bash
# Records are copied before the analyzer that emitted them returns: the core
# keeps a plugin's string literals (read-only segment) by pointer and copies
# every other string.  A test analyzer, compiled here against the public
# headers, emits an instant per sched_switch whose name, category, arg key
# and arg value live in a heap buffer and on the stack, next to literal ones,
# then overwrites all of them with 'X' before returning.  The chrome-json
# output must carry the strings as they were at emit time, for every
# sched_switch babeltrace2 reports, in order; a literal arriving by pointer
# must survive too.
. "$(dirname "$0")/../lib/tap.sh"
require_tool cc babeltrace2 python3
plan 5

cat >"$TMP/volatile.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tjconv/plugin.h"

struct cls {
	tj_field next_tid, prev_tid;
	struct cls *next;
};
struct st {
	const struct tj_host *host;
	struct tj_plugin *self;
	char *heap; /* reused for every event, like a plugin's scratch buffer */
	struct cls *classes;
};

static enum tj_status vs_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct st *s = calloc(1, sizeof(*s));
	if (!s || !(s->heap = malloc(64))) {
		free(s);
		return TJ_ENOMEM;
	}
	s->host = host;
	s->self = self;
	*state = s;
	return TJ_OK;
}

static enum tj_status vs_class(void *state, const struct tj_event_class *c, void **data)
{
	struct st *s = state;
	struct cls *k = malloc(sizeof(*k));
	if (!k)
		return TJ_ENOMEM;
	k->next_tid = s->host->field_lookup(c, "next_tid");
	k->prev_tid = s->host->field_lookup(c, "prev_tid");
	k->next = s->classes;
	s->classes = k;
	*data = k;
	return TJ_OK;
}

static enum tj_status vs_event(void *state, const struct tj_event *ev, void *data)
{
	struct st *s = state;
	struct cls *k = data;
	int64_t next = -1, prev = -1;
	char cat[16], key[16], val[32];
	s->host->field_int(ev, k->next_tid, &next);
	s->host->field_int(ev, k->prev_tid, &prev);
	snprintf(s->heap, 64, "vs-%lld", (long long)next);
	snprintf(cat, sizeof(cat), "vcat");
	snprintf(key, sizeof(key), "vkey");
	snprintf(val, sizeof(val), "vval-%lld", (long long)prev);
	struct tj_arg args[] = {TJ_ARG_S(key, val), TJ_ARG_S("lit", "literal-value"),
				TJ_ARG_I("n", next)};
	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_INSTANT,
		.category = cat,
		.name = s->heap,
		.ts = ev->ts,
		.pid = -1,
		.tid = -1,
		.cpu = -1,
		.track = TJ_TRACK_GLOBAL,
		.nargs = 3,
		.args = args,
	};
	enum tj_status rc = s->host->emit(s->self, &r);
	memset(s->heap, 'X', 63);
	memset(cat, 'X', sizeof(cat) - 1);
	memset(key, 'X', sizeof(key) - 1);
	memset(val, 'X', sizeof(val) - 1);
	return rc;
}

static void vs_fini(void *state)
{
	struct st *s = state;
	while (s->classes) {
		struct cls *k = s->classes;
		s->classes = k->next;
		free(k);
	}
	free(s->heap);
	free(s);
}

static const char *const subs[] = {"sched_switch", NULL};
static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = sizeof(struct tj_plugin_desc),
	.name = "volatile_strings",
	.version = "1.0",
	.description = "test analyzer: records whose strings change after emit",
	.kind = TJ_KIND_ANALYZER,
	.subscriptions = subs,
	.init = vs_init,
	.on_class = vs_class,
	.on_event = vs_event,
	.fini = vs_fini,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
C
mkdir -p "$TMP/plug"
check "the test analyzer builds against the public headers" \
	cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -I"$TJ_TOP/include" \
	"$TMP/volatile.c" -o "$TMP/plug/volatile_strings.so"

trace="$TMP/ncat"
"$TJ_BUILD/bin/tjgen" --scenario ncat -o "$trace" >/dev/null 2>&1
check "tjconv runs the test analyzer" "$TJ_BUILD/bin/tjconv" -q "$trace" --plugin-path "$TMP/plug" \
	--enable volatile_strings --to chrome-json -o "$TMP/out.json"
babeltrace2 "$trace" >"$TMP/bt.txt"

# Expected: babeltrace2's sched_switch events, in order (prev_tid, next_tid).
cat >"$TMP/check.py" <<'PY'
import json, re, sys
want = []
for line in open(sys.argv[1]):
    if " sched_switch: " not in line:
        continue
    f = dict(re.findall(r"(\w+) = (-?\d+)", line))
    want.append((int(f["prev_tid"]), int(f["next_tid"])))
got = [e for e in json.load(open(sys.argv[2]))["traceEvents"] if e.get("cat") == "vcat"]
mode = sys.argv[3]
if mode == "count":
    print(len(want), len(got))
    sys.exit(0 if want and len(want) == len(got) else 1)
bad = 0
for (prev, nxt), e in zip(want, got):
    a = e.get("args", {})
    if mode == "copied":
        ok = e["name"] == "vs-%d" % nxt and a.get("vkey") == "vval-%d" % prev and a.get("n") == nxt
    else:
        ok = a.get("lit") == "literal-value"
    bad += not ok
print(bad)
sys.exit(1 if bad else 0)
PY
check "one instant per sched_switch babeltrace2 reports" python3 "$TMP/check.py" "$TMP/bt.txt" "$TMP/out.json" count
check "heap and stack strings arrive as they were at emit time, in order" \
	python3 "$TMP/check.py" "$TMP/bt.txt" "$TMP/out.json" copied
check "literal strings arrive intact" python3 "$TMP/check.py" "$TMP/bt.txt" "$TMP/out.json" literal
