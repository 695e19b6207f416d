/*
 * clock.h - clocks the JVM does not expose.
 */
#ifndef VARTA_CLOCK_H
#define VARTA_CLOCK_H

#include <stdint.h>

/** CLOCK_BOOTTIME in nanoseconds (counts suspend time); 0 if the clock is unavailable. Any thread. */
uint64_t varta_clock_boottime_ns(void);

/** CLOCK_MONOTONIC in nanoseconds (the clock of ring recv_ns). Any thread. */
uint64_t varta_clock_monotonic_ns(void);

#endif
