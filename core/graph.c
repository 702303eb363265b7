/*
 * Building the libbabeltrace2 graphs the reader pulls from (see graph.h).
 * One sink component class serves both ways of reading: the reader's merge
 * (one graph, every port) and each --jobs worker (its own graph, a subset
 * of the ports); what differs is only what consume does.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt_errors.h"
#include "error.h"
#include "graph.h"

int tj_graph_find_ctf(const bt_plugin **out)
{
	/* The ctf plugin's TSDL parser reports where metadata is invalid ("At
	 * line 9 in metadata stream: ...") only at this plugin-wide log level,
	 * read when the plugin is loaded; the babeltrace2 CLI sets it the same
	 * way.  tj_graph_add_source captures those lines. */
	setenv("BABELTRACE_PLUGIN_CTF_METADATA_LOG_LEVEL", "E", 0);
	if (bt_plugin_find("ctf", BT_FALSE, BT_FALSE, BT_TRUE, BT_TRUE, BT_TRUE, out) !=
	    BT_PLUGIN_FIND_STATUS_OK) {
		tj_bt_error_take();
		tj_error_append("cannot find libbabeltrace2's 'ctf' plugin (is babeltrace2 installed?)");
		return TJ_ERROR;
	}
#ifdef TJ_KEEP_PLUGINS_MAPPED
	/* Sanitizer builds: keep babeltrace2's ctf plugin mapped after it is
	 * released, so LeakSanitizer can name (and tests/lsan.supp suppress)
	 * leaks inside it instead of reporting an unknown module. */
	if (bt_plugin_get_path(*out))
		dlopen(bt_plugin_get_path(*out), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
#endif
	return TJ_OK;
}

int tj_graph_add_source(bt_graph *g, const bt_plugin *ctf, const char *trace_dir, size_t ti,
			const bt_component_source **comp)
{
	const bt_component_class_source *fs =
		bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs");
	bt_value *params = bt_value_map_create();
	bt_value *inputs = NULL;
	char name[32];
	int rc = TJ_OK;

	if (!fs || !params) {
		bt_value_put_ref(params);
		return TJ_ENOMEM;
	}
	if (bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
	    bt_value_array_append_string_element(inputs, trace_dir)) {
		bt_value_put_ref(params);
		return TJ_ENOMEM;
	}
	snprintf(name, sizeof(name), "src%zu", ti);
	/* The TSDL parser logs with the plugin-wide level (see
	 * tj_graph_find_ctf), not the component's: keep its lines off our
	 * stderr. */
	struct tj_log_capture quiet;
	tj_log_capture_begin(&quiet);
	bt_graph_add_component_status st = bt_graph_add_source_component(
		g, fs, name, params, BT_LOGGING_LEVEL_NONE, comp);
	tj_log_capture_discard(&quiet);
	if (st != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		tj_bt_diagnose_source(fs, name, params, trace_dir);
		tj_error_append("cannot read trace '%s'", trace_dir);
		rc = TJ_EINVAL;
	}
	bt_value_put_ref(params);
	return rc;
}

