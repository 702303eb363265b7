/* Per-process file descriptor tables (see fdtable.h). */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdlib.h>
#include <string.h>

#include "fdtable.h"

/* fds above this are treated as unknown rather than growing the table:
 * a corrupt or hostile trace must not make us allocate gigabytes. */
#define FD_LIMIT (1 << 20)

const struct fd_entry *fdtable_borrow_entry(const struct fdtable *t, int64_t fd)
{
	if (fd < 0 || fd >= t->n || !t->v[fd].desc)
		return NULL;
	return &t->v[fd];
}

const char *fdtable_borrow(const struct fdtable *t, int64_t fd)
{
	const struct fd_entry *e = fdtable_borrow_entry(t, fd);
	return e ? e->desc : NULL;
}

int fdtable_set(struct fdtable *t, int64_t fd, const char *desc, int cloexec, int is_socket)
{
	if (fd < 0 || fd >= FD_LIMIT)
		return 0;
	if (fd >= t->n) {
		uint32_t n = t->n ? t->n : 16;
		while (n <= fd)
			n *= 2;
		struct fd_entry *v = realloc(t->v, n * sizeof(*v));
		if (!v)
			return -1;
		memset(v + t->n, 0, (n - t->n) * sizeof(*v));
		t->v = v;
		t->n = n;
	}
	char *copy = strdup(desc);
	if (!copy)
		return -1;
	free(t->v[fd].desc);
	t->v[fd].desc = copy;
	t->v[fd].cloexec = (uint8_t)(cloexec != 0);
	t->v[fd].is_socket = (uint8_t)(is_socket != 0);
	return 0;
}

void fdtable_close(struct fdtable *t, int64_t fd)
{
	if (fd < 0 || fd >= t->n)
		return;
	free(t->v[fd].desc);
	t->v[fd].desc = NULL;
}

int fdtable_copy(struct fdtable *dst, const struct fdtable *src)
{
	for (uint32_t i = 0; i < src->n; i++)
		if (src->v[i].desc &&
		    fdtable_set(dst, i, src->v[i].desc, src->v[i].cloexec, src->v[i].is_socket))
			return -1;
	return 0;
}

void fdtable_exec(struct fdtable *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->v[i].cloexec)
			fdtable_close(t, i);
}

void fdtable_release(struct fdtable *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->v[i].desc);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
