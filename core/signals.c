/*
 * Catching SIGINT, SIGTERM and SIGHUP so that an interrupted conversion
 * leaves no temporary file behind (see signals.h).  Everything the handler
 * touches is async-signal-safe: a sig_atomic_t, unlink(2) of paths copied
 * into buffers beforehand, signal(2) and raise(3).  The path slots live in
 * a shared mapping so that the crash guard's parent (crash_guard.c) can
 * clean up after a child that died.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "signals.h"

static volatile sig_atomic_t caught;
static struct tj_signal_slots fallback;
static struct tj_signal_slots *slots = &fallback;

static const int handled[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig)
{
	if (caught) {
		/* Second signal: the user insists; clean up here and go. */
		for (int i = 0; i < TJ_SIGNAL_SLOTS; i++)
			if (slots->live[i] && !slots->is_dir[i])
				unlink(slots->paths[i]);
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
	caught = sig;
}

void tj_signals_install(void)
{
	if (slots == &fallback) {
		void *m = mmap(NULL, sizeof(*slots), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
		if (m != MAP_FAILED)
			slots = m; /* zero-filled */
	}
	for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
		struct sigaction sa, old;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		/* No SA_RESTART: a blocking read or write returns EINTR and the
		 * loop around it gets to look at the flag. */
		if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(handled[i], &sa, NULL);
	}
	/* Past a file-size limit (ulimit -f) a write fails with EFBIG instead
	 * of the default SIGXFSZ killing us with the temporary file left. */
	signal(SIGXFSZ, SIG_IGN);
}

int tj_signal_caught(void)
{
	return caught;
}

static int add_path(const char *path, int is_dir)
{
	size_t n = strlen(path);
	if (n >= TJ_SIGNAL_PATH_MAX)
		return -1;
	for (int i = 0; i < TJ_SIGNAL_SLOTS; i++) {
		if (slots->live[i])
			continue;
		/* The path first, then live: the handler never sees half a path. */
		memcpy(slots->paths[i], path, n + 1);
		slots->is_dir[i] = is_dir;
		slots->live[i] = 1;
		return i;
	}
	return -1;
}

int tj_signals_register_path(const char *path)
{
	return add_path(path, 0);
}

int tj_signals_register_dir(const char *path)
{
	return add_path(path, 1);
}

void tj_signals_forget_path(int slot)
{
	if (slot >= 0 && slot < TJ_SIGNAL_SLOTS)
		slots->live[slot] = 0;
}

struct tj_signal_slots *tj_signals_borrow_slots(void)
{
	return slots;
}

void tj_signals_announced(void)
{
	slots->announced = 1;
}

void tj_signals_die(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

const char *tj_signal_name(int sig, char *buf, unsigned cap)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGSEGV: return "SIGSEGV";
	case SIGABRT: return "SIGABRT";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGKILL: return "SIGKILL";
	default:
		snprintf(buf, cap, "signal %d", sig);
		return buf;
	}
}
