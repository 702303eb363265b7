/*
 * Unit tests for core/options.c and core/config.c: the option helpers, a
 * complete config file filling every field, command-line values winning
 * over the file, and the exact "'FILE':LINE:COL: problem" errors for
 * malformed YAML, unknown keys, wrong types and duplicate keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "options.h"

struct fixture {
	char dir[256];
	char path[512]; /* dir/tjconv.yaml */
	struct tj_options o;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/tj-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/tjconv.yaml", fx->dir);
	tj_options_init(&fx->o);
	tj_error_clear();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tj_options_release(&fx->o);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	tj_error_clear();
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static char *strdup_or_die(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	assert_non_null(d);
	memcpy(d, s, n);
	return d;
}

/* Load text as the config; return the status. */
static int load(struct fixture *fx, const char *text)
{
	write_file(fx->path, text);
	return tj_config_load(&fx->o, fx->path);
}

/* Load text, expect failure with message "'PATH':" followed by want. */
static void expect_error(struct fixture *fx, const char *text, const char *want)
{
	char msg[1024], full[1024];

	tj_error_clear();
	if (load(fx, text) == TJ_OK)
		fail_msg("accepted:\n%s", text);
	assert_true(tj_error_has());
	tj_error_format(msg, sizeof(msg));
	snprintf(full, sizeof(full), "'%s':%s", fx->path, want);
	assert_string_equal(msg, full);
	tj_error_clear();
}

/* Nothing of a failed load reaches the options. */
static void assert_untouched(const struct tj_options *o)
{
	assert_null(o->to);
	assert_null(o->output);
	assert_null(o->begin);
	assert_int_equal(o->clock_gmt, -1);
	assert_int_equal(o->annotations, -1);
	assert_int_equal(o->jobs, 0);
	assert_int_equal(o->nenabled, 0);
	assert_int_equal(o->nplugin_paths, 0);
	assert_int_equal(o->npids, 0);
	assert_int_equal(o->nparams, 0);
}

/* ---- options -------------------------------------------------------------- */

static void test_options_helpers(void **state)
{
	struct tj_options o;

	(void)state;
	tj_options_init(&o);
	assert_null(o.to);
	assert_int_equal(o.clock_gmt, -1);
	assert_int_equal(o.clock_seconds, -1);
	assert_int_equal(o.clock_relative, -1);
	assert_int_equal(o.annotations, -1);
	assert_int_equal(o.quiet, -1);
	assert_int_equal(o.jobs, 0);

	assert_int_equal(tj_options_add_string(&o.enabled, &o.nenabled, "a"), TJ_OK);
	assert_int_equal(tj_options_add_string(&o.enabled, &o.nenabled, "b"), TJ_OK);
	assert_int_equal(o.nenabled, 2);
	assert_string_equal(o.enabled[0], "a");
	assert_string_equal(o.enabled[1], "b");
	for (int i = 0; i < 100; i++)
		assert_int_equal(tj_options_add_int(&o.pids, &o.npids, i * 7), TJ_OK);
	assert_int_equal(o.npids, 100);
	assert_int_equal(o.pids[99], 693);

	assert_null(tj_options_borrow_param(&o, "text", "color"));
	assert_int_equal(tj_options_set_param(&o, "text", "color", "false"), TJ_OK);
	assert_int_equal(tj_options_set_param(&o, "syscalls", "color", "x"), TJ_OK);
	assert_string_equal(tj_options_borrow_param(&o, "text", "color"), "false");
	assert_int_equal(tj_options_set_param(&o, "text", "color", "true"), TJ_OK);
	assert_string_equal(tj_options_borrow_param(&o, "text", "color"), "true");
	assert_string_equal(tj_options_borrow_param(&o, "syscalls", "color"), "x");
	assert_null(tj_options_borrow_param(&o, "text", "colour"));
	assert_int_equal(o.nparams, 2);

	o.to = strdup_or_die("chrome-json");
	tj_options_release(&o);
	assert_null(o.to);
	assert_null(o.enabled);
	assert_int_equal(o.nenabled, 0);
	assert_int_equal(o.nparams, 0);
	assert_int_equal(o.clock_gmt, -1);
	tj_options_release(&o); /* releasing twice is harmless */
}

/* ---- loading -------------------------------------------------------------- */

