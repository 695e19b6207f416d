/*
 * self_watchdog.c - judging the loop's progress and aborting on a wedge (self_watchdog.h).
 */
#include "varta/self_watchdog.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ABORT_STDERR_WAIT_MS 100

static int64_t since(int64_t now_ns, int64_t then_ns)
{
    return now_ns > then_ns ? now_ns - then_ns : 0;
}

struct varta_watch_judgement varta_watch_judge(const struct varta_progress_view *view, int64_t now_ns,
                                               const struct varta_watch_rules *rules)
{
    struct varta_watch_judgement j = { VARTA_WATCH_IDLE, view->stage, 0 };
    if (view->iterations <= 0 || view->stage == rules->stopped_stage) {
        return j;
    }
    const int64_t deadline = rules->deadline_ns;
    if (view->stage == rules->sleep_stage) {
        const int64_t overslept = since(now_ns, view->sleep_until_ns);
        if (deadline > 0 && overslept > deadline) {
            j.verdict = VARTA_WATCH_STAGE_WEDGED;
            j.stuck_ns = overslept;
        } else {
            j.verdict = overslept <= rules->fresh_ns ? VARTA_WATCH_FRESH : VARTA_WATCH_QUIET;
        }
        return j;
    }
    const int64_t in_stage = since(now_ns, view->entered_ns);
    const int64_t in_iteration = since(now_ns, view->iteration_start_ns);
    if (deadline > 0 && in_stage > deadline) {
        j.verdict = VARTA_WATCH_STAGE_WEDGED;
        j.stuck_ns = in_stage;
    } else if (deadline > 0 && in_iteration > deadline) {
        j.verdict = VARTA_WATCH_LOOP_WEDGED;
        j.stuck_ns = in_iteration;
    } else {
        j.verdict = in_iteration <= rules->fresh_ns ? VARTA_WATCH_FRESH : VARTA_WATCH_QUIET;
    }
    return j;
}

size_t varta_watch_format_abort(const struct varta_watch_judgement *judgement, const char *label,
                                int64_t deadline_ns, char *buf, size_t size)
{
    int n;
    if (judgement->verdict == VARTA_WATCH_STAGE_WEDGED) {
        n = snprintf(buf, size, "varta-watch stage '%s' wedged for >%lldns; aborting\n",
                     label != NULL ? label : "?", (long long)judgement->stuck_ns);
    } else if (judgement->verdict == VARTA_WATCH_LOOP_WEDGED) {
        n = snprintf(buf, size, "varta-watch poll loop wedged for >%llds; aborting\n",
                     (long long)(deadline_ns / 1000000000LL));
    } else {
        return 0;
    }
    if (n < 0 || size == 0) {
        return 0;
    }
    return (size_t)n < size ? (size_t)n : size - 1;
}

void varta_watch_abort(const char *line, size_t len)
{
    struct pollfd err = { .fd = STDERR_FILENO, .events = POLLOUT };
    if (len > 0 && poll(&err, 1, ABORT_STDERR_WAIT_MS) == 1 && (err.revents & POLLOUT) != 0) {
        ssize_t ignored = write(STDERR_FILENO, line, len);
        (void)ignored;
    }
    abort();
}
