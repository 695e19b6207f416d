/*
 * clock.c - CLOCK_BOOTTIME / CLOCK_MONOTONIC readers (see clock.h).
 */
#include "varta/clock.h"

#include <time.h>

static uint64_t read_clock(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t varta_clock_boottime_ns(void)
{
    return read_clock(CLOCK_BOOTTIME);
}

uint64_t varta_clock_monotonic_ns(void)
{
    return read_clock(CLOCK_MONOTONIC);
}