static bt_component_class_initialize_method_status
sink_init(bt_self_component_sink *self, bt_self_component_sink_configuration *conf,
	  const bt_value *params, void *data)
{
	const struct tj_sink_ops *ops = data;
	(void)conf;
	(void)params;
	bt_self_component_set_data(bt_self_component_sink_as_self_component(self), data);
	for (uint32_t i = 0; i < ops->nports; i++) {
		char name[32];
		snprintf(name, sizeof(name), "in%u", (unsigned)i);
		if (bt_self_component_sink_add_input_port(self, name, NULL, NULL) !=
		    BT_SELF_COMPONENT_ADD_PORT_STATUS_OK)
			return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
	}
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

/* Iterators can only be made once the graph is configured. */
static bt_component_class_sink_graph_is_configured_method_status
sink_configured(bt_self_component_sink *self)
{
	const struct tj_sink_ops *ops =
		bt_self_component_get_data(bt_self_component_sink_as_self_component(self));
	for (uint32_t i = 0; i < ops->nports; i++) {
		bt_self_component_port_input *port = bt_self_component_sink_borrow_input_port_by_index(self, i);
		if (bt_message_iterator_create_from_sink_component(self, port, ops->iterator_slot(ops->ud, i)) !=
		    BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK)
			return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
		bt_message_iterator **la = ops->lookahead_slot ? ops->lookahead_slot(ops->ud, i) : NULL;
		if (la && bt_message_iterator_create_from_sink_component(self, port, la) !=
				  BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK)
			return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
	}
	return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK;
}

static bt_component_class_sink_consume_method_status sink_consume(bt_self_component_sink *self)
{
	const struct tj_sink_ops *ops =
		bt_self_component_get_data(bt_self_component_sink_as_self_component(self));
	int rc = ops->consume(ops->ud);
	if (rc < 0)
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
	if (rc == TJ_SINK_AGAIN)
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_AGAIN;
	return rc == TJ_SINK_END ? BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END
				 : BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
}

int tj_graph_add_sink(bt_graph *g, const char *name, const struct tj_sink_ops *ops,
		      const bt_component_sink **out)
{
	bt_component_class_sink *cls = bt_component_class_sink_create("tjconv-sink", sink_consume);
	int rc = TJ_OK;
	if (!cls ||
	    bt_component_class_sink_set_initialize_method(cls, sink_init) ||
	    bt_component_class_sink_set_graph_is_configured_method(cls, sink_configured)) {
		bt_component_class_sink_put_ref(cls);
		return TJ_ENOMEM;
	}
	/* The component keeps its class alive: our reference can go now. */
	if (bt_graph_add_sink_component_with_initialize_method_data(
		    g, cls, name, NULL, (void *)ops, BT_LOGGING_LEVEL_NONE, out) !=
	    BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		rc = TJ_ERROR;
	bt_component_class_sink_put_ref(cls);
	return rc;
}

int tj_graph_connect(bt_graph *g, const bt_port_output *port, const bt_component_sink *sink,
		     uint64_t in, const char *stream)
{
	if (bt_graph_connect_ports(g, port, bt_component_sink_borrow_input_port_by_index_const(sink, in),
				   NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
		tj_bt_error_take();
		tj_error_append("cannot connect stream '%s'", stream);
		return TJ_ERROR;
	}
	return TJ_OK;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * A stream with an instance id is named by the id in its port ("UUID | 0 |
 * 3"), not by its file.  LTTng's packet index (index/FILE.idx, format 1.1 and
 * later) gives each file's stream class and instance id in every entry:
 * find the files of (sc, id) and name the stream after them (their common
 * prefix, "mychan_0" for the rotated mychan_0_0, mychan_0_1...).  The path
 * of the file, or NULL when no index says.
 */
static char *file_of_instance(const char *trace_dir, uint64_t sc, uint64_t id)
{
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX + 2], best[NAME_MAX + 1] = "";
	unsigned char buf[16 + 64];
	struct dirent *de;
	size_t len = 0;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/index", trace_dir);
	if (!(d = opendir(dir)))
		return NULL;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".idx") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "rb");
		size_t got = f ? fread(buf, 1, sizeof(buf), f) : 0;
		if (f)
			fclose(f);
		/* header: magic, major, minor, entry size (u32 BE); entry: seven u64
		 * then the stream instance id (minor >= 1) */
		if (got < sizeof(buf) || be64(buf) >> 32 != 0xC1F1DCC1u ||
		    (be64(buf) & 0xffffffffu) != 1 || be64(buf + 8) >> 32 < 1 ||
		    (be64(buf + 8) & 0xffffffffu) < 64 || be64(buf + 16 + 48) != sc ||
		    be64(buf + 16 + 56) != id)
			continue;
		n -= 4;
		if (!found) {
			len = n < sizeof(best) ? n : sizeof(best) - 1;
			memcpy(best, de->d_name, len);
		} else {
			size_t k = 0;
			while (k < len && k < n && best[k] == de->d_name[k])
				k++;
			len = k;
		}
		found++;
	}
	closedir(d);
	if (found > 1)
		while (len > 0 && (best[len - 1] == '_' || best[len - 1] == '-'))
			len--;
	if (!found || !len)
		return NULL;
	best[len] = '\0';
	snprintf(path, sizeof(path), "%s/%s", trace_dir, best);
	return strdup(path);
}

/* ctf.fs names ports "UUID | STREAM-ID | /path/to/channel0_1"; users want
 * the stream file, relative to what they asked for. */
/* The absolute form of path with "." and ".." removed but symbolic links
 * kept, which is how libbabeltrace2 spells a file it reached through a
 * link (it normalizes the path without resolving it). */
static char *lexical_abs(const char *path)
{
	char cwd[PATH_MAX], buf[2 * PATH_MAX + 2];
	if (path[0] == '/')
		snprintf(buf, sizeof(buf), "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		snprintf(buf, sizeof(buf), "%s/%s", cwd, path);
	else
		return NULL;
	char *out = malloc(strlen(buf) + 2);
	if (!out)
		return NULL;
	size_t n = 0;
	for (const char *p = buf; *p;) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

char *tj_graph_stream_name(const char *input, const char *trace_dir, const char *port)
{
	unsigned long long sc, id;
	char tail;
	const char *bar1 = port ? strchr(port, '|') : NULL;
	if (bar1 && sscanf(bar1, "| %llu | %llu%c", &sc, &id, &tail) == 2) {
		char *file = file_of_instance(trace_dir, sc, id);
		if (file) {
			char *name = tj_graph_stream_name(input, trace_dir, file);
			free(file);
			return name;
		}
	}
	const char *bar = port ? strrchr(port, '|') : NULL;
	const char *name = bar ? bar + 1 : port ? port : "?";
	size_t in = strlen(input);
	while (*name == ' ')
		name++;
	while (in > 1 && input[in - 1] == '/')
		in--;
	if (strncmp(name, input, in) == 0 && name[in] == '/')
		return strdup(name + in + 1);
	/* libbabeltrace2 names files by their normalized (or canonical) path. */
	char *lex_in = lexical_abs(input);
	if (lex_in) {
		size_t ln = strlen(lex_in);
		if (strncmp(name, lex_in, ln) == 0 && name[ln] == '/') {
			char *d = strdup(name + ln + 1);
			free(lex_in);
			return d;
		}
		free(lex_in);
	}
	char *real_in = realpath(input, NULL);
	if (real_in) {
		size_t rn = strlen(real_in);
		if (strncmp(name, real_in, rn) == 0 && name[rn] == '/') {
			char *d = strdup(name + rn + 1);
			free(real_in);
			return d;
		}
		free(real_in);
	}
	/* Streams with an instance id are named by it: say which trace. */
	const char *tp = trace_dir;
	const char *rel = strncmp(tp, input, in) == 0 && tp[in] == '/' ? tp + in + 1 : tp;
	if (strncmp(tp, input, in) == 0 && tp[in] == '\0')
		rel = "";
	char buf[PATH_MAX + 64];
	snprintf(buf, sizeof(buf), "%s%sstream %s", rel, *rel ? " " : "", name);
	return strdup(buf);
}
