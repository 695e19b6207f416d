/*
 * ring_support.h - a receiver over ready ingresses and a consumer that copies records out of its ring, for
 * the CTests that drive a transport end to end through real sockets (test_recv.c keeps its own UDS set-up).
 */
#ifndef VARTA_TEST_RING_SUPPORT_H
#define VARTA_TEST_RING_SUPPORT_H

#include "varta/clock.h"
#include "varta/ingress.h"
#include "varta/recv.h"
#include "varta/ring_access.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_ring {
    uint8_t *region;
    struct varta_ring ring;
    struct varta_receiver *receiver;
    uint64_t head;
};

/* Starts a receiver on count ready ingresses into a fresh ring; exits the test (code 2) on failure. */
static inline void test_ring_start(struct test_ring *t, const struct varta_ingress *ingresses, unsigned count,
                                   uint32_t capacity)
{
    memset(t, 0, sizeof(*t));
    t->region = aligned_alloc(64, varta_ring_region_bytes(capacity));
    memset(t->region, 0, varta_ring_region_bytes(capacity));
    varta_ring_attach(&t->ring, t->region, capacity);
    if (varta_receiver_start(ingresses, count, t->region, capacity, &t->receiver) != 0) {
        fprintf(stderr, "receiver start failed\n");
        exit(2);
    }
}

/* Copies up to want records out (waiting at most timeout_ms for them); returns how many. */
static inline int test_ring_collect(struct test_ring *t, struct varta_ring_record *out, int want, long timeout_ms)
{
    int got = 0;
    const uint64_t deadline = varta_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
    while (got < want && varta_clock_monotonic_ns() < deadline) {
        const uint64_t tail = varta_ring_load_tail_acquire(&t->ring);
        while (t->head < tail && got < want) {
            out[got++] = *varta_ring_slot(&t->ring, t->head);
            t->head++;
        }
        varta_ring_release_head(&t->ring, t->head);
        if (got < want && varta_ring_load_tail_acquire(&t->ring) == t->head) {
            varta_receiver_wait(t->receiver, 10000000);
        }
    }
    return got;
}

/* Stops the receiver (destroying the ingresses) and frees the ring. */
static inline void test_ring_stop(struct test_ring *t)
{
    varta_receiver_stop(t->receiver);
    free(t->region);
}

#endif
