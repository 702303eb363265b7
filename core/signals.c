/*
 * Catching SIGINT, SIGTERM and SIGHUP so that an interrupted conversion
 * leaves no temporary file behind (see signals.h).  Everything the handler
 * touches is async-signal-safe: a sig_atomic_t, unlink(2) of paths copied
 * into static buffers beforehand, signal(2) and raise(3).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "signals.h"

#define TJ_SIGNAL_SLOTS 8
#define TJ_SIGNAL_PATH_MAX 4096

static volatile sig_atomic_t caught;
/* A slot is live while its first byte is not NUL; writers fill the path
 * before the first byte, so the handler never sees half a path. */
static char paths[TJ_SIGNAL_SLOTS][TJ_SIGNAL_PATH_MAX];
static volatile sig_atomic_t live[TJ_SIGNAL_SLOTS];

static const int handled[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig)
{
	if (caught) {
		/* Second signal: the user insists; clean up here and go. */
		for (int i = 0; i < TJ_SIGNAL_SLOTS; i++)
			if (live[i])
				unlink(paths[i]);
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
	caught = sig;
}

void tj_signals_install(void)
{
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

int tj_signals_register_path(const char *path)
{
	size_t n = strlen(path);
	if (n >= TJ_SIGNAL_PATH_MAX)
		return -1;
	for (int i = 0; i < TJ_SIGNAL_SLOTS; i++) {
		if (live[i])
			continue;
		memcpy(paths[i], path, n + 1);
		live[i] = 1;
		return i;
	}
	return -1;
}

void tj_signals_forget_path(int slot)
{
	if (slot >= 0 && slot < TJ_SIGNAL_SLOTS)
		live[slot] = 0;
}

void tj_signals_die(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

const char *tj_signal_name(int sig, char *buf, unsigned cap)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	default:
		snprintf(buf, cap, "signal %d", sig);
		return buf;
	}
}
