/*
 * libbabeltrace2 errors into our one-line error chain.  babeltrace2 2.0
 * often appends only a generic cause ("Cannot create trace") while the
 * reason ("At line 9 in metadata stream: ...") goes to its log; the
 * log-capture helpers redirect stderr around the call that fails and pick
 * the root message and the stream file it names, and
 * tj_bt_diagnose_source turns them into the reason a trace cannot be opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#include "bt_errors.h"
#include "error.h"

/* Append the root cause libbabeltrace2 recorded (the most specific one),
 * trimmed to one line. */
void tj_bt_error_take(void)
{
	const bt_error *err = bt_current_thread_take_error();
	if (!err)
		return;
	uint64_t n = bt_error_get_cause_count(err);
	if (n > 0) {
		/* Index 0 is the oldest cause: where the problem started. */
		const bt_error_cause *c = bt_error_borrow_cause_by_index(err, 0);
		const char *msg = bt_error_cause_get_message(c);
		char line[512];
		size_t len = 0;
		for (; msg && *msg && *msg != '\n' && len + 1 < sizeof(line); msg++)
			line[len++] = *msg;
		line[len] = '\0';
		tj_bt_message_trim(line);
		if (line[0])
			tj_error_append("%s", line);
	}
	bt_error_release(err);
}

/*
 * libbabeltrace2 2.0 logs why CTF metadata is invalid ("At line 9 in
 * metadata stream: ...") but appends only a generic cause to the error.
 * While a source component is created, its error log goes to a temporary
 * file instead of our stderr; the first error line becomes our cause.
 */
void tj_log_capture_begin(struct tj_log_capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	c->saved_fd = c->tmp ? dup(STDERR_FILENO) : -1;
	if (c->saved_fd < 0 || dup2(fileno(c->tmp), STDERR_FILENO) < 0) {
		if (c->saved_fd >= 0)
			close(c->saved_fd);
		if (c->tmp)
			fclose(c->tmp);
		c->tmp = NULL;
		c->saved_fd = -1;
	}
}

/* Trim libbabeltrace2's debugging suffix ("..: msg-it-addr=0x..., ...")
 * and the final full stop. */
void tj_bt_message_trim(char *m)
{
	char *addr = strstr(m, "addr=");
	if (addr) {
		while (addr > m && addr[-1] != ':' && addr[-1] != ',')
			addr--;
		if (addr > m)
			addr--;
		*addr = '\0';
	}
	size_t len = strlen(m);
	while (len > 0 && (m[len - 1] == '.' || m[len - 1] == ' ' || m[len - 1] == '\n'))
		m[--len] = '\0';
}

/* Restore stderr and drop what was captured. */
void tj_log_capture_discard(struct tj_log_capture *c)
{
	if (!c->tmp)
		return;
	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	fclose(c->tmp);
}

/* Whether text[0..len) names a file inside dir (given as the user spelled
 * it, or its canonical form, which is what libbabeltrace2 prints). */
static int path_in_dir(const char *text, size_t len, const char *dir, const char *real_dir)
{
	const char *dirs[2] = {dir, real_dir};
	for (int i = 0; i < 2; i++) {
		size_t n = dirs[i] ? strlen(dirs[i]) : 0;
		while (n > 1 && dirs[i][n - 1] == '/')
			n--;
		if (n && len > n + 1 && strncmp(text, dirs[i], n) == 0 && text[n] == '/')
			return 1;
	}
	return 0;
}

/* Restore stderr.  msg gets the first (root) error message, file the
 * first stream file named in a later line ("... `/path/chan_0` ..." or
 * "... '/path/chan_0' ..."), *from_metadata whether the root message came
 * from the metadata parser (PLUGIN/CTF/META/...) rather than from reading
 * stream data. */
void tj_log_capture_end(struct tj_log_capture *c, const char *trace_dir, char *msg, size_t cap,
			char *file, size_t fcap, int *from_metadata)
{
	char line[1024];
	char *real_dir = realpath(trace_dir, NULL);
	msg[0] = file[0] = '\0';
	*from_metadata = 0;
	if (!c->tmp) {
		free(real_dir);
		return;
	}
	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	rewind(c->tmp);
	while (fgets(line, sizeof(line), c->tmp)) {
		/* "MM-DD HH:MM:SS.mmm PID TID E TAG func@file:line [comp] message";
		 * the "[comp] " part is missing in some lines (the TSDL parser's). */
		char *tag = strstr(line, " E ");
		if (!tag)
			continue;
		tag += 3;
		char *func = strchr(tag, ' ');
		char *m = func ? strchr(func + 1, ' ') : NULL;
		if (!m || !strchr(func, '@'))
			continue;
		m++;
		if (*m == '[') {
			char *rb = strstr(m, "] ");
			if (rb)
				m = rb + 2;
		}
		if (!msg[0]) {
			snprintf(msg, cap, "%s", m);
			tj_bt_message_trim(msg);
			*from_metadata = strncmp(tag, "PLUGIN/CTF/META/", 16) == 0 ||
					 strncmp(tag, "PLUGIN/SRC.CTF.FS/META ", 23) == 0;
		}
		for (char *q = m; !file[0] && (q = strpbrk(q, "`'")); q++) {
			char *q2 = strchr(q + 1, *q);
			if (!q2)
				break;
			if (q[1] == '/' && path_in_dir(q + 1, (size_t)(q2 - q - 1), trace_dir, real_dir))
				snprintf(file, fcap, "%.*s", (int)(q2 - q - 1), q + 1);
			q = q2;
		}
	}
	fclose(c->tmp);
	free(real_dir);
}


void tj_bt_diagnose_source(const bt_component_class_source *fs, const char *name,
			   const bt_value *params, const char *trace_dir)
{
	struct tj_log_capture cap;
	char why[512], file[512];
	int from_metadata;
	const bt_component_source *pc;
	bt_current_thread_clear_error();
	bt_graph *probe = bt_graph_create(0);
	tj_log_capture_begin(&cap);
	if (probe)
		bt_graph_add_source_component(probe, fs, name, params, BT_LOGGING_LEVEL_ERROR, &pc);
	tj_log_capture_end(&cap, trace_dir, why, sizeof(why), file, sizeof(file), &from_metadata);
	bt_graph_put_ref(probe);
	if (!why[0]) {
		tj_bt_error_take();
		return;
	}
	bt_current_thread_clear_error();
	if (strstr(why, "`major` attribute") || strstr(why, "`minor` attribute"))
		tj_error_append("unsupported CTF version, tjconv reads CTF 1.8 (%s)", why);
	else if (strstr(why, "plain text signature"))
		/* libbabeltrace2 2.0 prints an uninitialized version here. */
		tj_error_append("invalid CTF metadata: neither a packetized metadata "
				"stream nor text starting with '/* CTF 1.8'");
	else if (file[0])
		tj_error_append("stream file '%s': %s", file, why);
	else if (from_metadata)
		tj_error_append("invalid CTF metadata: %s", why);
	else
		tj_error_append("invalid stream data: %s", why);
}
