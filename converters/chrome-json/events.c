/*
 * Events as instants: what the chrome-json exporter writes for an event no
 * analyzer turned into a record (--events unanalyzed, the default) or for
 * every event (--events all).  One "ph":"i" on the event's thread (pid/tid
 * from the identity the core resolved), else on its CPU's track, else on the
 * global one, named after the event class, with the payload as args.
 * Reading the payload needs the host, so chrome.c does that and calls the
 * writers here, which only format JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "cj.h"

struct cj_class *cj_class_new(struct cj *c, uint32_t n)
{
	struct cj_class *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->n = n;
	if (n && (!(k->fields = calloc(n, sizeof(*k->fields))) ||
		  !(k->names = calloc(n, sizeof(*k->names))) ||
		  !(k->nlen = calloc(n, sizeof(*k->nlen))))) {
		free(k->fields);
		free(k->names);
		free(k);
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++)
		k->fields[i] = -1;
	k->next = c->classes;
	c->classes = k;
	return k;
}

void cj_classes_release(struct cj *c)
{
	while (c->classes) {
		struct cj_class *k = c->classes;
		c->classes = k->next;
		for (uint32_t i = 0; i < k->n; i++)
			free(k->names[i]);
		free(k->names);
		free(k->nlen);
		free(k->head);
		free(k->fields);
		free(k);
	}
}

static int never_sink(void *ud, const void *data, size_t len)
{
	(void)ud;
	(void)data;
	(void)len;
	return -1; /* the buffer is sized so that it never fills */
}

char *cj_render(const char *pre, const char *s, const char *post, size_t *len)
{
	struct jsonw w;
	size_t npre = strlen(pre), npost = strlen(post);
	/* an escaped byte takes at most 6 */
	if (jsonw_init(&w, npre + 6 * strlen(s) + npost + 16, never_sink, NULL))
		return NULL;
	jsonw_raw(&w, pre, npre);
	jsonw_str(&w, s);
	jsonw_raw(&w, post, npost);
	if (w.err) {
		jsonw_release(&w);
		return NULL;
	}
	*len = w.len;
	return w.buf;
}

int cj_event_open(struct cj *c, const struct tj_event *ev, const struct cj_class *k)
{
	struct tj_record r;
	struct loc l;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.kind = TJ_REC_INSTANT;
	r.ts = ev->ts;
	r.pid = ev->pid;
	r.tid = ev->tid;
	r.cpu = ev->cpu;
	r.track = ev->tid >= 0 ? TJ_TRACK_THREAD : ev->cpu >= 0 ? TJ_TRACK_CPU : TJ_TRACK_GLOBAL;
	if (cj_hosts_place(c, ev, &r))
		return TJ_ENOMEM;
	if (r.tid > 0 && ev->comm && *ev->comm && !cj_thread_name_borrow(c, r.tid)) {
		/* a thread no analyzer named: name it after what the core knows */
		struct tj_record n = r;
		n.kind = TJ_REC_THREAD_NAME;
		n.name = ev->comm;
		if (cj_thread_name(c, &n))
			return TJ_ENOMEM;
	}
	cj_locate(c, &r, &l);
	if (!cj_track_get(c, &l))
		return TJ_ENOMEM;
	c->st.event_instants++;
	ev_open(c, 'i');
	ev_ts(c, ev->ts);
	ev_pidtid(c, l.pid, l.tid);
	if (l.kind == TK_GLOBAL)
		jsonw_lit(&c->w, ",\"s\":\"g\"");
	else
		jsonw_lit(&c->w, ",\"s\":\"t\"");
	if (k && k->head) {
		jsonw_raw(&c->w, k->head, k->headlen);
		return TJ_OK;
	}
	jsonw_lit(&c->w, ",\"name\":");
	jsonw_str(&c->w, ev->cls && ev->cls->name ? ev->cls->name : "event");
	jsonw_lit(&c->w, ",\"cat\":\"event\"");
	return TJ_OK;
}

void cj_event_close(struct cj *c, int open)
{
	if (open)
		jsonw_char(&c->w, '}');
	jsonw_char(&c->w, '}');
}
