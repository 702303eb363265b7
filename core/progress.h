/*
 * The progress line on stderr for long runs: share of the trace's stream
 * bytes read, events per second and the time left.  Shown when stderr is a terminal and the run has lasted
 * over a second, or always with --progress; never with --no-progress.
 */
#ifndef TJ_CORE_PROGRESS_H
#define TJ_CORE_PROGRESS_H

#include <stdint.h>

/* mode: -1 auto, 0 never, 1 always, 2 LAMI lines on stdout ("FRACTION TEXT",
 * what Trace Compass reads before the results).  input: the trace path (its stream files
 * are summed for the total). */
void tj_progress_start(int mode, const char *input);
/* One event was dispatched (main thread). */
void tj_progress_event_slow(void);
extern uint64_t tj_progress_events_;
static inline void tj_progress_event(void)
{
	if ((++tj_progress_events_ & 4095) == 0)
		tj_progress_event_slow();
}
/* Clear the line (if one was drawn). */
void tj_progress_stop(void);

#endif
