/* Linux errno names for negative syscall returns ("-11 EAGAIN"). */
#ifndef TJ_SYSCALLS_ERRNAMES_H
#define TJ_SYSCALLS_ERRNAMES_H

/* NULL when unknown. */
const char *errno_name(long err);

#endif
