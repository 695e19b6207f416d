/*
 * watchdog_thread.h - the "varta-watchdog" thread: a native thread (not attached to the JVM, so it keeps
 * running through garbage-collection pauses and safepoints) that every tick reads the loop's published
 * progress (loop_progress.h), judges it (self_watchdog.h) and then
 *   - on a wedge, with a deadline set: writes one line on stderr and aborts the process (SIGABRT);
 *   - on FRESH evidence only: sends WATCHDOG=1 to the service manager (at most once per pet interval) and
 *     kicks the hardware watchdog (at most once per kick interval).
 * A loop that stops moving therefore stops earning pets and kicks within one tick, whether or not this
 * thread aborts it. All times are CLOCK_MONOTONIC.
 *
 * Threading: start and stop from one controlling thread; stats from any thread.
 */
#ifndef VARTA_WATCHDOG_THREAD_H
#define VARTA_WATCHDOG_THREAD_H

#include "varta/loop_progress.h"
#include "varta/self_watchdog.h"

#include <stdint.h>

#define VARTA_WATCH_LABEL_BYTES 32

struct varta_watchdog_config {
    const struct varta_loop_progress *progress; /* 64-byte aligned; outlives the thread */
    struct varta_watch_rules rules;             /* deadline_ns 0: never abort (pets and kicks only) */
    int64_t tick_ns;                            /* > 0 */
    int notify_fd;                              /* connected sd_notify socket, or -1 */
    int64_t pet_interval_ns;                    /* WATCHDOG_USEC / 2 */
    int hw_fd;                                  /* hardware watchdog device, or -1 */
    int64_t kick_interval_ns;
    char labels[VARTA_PROGRESS_MAX_STAGES][VARTA_WATCH_LABEL_BYTES]; /* stage number -> name */
};

struct varta_watchdog_stats {
    uint64_t ticks;
    uint64_t pets;
    uint64_t pet_failures;
    int last_pet_error;  /* errno of the latest failed WATCHDOG=1, 0 if none */
    uint64_t kicks;
    uint64_t kick_failures;
    int last_kick_error; /* errno of the latest failed kick, 0 if none */
};

struct varta_watchdog;

/** Starts the thread (all signals blocked in it). Returns 0 or -errno; the config is copied. */
int varta_watchdog_start(const struct varta_watchdog_config *config, struct varta_watchdog **out);

/** A snapshot of the thread's counters. Any thread. */
void varta_watchdog_stats(struct varta_watchdog *w, struct varta_watchdog_stats *out);

/** Stops and joins the thread and frees it (once). The descriptors it was given stay open. */
void varta_watchdog_stop(struct varta_watchdog *w);

#endif
