/*
 * watchdog_thread.c - the native self-watchdog thread (watchdog_thread.h).
 */
#include "varta/watchdog_thread.h"

#include "varta/clock.h"
#include "varta/hw_watchdog.h"
#include "varta/notify.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static const char WATCHDOG_MESSAGE[] = "WATCHDOG=1\n";

struct varta_watchdog {
    struct varta_watchdog_config config;
    pthread_t thread;
    int stop_fd;
    atomic_uint_fast64_t ticks;
    atomic_uint_fast64_t pets;
    atomic_uint_fast64_t pet_failures;
    atomic_int last_pet_error;
    atomic_uint_fast64_t kicks;
    atomic_uint_fast64_t kick_failures;
    atomic_int last_kick_error;
    int64_t last_pet_ns;
    int64_t last_kick_ns;
};

static int64_t now_ns(void)
{
    return (int64_t)varta_clock_monotonic_ns();
}

/* Sleeps until `until` (monotonic) or a stop request; returns 1 when asked to stop. */
static int wait_until(struct varta_watchdog *w, int64_t until)
{
    for (;;) {
        const int64_t left = until - now_ns();
        if (left <= 0) {
            return 0;
        }
        struct pollfd stop = { .fd = w->stop_fd, .events = POLLIN };
        const struct timespec timeout = { .tv_sec = left / 1000000000LL, .tv_nsec = left % 1000000000LL };
        const int n = ppoll(&stop, 1, &timeout, NULL);
        if (n > 0) {
            return 1;
        }
    }
}

static void act_on_fresh(struct varta_watchdog *w, int64_t now, int64_t half_tick)
{
    const struct varta_watchdog_config *c = &w->config;
    if (c->notify_fd >= 0 && now - w->last_pet_ns + half_tick >= c->pet_interval_ns) {
        const int rc = varta_notify_send(c->notify_fd, WATCHDOG_MESSAGE, sizeof(WATCHDOG_MESSAGE) - 1);
        w->last_pet_ns = now;
        if (rc == 0) {
            atomic_fetch_add_explicit(&w->pets, 1, memory_order_relaxed);
        } else {
            atomic_fetch_add_explicit(&w->pet_failures, 1, memory_order_relaxed);
            atomic_store_explicit(&w->last_pet_error, -rc, memory_order_relaxed);
        }
    }
    if (c->hw_fd >= 0 && now - w->last_kick_ns + half_tick >= c->kick_interval_ns) {
        const int rc = varta_hw_watchdog_kick(c->hw_fd);
        w->last_kick_ns = now;
        if (rc == 0) {
            atomic_fetch_add_explicit(&w->kicks, 1, memory_order_relaxed);
        } else {
            atomic_fetch_add_explicit(&w->kick_failures, 1, memory_order_relaxed);
            atomic_store_explicit(&w->last_kick_error, -rc, memory_order_relaxed);
        }
    }
}

static void *watchdog_main(void *arg)
{
    struct varta_watchdog *w = arg;
    const struct varta_watchdog_config *c = &w->config;
    pthread_setname_np(pthread_self(), "varta-watchdog");
    const int64_t half_tick = c->tick_ns / 2;
    int64_t next = now_ns() + c->tick_ns;
    while (!wait_until(w, next)) {
        const int64_t now = now_ns();
        atomic_fetch_add_explicit(&w->ticks, 1, memory_order_relaxed);
        const struct varta_progress_view view = varta_progress_read(c->progress);
        const struct varta_watch_judgement j = varta_watch_judge(&view, now, &c->rules);
        if (j.verdict == VARTA_WATCH_STAGE_WEDGED || j.verdict == VARTA_WATCH_LOOP_WEDGED) {
            char line[160];
            const size_t len = varta_watch_format_abort(&j, c->labels[j.stage & VARTA_PROGRESS_STAGE_MASK],
                                                        c->rules.deadline_ns, line, sizeof(line));
            varta_watch_abort(line, len);
        }
        if (j.verdict == VARTA_WATCH_FRESH) {
            act_on_fresh(w, now, half_tick);
        }
        next += c->tick_ns;
        if (next <= now) {
            next = now + c->tick_ns; /* fell behind (starved of CPU): resume the cadence from now */
        }
    }
    return NULL;
}

int varta_watchdog_start(const struct varta_watchdog_config *config, struct varta_watchdog **out)
{
    if (config == NULL || config->progress == NULL || ((uintptr_t)config->progress & 63u) != 0
        || config->tick_ns <= 0 || config->rules.deadline_ns < 0) {
        return -EINVAL;
    }
    struct varta_watchdog *w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return -ENOMEM;
    }
    w->config = *config;
    for (int i = 0; i < VARTA_PROGRESS_MAX_STAGES; i++) {
        w->config.labels[i][VARTA_WATCH_LABEL_BYTES - 1] = '\0';
    }
    w->last_pet_ns = INT64_MIN / 2;
    w->last_kick_ns = INT64_MIN / 2;
    w->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->stop_fd < 0) {
        const int err = errno;
        free(w);
        return -err;
    }
    /* Process signals are the JVM's business, not this thread's. */
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    const int rc = pthread_create(&w->thread, NULL, watchdog_main, w);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (rc != 0) {
        close(w->stop_fd);
        free(w);
        return -rc;
    }
    *out = w;
    return 0;
}

void varta_watchdog_stats(struct varta_watchdog *w, struct varta_watchdog_stats *out)
{
    out->ticks = atomic_load_explicit(&w->ticks, memory_order_relaxed);
    out->pets = atomic_load_explicit(&w->pets, memory_order_relaxed);
    out->pet_failures = atomic_load_explicit(&w->pet_failures, memory_order_relaxed);
    out->last_pet_error = atomic_load_explicit(&w->last_pet_error, memory_order_relaxed);
    out->kicks = atomic_load_explicit(&w->kicks, memory_order_relaxed);
    out->kick_failures = atomic_load_explicit(&w->kick_failures, memory_order_relaxed);
    out->last_kick_error = atomic_load_explicit(&w->last_kick_error, memory_order_relaxed);
}

void varta_watchdog_stop(struct varta_watchdog *w)
{
    const uint64_t one = 1;
    ssize_t ignored = write(w->stop_fd, &one, sizeof(one));
    (void)ignored;
    pthread_join(w->thread, NULL);
    close(w->stop_fd);
    free(w);
}
