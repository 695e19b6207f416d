/*
 * arrival_clock.h - a datagram's kernel receive timestamp (SO_TIMESTAMPNS: CLOCK_REALTIME, taken
 * when the datagram was queued on the socket) moved to CLOCK_MONOTONIC, the clock of ring recv_ns.
 *
 * CLOCK_REALTIME and CLOCK_MONOTONIC run at the same (NTP-disciplined) rate: their difference only
 * changes when the wall clock is stepped (settimeofday, clock_settime, a leap second). So
 *
 *   monotonic(arrival) = stamp - (realtime - monotonic sampled now)
 *
 * is exact unless a step happened between the arrival and the sample. Steps cannot be seen in one
 * sample; a step detector compares each sample's difference with the last one and reports how far
 * the wall clock jumped, so the receiver (recv.c) can widen its bounds for datagrams that may have
 * been stamped before the step.
 */
#ifndef VARTA_ARRIVAL_CLOCK_H
#define VARTA_ARRIVAL_CLOCK_H

#include <stdint.h>
#include <time.h>

/** Differences of the two clocks that move by less than this are not steps (sampling noise). */
#define VARTA_CLOCK_STEP_TOLERANCE_NS 50000u

/** CLOCK_REALTIME and CLOCK_MONOTONIC sampled together. */
struct varta_clock_pair {
    uint64_t mono_ns;   /* CLOCK_MONOTONIC right after the realtime read */
    int64_t offset_ns;  /* CLOCK_REALTIME - CLOCK_MONOTONIC, within VARTA_CLOCK_STEP_TOLERANCE_NS / 4 if precise */
    int precise;        /* 0: every attempt was preempted between the reads, offset_ns may be off by a lot */
};

/** How far the wall clock jumped since the previous sample (0 and 0: no step). */
struct varta_clock_step {
    uint64_t forward_ns;  /* realtime jumped ahead: older stamps convert up to this much too early */
    uint64_t backward_ns; /* realtime jumped back: older stamps convert up to this much too late */
};

struct varta_step_detector {
    int64_t reference_offset_ns; /* the difference before the last step seen */
    int have_reference;
};

/** Samples both clocks, bracketing the realtime read between two monotonic reads. Any thread. */
void varta_clock_pair_sample(struct varta_clock_pair *out);

/**
 * Compares pair with the reference and reports the step (if any) since; one thread per detector. An imprecise
 * pair (preempted between its reads, e.g. on a loaded host) is no evidence of a step: it reports none and its
 * offset is replaced by the reference, so a noisy sample neither moves conversions nor widens bounds; a real
 * step is seen at the next precise sample.
 */
void varta_step_detector_update(struct varta_step_detector *detector, struct varta_clock_pair *pair,
                                struct varta_clock_step *step);

/** The monotonic time of a realtime stamp under pair's difference (0 if it would be negative). */
uint64_t varta_arrival_monotonic_ns(const struct timespec *realtime_stamp, const struct varta_clock_pair *pair);

#endif
