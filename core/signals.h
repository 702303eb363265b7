/*
 * SIGINT, SIGTERM and SIGHUP during a run: the handler only records the
 * signal (and, on a second one, removes the registered temporary files and
 * dies at once); the reader's loop polls tj_signal_caught() and unwinds, so
 * the output's temporary file and the salvage view are removed by the
 * normal error path.  main() then says "interrupted" and re-raises the
 * signal, so the caller sees the usual 128 + N status.
 */
#ifndef TJ_CORE_SIGNALS_H
#define TJ_CORE_SIGNALS_H

#include <signal.h>

#define TJ_SIGNAL_SLOTS 8
#define TJ_SIGNAL_PATH_MAX 4096

/* Paths to remove if the run dies (shared with the crash guard's parent). */
struct tj_signal_slots {
	char paths[TJ_SIGNAL_SLOTS][TJ_SIGNAL_PATH_MAX];
	volatile sig_atomic_t live[TJ_SIGNAL_SLOTS];
	volatile sig_atomic_t is_dir[TJ_SIGNAL_SLOTS]; /* a folder: its entries too */
	volatile sig_atomic_t announced;  /* "interrupted" was printed */
};

/* Catch the three signals (a signal ignored at start, as under nohup,
 * stays ignored), and ignore SIGXFSZ so that a file-size limit is a
 * write error (EFBIG) like a full disk. */
void tj_signals_install(void);
/* The signal caught, or 0.  Cheap: one volatile read. */
int tj_signal_caught(void);
/* Slot for a path the handler unlinks if a second signal arrives before
 * the normal unwinding removed it.  Returns a slot number, or -1 when the
 * path is too long or every slot is taken (then only the normal path
 * cleans up). */
int tj_signals_register_path(const char *path);
/* A folder the crash guard removes with its entries (not the handler). */
int tj_signals_register_dir(const char *path);
void tj_signals_forget_path(int slot);
struct tj_signal_slots *tj_signals_borrow_slots(void);
/* main printed "interrupted" (the guard's parent then does not). */
void tj_signals_announced(void);
/* Restore the default action and raise sig (does not return when sig is
 * fatal by default). */
void tj_signals_die(int sig);
/* "SIGINT", "SIGSEGV"... or "signal N". */
const char *tj_signal_name(int sig, char *buf, unsigned cap);

#endif
