/*
 * ring_access.h - typed access to the ring described in ring.h: the record struct (whose
 * offsets are asserted against the ring.h constants at compile time) and the trailer words
 * with the memory orderings of the publication protocol spelled out at each call site.
 *
 * Producer side: varta_ring_load_head_acquire, varta_ring_slot, varta_ring_add_datagrams_read,
 * varta_ring_publish_tail.
 * Consumer side (C tests only; production consumer is Java): varta_ring_load_tail_acquire,
 * varta_ring_release_head.
 */
#ifndef VARTA_RING_ACCESS_H
#define VARTA_RING_ACCESS_H

#include "varta/ring.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/** One ring record; the layout is ring.h's (asserted below). */
struct varta_ring_record {
    uint64_t recv_ns;
    uint64_t timestamp;
    uint64_t nonce;
    uint32_t frame_pid;
    uint32_t payload;
    int32_t peer_pid;
    uint32_t peer_uid;
    uint8_t kind;
    uint8_t status;
    uint8_t decode_error;
    uint8_t transport;
    uint32_t datagram_len;
    uint32_t detail_a;
    uint32_t detail_b;
    uint8_t origin;
    uint8_t listener;
    uint16_t source_port;
    uint32_t source_hash;
};

_Static_assert(sizeof(struct varta_ring_record) == VARTA_RING_RECORD_BYTES, "record size");
_Static_assert(offsetof(struct varta_ring_record, recv_ns) == VARTA_RING_OFF_RECV_NS, "recv_ns");
_Static_assert(offsetof(struct varta_ring_record, timestamp) == VARTA_RING_OFF_TIMESTAMP, "timestamp");
_Static_assert(offsetof(struct varta_ring_record, nonce) == VARTA_RING_OFF_NONCE, "nonce");
_Static_assert(offsetof(struct varta_ring_record, frame_pid) == VARTA_RING_OFF_FRAME_PID, "frame_pid");
_Static_assert(offsetof(struct varta_ring_record, payload) == VARTA_RING_OFF_PAYLOAD, "payload");
_Static_assert(offsetof(struct varta_ring_record, peer_pid) == VARTA_RING_OFF_PEER_PID, "peer_pid");
_Static_assert(offsetof(struct varta_ring_record, peer_uid) == VARTA_RING_OFF_PEER_UID, "peer_uid");
_Static_assert(offsetof(struct varta_ring_record, kind) == VARTA_RING_OFF_KIND, "kind");
_Static_assert(offsetof(struct varta_ring_record, status) == VARTA_RING_OFF_STATUS, "status");
_Static_assert(offsetof(struct varta_ring_record, decode_error) == VARTA_RING_OFF_DECODE_ERROR, "decode_error");
_Static_assert(offsetof(struct varta_ring_record, transport) == VARTA_RING_OFF_TRANSPORT, "transport");
_Static_assert(offsetof(struct varta_ring_record, datagram_len) == VARTA_RING_OFF_DATAGRAM_LEN, "datagram_len");
_Static_assert(offsetof(struct varta_ring_record, detail_a) == VARTA_RING_OFF_DETAIL_A, "detail_a");
_Static_assert(offsetof(struct varta_ring_record, detail_b) == VARTA_RING_OFF_DETAIL_B, "detail_b");
_Static_assert(offsetof(struct varta_ring_record, origin) == VARTA_RING_OFF_ORIGIN, "origin");
_Static_assert(offsetof(struct varta_ring_record, listener) == VARTA_RING_OFF_LISTENER, "listener");
_Static_assert(offsetof(struct varta_ring_record, source_port) == VARTA_RING_OFF_SOURCE_PORT, "source_port");
_Static_assert(offsetof(struct varta_ring_record, source_hash) == VARTA_RING_OFF_SOURCE_HASH, "source_hash");

/** A view of a ring region: base pointer plus the trailer words, resolved once. */
struct varta_ring {
    uint8_t *base;
    uint32_t capacity;
    uint32_t mask;
    _Atomic uint64_t *tail;
    _Atomic uint64_t *head;
    _Atomic int32_t *consumer_waiting;
    _Atomic uint64_t *full_stalls;
    _Atomic uint64_t *datagrams_read;
};

_Static_assert(sizeof(_Atomic uint64_t) == 8 && sizeof(_Atomic int32_t) == 4, "lock-free trailer words");

/** Resolves the trailer of a region of varta_ring_region_bytes(capacity) bytes. Does not clear it. */
static inline void varta_ring_attach(struct varta_ring *ring, void *base, uint32_t capacity)
{
    uint8_t *trailer = (uint8_t *)base + VARTA_RING_TRAILER_OFFSET(capacity);
    ring->base = (uint8_t *)base;
    ring->capacity = capacity;
    ring->mask = capacity - 1u;
    ring->tail = (_Atomic uint64_t *)(void *)(trailer + VARTA_RING_TRAILER_TAIL);
    ring->head = (_Atomic uint64_t *)(void *)(trailer + VARTA_RING_TRAILER_HEAD);
    ring->consumer_waiting = (_Atomic int32_t *)(void *)(trailer + VARTA_RING_TRAILER_CONSUMER_WAITING);
    ring->full_stalls = (_Atomic uint64_t *)(void *)(trailer + VARTA_RING_TRAILER_FULL_STALLS);
    ring->datagrams_read = (_Atomic uint64_t *)(void *)(trailer + VARTA_RING_TRAILER_DATAGRAMS_READ);
}

/** The record slot of a position. */
static inline struct varta_ring_record *varta_ring_slot(const struct varta_ring *ring, uint64_t position)
{
    return (struct varta_ring_record *)(void *)(ring->base
        + (size_t)(position & ring->mask) * VARTA_RING_RECORD_BYTES);
}

/** Producer: consumer position; acquire pairs with the consumer's release so freed slots are really free. */
static inline uint64_t varta_ring_load_head_acquire(const struct varta_ring *ring)
{
    return atomic_load_explicit(ring->head, memory_order_acquire);
}

/** Producer: own position (only the producer writes tail, so relaxed is enough). */
static inline uint64_t varta_ring_load_tail_relaxed(const struct varta_ring *ring)
{
    return atomic_load_explicit(ring->tail, memory_order_relaxed);
}

/** Producer: counts datagrams taken off a socket; called before the tail that publishes their records. */
static inline void varta_ring_add_datagrams_read(const struct varta_ring *ring, uint64_t count)
{
    const uint64_t read = atomic_load_explicit(ring->datagrams_read, memory_order_relaxed); /* one writer */
    atomic_store_explicit(ring->datagrams_read, read + count, memory_order_release);
}

/** Producer: makes records below tail visible; release orders the record writes before it. */
static inline void varta_ring_publish_tail(const struct varta_ring *ring, uint64_t tail)
{
    atomic_store_explicit(ring->tail, tail, memory_order_release);
}

/** Consumer: producer position; acquire makes the records below it readable. */
static inline uint64_t varta_ring_load_tail_acquire(const struct varta_ring *ring)
{
    return atomic_load_explicit(ring->tail, memory_order_acquire);
}

/** Consumer: hands slots below head back to the producer; release orders the record reads before it. */
static inline void varta_ring_release_head(const struct varta_ring *ring, uint64_t head)
{
    atomic_store_explicit(ring->head, head, memory_order_release);
}

#endif
