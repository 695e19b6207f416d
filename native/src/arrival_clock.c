/*
 * arrival_clock.c - realtime kernel stamps to CLOCK_MONOTONIC, and clock-step detection
 * (see arrival_clock.h).
 */
#include "varta/arrival_clock.h"

#define PAIR_MAX_GAP_NS (VARTA_CLOCK_STEP_TOLERANCE_NS / 2u)
#define PAIR_ATTEMPTS 4

static int64_t read_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
}

void varta_clock_pair_sample(struct varta_clock_pair *out)
{
    /* The realtime read lies between before and after; taking their midpoint puts the difference
     * within (after - before) / 2 of the truth. A preempted attempt (wide bracket) is retried; if
     * every attempt is wide the pair is marked imprecise, and the step detector converts with the
     * last known difference instead: on a loaded host a preempted sample would otherwise look like a
     * wall-clock step of milliseconds and push arrival times late (a later beat then looks too close
     * to its predecessor and is rate-limited). */
    int64_t before = 0;
    int64_t real = 0;
    int64_t after = 0;
    out->precise = 0;
    for (int attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
        before = read_ns(CLOCK_MONOTONIC);
        real = read_ns(CLOCK_REALTIME);
        after = read_ns(CLOCK_MONOTONIC);
        if ((uint64_t)(after - before) <= PAIR_MAX_GAP_NS) {
            out->precise = 1;
            break;
        }
    }
    out->mono_ns = (uint64_t)after;
    out->offset_ns = real - (before + (after - before) / 2);
}

void varta_step_detector_update(struct varta_step_detector *d, struct varta_clock_pair *pair,
                                struct varta_clock_step *step)
{
    step->forward_ns = 0;
    step->backward_ns = 0;
    if (!pair->precise && d->have_reference) {
        pair->offset_ns = d->reference_offset_ns; /* noise, not a step: convert with the known difference */
        return;
    }
    if (!d->have_reference) {
        d->reference_offset_ns = pair->offset_ns;
        d->have_reference = 1;
        return;
    }
    /* The reference moves only on a step, so small steps add up until they are seen. */
    const int64_t moved = pair->offset_ns - d->reference_offset_ns;
    if (moved > (int64_t)VARTA_CLOCK_STEP_TOLERANCE_NS) {
        step->forward_ns = (uint64_t)moved;
    } else if (moved < -(int64_t)VARTA_CLOCK_STEP_TOLERANCE_NS) {
        step->backward_ns = (uint64_t)-moved;
    } else {
        return;
    }
    d->reference_offset_ns = pair->offset_ns;
}

uint64_t varta_arrival_monotonic_ns(const struct timespec *stamp, const struct varta_clock_pair *pair)
{
    const int64_t real = (int64_t)stamp->tv_sec * 1000000000 + (int64_t)stamp->tv_nsec;
    const int64_t mono = real - pair->offset_ns;
    return mono < 0 ? 0 : (uint64_t)mono;
}