static const char full_config[] =
	"# everything tjconv reads from a config file\n"
	"to: text                 # exporter\n"
	"output: out.txt.gz\n"
	"begin: \"11:44:38.43\"\n"
	"end: \"11:44:42.2\"\n"
	"clock: {gmt: true, seconds: false, relative: false}\n"
	"annotations: true\n"
	"jobs: 2\n"
	"plugin-path: [dir1, /abs/dir2]\n"
	"enable: [syscalls, net]\n"
	"disable:\n"
	"  - sched\n"
	"filter: {pid: [1, 2], tid: [3], comm: [ncat]}\n"
	"params:\n"
	"  text: {color: false, width: 120}\n"
	"  syscalls:\n"
	"    some-key: value\n";

static void test_full_file(void **state)
{
	struct fixture *fx = *state;
	struct tj_options *o = &fx->o;
	char want[600];

	assert_int_equal(load(fx, full_config), TJ_OK);
	assert_false(tj_error_has());
	assert_string_equal(o->to, "text");
	assert_string_equal(o->output, "out.txt.gz");
	assert_string_equal(o->begin, "11:44:38.43");
	assert_string_equal(o->end, "11:44:42.2");
	assert_int_equal(o->clock_gmt, 1);
	assert_int_equal(o->clock_seconds, 0);
	assert_int_equal(o->clock_relative, 0);
	assert_int_equal(o->annotations, 1);
	assert_int_equal(o->jobs, 2);
	assert_int_equal(o->quiet, -1);
	assert_null(o->input);
	/* Relative plugin directories are relative to the config file. */
	assert_int_equal(o->nplugin_paths, 2);
	snprintf(want, sizeof(want), "%s/dir1", fx->dir);
	assert_string_equal(o->plugin_paths[0], want);
	assert_string_equal(o->plugin_paths[1], "/abs/dir2");
	assert_int_equal(o->nenabled, 2);
	assert_string_equal(o->enabled[0], "syscalls");
	assert_string_equal(o->enabled[1], "net");
	assert_int_equal(o->ndisabled, 1);
	assert_string_equal(o->disabled[0], "sched");
	assert_int_equal(o->npids, 2);
	assert_int_equal(o->pids[0], 1);
	assert_int_equal(o->pids[1], 2);
	assert_int_equal(o->ntids, 1);
	assert_int_equal(o->tids[0], 3);
	assert_int_equal(o->ncomms, 1);
	assert_string_equal(o->comms[0], "ncat");
	assert_int_equal(o->nparams, 3);
	assert_string_equal(tj_options_borrow_param(o, "text", "color"), "false");
	assert_string_equal(tj_options_borrow_param(o, "text", "width"), "120");
	assert_string_equal(tj_options_borrow_param(o, "syscalls", "some-key"), "value");
}

static void test_command_line_wins(void **state)
{
	struct fixture *fx = *state;
	struct tj_options *o = &fx->o;

	/* As the CLI parser would have left them. */
	o->to = strdup_or_die("chrome-json");
	o->begin = strdup_or_die("2026-11-25 11:00");
	o->clock_gmt = 0;
	o->annotations = 0;
	o->jobs = 4;
	assert_int_equal(tj_options_add_string(&o->enabled, &o->nenabled, "pcap"), TJ_OK);
	assert_int_equal(tj_options_add_string(&o->plugin_paths, &o->nplugin_paths, "/cli"),
			 TJ_OK);
	assert_int_equal(tj_options_add_int(&o->pids, &o->npids, 9), TJ_OK);
	assert_int_equal(tj_options_set_param(o, "text", "color", "true"), TJ_OK);

	assert_int_equal(load(fx, full_config), TJ_OK);
	assert_string_equal(o->to, "chrome-json");
	assert_string_equal(o->begin, "2026-11-25 11:00");
	assert_string_equal(o->end, "11:44:42.2");      /* unset: from the file */
	assert_string_equal(o->output, "out.txt.gz");
	assert_int_equal(o->clock_gmt, 0);
	assert_int_equal(o->clock_seconds, 0);
	assert_int_equal(o->annotations, 0);
	assert_int_equal(o->jobs, 4);
	/* Lists: command line first, then the file. */
	assert_int_equal(o->nenabled, 3);
	assert_string_equal(o->enabled[0], "pcap");
	assert_string_equal(o->enabled[1], "syscalls");
	assert_string_equal(o->enabled[2], "net");
	assert_int_equal(o->nplugin_paths, 3);
	assert_string_equal(o->plugin_paths[0], "/cli");
	assert_int_equal(o->npids, 3);
	assert_int_equal(o->pids[0], 9);
	assert_int_equal(o->pids[1], 1);
	assert_int_equal(o->pids[2], 2);
	/* A parameter set on the command line is kept; the others are added. */
	assert_string_equal(tj_options_borrow_param(o, "text", "color"), "true");
	assert_string_equal(tj_options_borrow_param(o, "text", "width"), "120");
	assert_string_equal(tj_options_borrow_param(o, "syscalls", "some-key"), "value");
	assert_int_equal(o->nparams, 3);
}

