/*
 * self_watchdog.h - judging the observer loop from its published progress (loop_progress.h), and the
 * abort that follows a wedge.
 *
 * A loop is judged, at a time `now`, as:
 *   IDLE           nothing to judge: it has not completed its first iteration yet, or it has left the loop;
 *   STAGE_WEDGED   a working stage has lasted longer than the deadline, or the sleep stage has lasted longer
 *                  than the deadline past its own announced wake-up (asleep waiting for work is not wedged:
 *                  only oversleeping is);
 *   LOOP_WEDGED    no single stage is over the deadline, but the iteration is;
 *   FRESH          alive just now: asleep before its announced wake-up (+ fresh_ns), or in an iteration
 *                  that began at most fresh_ns ago;
 *   QUIET          none of the above: no fresh evidence yet, not over the deadline either.
 * Only FRESH earns a WATCHDOG=1 or a hardware kick, so neither is sent for a loop that has stopped moving.
 *
 * Pure functions except varta_watch_abort; any thread.
 */
#ifndef VARTA_SELF_WATCHDOG_H
#define VARTA_SELF_WATCHDOG_H

#include "varta/loop_progress.h"

#include <stddef.h>
#include <stdint.h>

enum varta_watch_verdict {
    VARTA_WATCH_IDLE = 0,
    VARTA_WATCH_FRESH = 1,
    VARTA_WATCH_QUIET = 2,
    VARTA_WATCH_STAGE_WEDGED = 3,
    VARTA_WATCH_LOOP_WEDGED = 4,
};

struct varta_watch_rules {
    int64_t deadline_ns;  /* > 0: how long a stage or an iteration may last; 0: never judged wedged */
    int64_t fresh_ns;     /* how recent evidence of life must be to count as FRESH (one tick) */
    int sleep_stage;      /* the stage number of the idle sleep */
    int stopped_stage;    /* the stage number published when the loop has ended */
};

struct varta_watch_judgement {
    enum varta_watch_verdict verdict;
    int stage;            /* the stage the loop was in */
    int64_t stuck_ns;     /* STAGE_WEDGED: time in the stage (sleep: past its wake-up); LOOP_WEDGED: in the iteration */
};

/** Judges one reading at `now` (same clock as the reading). */
struct varta_watch_judgement varta_watch_judge(const struct varta_progress_view *view, int64_t now_ns,
                                               const struct varta_watch_rules *rules);

/**
 * The one raw stderr line written before the abort, in the reference observer's words:
 *   "varta-watch stage '<label>' wedged for ><stuck_ns>ns; aborting\n"   (STAGE_WEDGED)
 *   "varta-watch poll loop wedged for ><deadline secs>s; aborting\n"     (LOOP_WEDGED)
 * Returns the length written into buf (NUL-terminated, truncated to size), 0 for any other verdict.
 */
size_t varta_watch_format_abort(const struct varta_watch_judgement *judgement, const char *label,
                                int64_t deadline_ns, char *buf, size_t size);

/**
 * Writes line to stderr if stderr accepts it within 100 ms (a stuck stderr pipe must not stop the abort),
 * then raises SIGABRT (abort(3)): the service manager restarts the process and a core can be taken.
 */
__attribute__((noreturn)) void varta_watch_abort(const char *line, size_t len);

#endif
