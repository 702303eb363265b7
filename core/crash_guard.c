/*
 * Running the conversion in a child and standing guard over it (see
 * crash_guard.h).  The parent does nothing but wait: it holds no trace
 * state, so it cannot crash on the input.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash_guard.h"
#include "signals.h"

static volatile pid_t child;

/* A signal someone sent to the parent (kill PID) goes on to the child; one
 * the terminal sent to the whole process group reached the child already. */
static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (child > 0 && si->si_code <= 0 && si->si_pid != child)
		kill(child, sig);
}

/* depth: folders below dir to go into (the stream windows' views hold
 * an index/ folder: stream_split.c); links are removed, not followed. */
static void remove_dir(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[TJ_SIGNAL_PATH_MAX + 256];
	while (d && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			if (unlink(p) && errno == EISDIR && depth > 0)
				remove_dir(p, depth - 1);
		}
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void clean_up(void)
{
	struct tj_signal_slots *s = tj_signals_borrow_slots();
	for (int i = 0; i < TJ_SIGNAL_SLOTS; i++) {
		if (!s->live[i])
			continue;
		if (s->is_dir[i])
			remove_dir(s->paths[i], 2);
		else
			unlink(s->paths[i]);
		s->live[i] = 0;
	}
}

void tj_crash_guard(const char *input)
{
	int status;
	pid_t pid;
	char buf[32];

	/* Debuggers and valgrind follow one process: let them have the run. */
	if (getenv("TJCONV_NO_GUARD"))
		return;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return; /* unguarded, but running */
	if (pid == 0) {
		/* Do not outlive a parent killed with SIGKILL. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(1);
		return;
	}
	child = pid;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
	clean_up();
	int crash = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
		    sig == SIGABRT || sig == SIGSYS || sig == SIGTRAP;
	if (!crash) {
		/* SIGPIPE (the reader went away), SIGKILL, an interruption: the
		 * parent ends the same way, for the shell to see. */
		if ((sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGKILL) &&
		    !tj_signals_borrow_slots()->announced)
			fprintf(stderr, "tjconv: interrupted by %s\n", tj_signal_name(sig, buf, sizeof(buf)));
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
	fprintf(stderr,
		"tjconv: error: reading '%s' crashed the decoder (%s): the trace is corrupt or "
		"hostile; no output was written\n",
		input ? input : "?", tj_signal_name(sig, buf, sizeof(buf)));
	_exit(1);
}