static void test_flag_spellings_and_empties(void **state)
{
	struct fixture *fx = *state;
	struct tj_options *o = &fx->o;

	assert_int_equal(load(fx, "clock:\n  gmt: yes\n  seconds: On\n  relative: FALSE\n"
				  "annotations: no\n"
				  "enable:\n"
				  "disable: []\n"
				  "filter: {}\n"
				  "params: {text: {}}\n"
				  "begin: 1795607078.43\n"
				  "end: 2026-11-25 11:44:42\n"),
			 TJ_OK);
	assert_int_equal(o->clock_gmt, 1);
	assert_int_equal(o->clock_seconds, 1);
	assert_int_equal(o->clock_relative, 0);
	assert_int_equal(o->annotations, 0);
	assert_int_equal(o->nenabled, 0);
	assert_int_equal(o->ndisabled, 0);
	assert_int_equal(o->nparams, 0);
	assert_string_equal(o->begin, "1795607078.43");
	assert_string_equal(o->end, "2026-11-25 11:44:42");
}

static void test_empty_files(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load(fx, ""), TJ_OK);
	assert_int_equal(load(fx, "# nothing but a comment\n"), TJ_OK);
	assert_int_equal(load(fx, "---\n...\n"), TJ_OK);
	assert_untouched(&fx->o);
}

static void test_relative_plugin_path_without_dir(void **state)
{
	struct fixture *fx = *state;
	char cwd[512];

	/* A config named without a directory: entries stay relative to it (.). */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx->dir), 0);
	write_file("tjconv.yaml", "plugin-path: [plugins]\n");
	assert_int_equal(tj_config_load(&fx->o, "tjconv.yaml"), TJ_OK);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(fx->o.nplugin_paths, 1);
	assert_string_equal(fx->o.plugin_paths[0], "plugins");
}

static void test_malformed_yaml(void **state)
{
	struct fixture *fx = *state;

	expect_error(fx, "to: text\noutput: [a, b\njobs: 2\n",
		     "3:5: did not find expected ',' or ']' (while parsing a flow sequence at 2:9)");
	expect_error(fx, "to: text\n  bad: indent\n",
		     "2:6: mapping values are not allowed in this context");
	expect_error(fx, "to: text\n\tjobs: 2\n",
		     "2:1: found a tab character that violates indentation "
		     "(while scanning a plain scalar at 1:5)");
	expect_error(fx, "to: \"abc\n",
		     "2:1: found unexpected end of stream (while scanning a quoted scalar at 1:5)");
	expect_error(fx, "to: *nowhere\n", "1:5: found undefined alias");
	expect_error(fx, "to: a\nb: \xc3\n", "2:5: invalid trailing UTF-8 octet (byte 0x0A)");
	expect_error(fx, "to: a\n---\nto: b\n", "3:1: expected a single YAML document");
	assert_untouched(&fx->o);
}

static void test_unknown_keys(void **state)
{
	struct fixture *fx = *state;

	expect_error(fx, "to: text\nfrobnicate: 1\n", "2:1: unknown key 'frobnicate'");
	expect_error(fx, "clock: {gmt: true, utc: false}\n", "1:20: unknown key 'clock.utc'");
	expect_error(fx, "filter:\n  pid: [1]\n  cpu: [0]\n", "3:3: unknown key 'filter.cpu'");
	expect_error(fx, "Output: x\n", "1:1: unknown key 'Output'");
	expect_error(fx, "to: a\nto: b\n", "2:1: duplicate key 'to'");
	expect_error(fx, "params: {text: {color: a, color: b}}\n",
		     "1:27: duplicate key 'params.text.color'");
	expect_error(fx, "? [a]\n: b\n", "1:3: expected a key name, found a sequence");
	/* Nothing was applied before the error was found. */
	expect_error(fx, "to: text\njobs: 3\nenable: [x]\nbogus: 1\n", "4:1: unknown key 'bogus'");
	assert_untouched(&fx->o);
}

