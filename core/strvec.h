/* A growable vector of owned strings. */
#ifndef TJ_CORE_STRVEC_H
#define TJ_CORE_STRVEC_H

#include <stddef.h>

struct tj_strvec {
	char **v;
	size_t n, cap;
};

/* Appends a copy of s; returns 0 or -1 on allocation failure. */
int tj_strvec_push(struct tj_strvec *sv, const char *s);
void tj_strvec_release(struct tj_strvec *sv);

#endif
