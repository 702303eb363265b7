/*
 * The conversion runs in a child process so that a crash inside
 * libbabeltrace2 on a hostile trace (it dereferences past an array when a
 * sequence claims 2^31 elements or more) becomes a one-line error instead
 * of a core dump, and the temporary files the child registered
 * (signals.h) are removed all the same.
 */
#ifndef TJ_CORE_CRASH_GUARD_H
#define TJ_CORE_CRASH_GUARD_H

/* Fork.  Returns in the child (and when fork fails: unguarded); the parent
 * waits, forwards SIGINT/SIGTERM/SIGHUP sent to it, cleans up after a
 * child killed by a signal, and exits with the child's status (1 after a
 * crash, saying "reading 'INPUT' crashed ...").  TJCONV_NO_GUARD in the
 * environment: no fork (debuggers, valgrind). */
void tj_crash_guard(const char *input);

#endif
