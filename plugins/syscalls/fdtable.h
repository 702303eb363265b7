/*
 * What each file descriptor of a process refers to ("socket AF_INET
 * SOCK_STREAM 127.0.0.1:4000", "file /etc/passwd", "pipe (read end)").
 * One table per process; threads share their process's table.
 */
#ifndef TJ_SYSCALLS_FDTABLE_H
#define TJ_SYSCALLS_FDTABLE_H

#include <stdint.h>

struct fd_entry {
	char *desc;      /* NULL: closed */
	uint8_t cloexec; /* closed by exec */
	uint8_t is_socket;
};

struct fdtable {
	struct fd_entry *v;
	uint32_t n;
};

/* NULL when unknown. */
const char *fdtable_borrow(const struct fdtable *t, int64_t fd);
const struct fd_entry *fdtable_borrow_entry(const struct fdtable *t, int64_t fd);
/* Replace fd's description (copied); returns 0 or -1. */
int fdtable_set(struct fdtable *t, int64_t fd, const char *desc, int cloexec, int is_socket);
void fdtable_close(struct fdtable *t, int64_t fd);
/* dst = copy of src (fork). */
int fdtable_copy(struct fdtable *dst, const struct fdtable *src);
/* exec: drop close-on-exec descriptors. */
void fdtable_exec(struct fdtable *t);
void fdtable_release(struct fdtable *t);

#endif