static void test_wrong_types(void **state)
{
	struct fixture *fx = *state;

	expect_error(fx, "- a\n- b\n", "1:1: expected a mapping, found a sequence");
	expect_error(fx, "jobs: two\n", "1:7: expected an integer for 'jobs', found 'two'");
	expect_error(fx, "jobs: \"2\"\n",
		     "1:7: expected an integer for 'jobs', found the quoted string '2'");
	expect_error(fx, "jobs: 0\n", "1:7: '0' for 'jobs' is out of range (1 to 256)");
	expect_error(fx, "jobs: 99999999999999999999\n",
		     "1:7: '99999999999999999999' for 'jobs' is out of range (1 to 256)");
	expect_error(fx, "jobs: [2]\n", "1:7: expected an integer for 'jobs', found a sequence");
	expect_error(fx, "annotations: maybe\n",
		     "1:14: expected a boolean for 'annotations', found 'maybe'");
	expect_error(fx, "annotations: \"true\"\n",
		     "1:14: expected a boolean for 'annotations', found the quoted string 'true'");
	expect_error(fx, "clock: {gmt: 1}\n", "1:14: expected a boolean for 'clock.gmt', found '1'");
	expect_error(fx, "clock: true\n", "1:8: expected a mapping for 'clock', found a scalar");
	expect_error(fx, "enable: syscalls\n",
		     "1:9: expected a sequence for 'enable', found a scalar");
	expect_error(fx, "enable: [[a]]\n",
		     "1:10: expected a string for 'enable', found a sequence");
	expect_error(fx, "plugin-path: [a, \"\"]\n", "1:18: empty string in 'plugin-path'");
	expect_error(fx, "filter: {pid: [1, x]}\n",
		     "1:19: expected an integer for 'filter.pid', found 'x'");
	expect_error(fx, "filter: {tid: [-3]}\n",
		     "1:16: '-3' for 'filter.tid' is out of range (0 to 2147483647)");
	expect_error(fx, "filter: [pid]\n", "1:9: expected a mapping for 'filter', found a sequence");
	expect_error(fx, "output: [a]\n", "1:9: expected a string for 'output', found a sequence");
	expect_error(fx, "to:\n", "1:4: expected a string for 'to', found nothing");
	expect_error(fx, "params: {text: [1]}\n",
		     "1:16: expected a mapping for 'params.text', found a sequence");
	expect_error(fx, "params: {text: {color: [1]}}\n",
		     "1:24: expected a scalar value for 'params.text.color', found a sequence");
	expect_error(fx, "params: {text: {color: ~}}\n",
		     "1:24: expected a scalar value for 'params.text.color', found nothing");
	expect_error(fx, "params: text\n", "1:9: expected a mapping for 'params', found a scalar");
	expect_error(fx, "begin: \"25:00\"\n", "1:8: malformed time '25:00' for 'begin'");
	expect_error(fx, "end: 12:3x\n", "1:6: malformed time '12:3x' for 'end'");
	assert_untouched(&fx->o);
}

static void test_unreadable_file(void **state)
{
	struct fixture *fx = *state;
	char msg[1024], want[1024], missing[600];

	snprintf(missing, sizeof(missing), "%s/missing.yaml", fx->dir);
	assert_int_equal(tj_config_load(&fx->o, missing), TJ_EIO);
	tj_error_format(msg, sizeof(msg));
	snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", missing);
	assert_string_equal(msg, want);
	tj_error_clear();
	assert_int_equal(tj_config_load(&fx->o, fx->dir), TJ_EIO);
	tj_error_format(msg, sizeof(msg));
	snprintf(want, sizeof(want), "cannot read '%s': Is a directory", fx->dir);
	assert_string_equal(msg, want);
	tj_error_clear();
	assert_untouched(&fx->o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_helpers),
		cmocka_unit_test_setup_teardown(test_full_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_line_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_spellings_and_empties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_plugin_path_without_dir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_malformed_yaml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
