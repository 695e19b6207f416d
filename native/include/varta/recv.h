/*
 * recv.h - the native receiver thread: epoll over N ingress sockets (ingress.h), recvmmsg in
 * batches, one ring record per datagram (ring.h), wake-ups of a sleeping consumer through an
 * eventfd (none for a consumer that batches, until the ring is half full), and the "drained
 * through" watermark the consumer asks for before a stall verdict.
 *
 * Threads: varta_receiver_start/stop from any one controlling thread; varta_receiver_wait and
 * varta_receiver_drained_through from the consumer; varta_receiver_kick and
 * varta_receiver_datagrams from any thread while the receiver is running.
 */
#ifndef VARTA_RECV_H
#define VARTA_RECV_H

#include "varta/ingress.h"

#include <stdint.h>

/** Most datagrams read by one recvmmsg call. */
#define VARTA_RECV_BATCH 64u
/** Most ingress sockets one receiver reads (the record's listener index is a u8). */
#define VARTA_RECV_MAX_INGRESS 16u

struct varta_receiver;

/**
 * Starts the receiver thread on `count` ingress sockets (each non-blocking, SO_TIMESTAMPNS on; a
 * socket without it is refused with -EINVAL) writing into the ring at ring_base
 * (varta_ring_region_bytes(capacity) bytes, 64-byte aligned, trailer zeroed by the caller). The
 * record's listener field is the index in `ingresses`. On success the receiver owns the ingresses'
 * state (varta_receiver_stop destroys it; the sockets stay the caller's); on failure the caller
 * still does. Returns 0 and *out, or -errno (-EINVAL for a bad capacity, alignment or ingress).
 */
int varta_receiver_start(const struct varta_ingress *ingresses, unsigned count, void *ring_base,
                         uint32_t capacity, struct varta_receiver **out);

/**
 * Stops the thread after a final drain (what the sockets already hold when the stop comes is still
 * read and published, for at most one second of a full ring), joins it, closes the eventfds (not
 * the sockets), destroys the ingresses and frees the handle.
 */
void varta_receiver_stop(struct varta_receiver *receiver);

/**
 * Consumer: sleeps until the producer signals new records or timeout_ns passes (negative: no
 * timeout), then clears the signal. Returns 1 when woken, 0 on timeout, -errno on error.
 * EINTR counts as a wake-up (returns 1). The producer signals a consumer whose consumer_waiting is
 * CONSUMER_SLEEPING at every publication, one that is CONSUMER_BATCHING only when a publication
 * leaves the ring half full (ring.h).
 */
int varta_receiver_wait(struct varta_receiver *receiver, int64_t timeout_ns);

/** Wakes a consumer sleeping in varta_receiver_wait (e.g. to shut it down). */
void varta_receiver_kick(struct varta_receiver *receiver);

/** Datagrams this receiver has read (the ring trailer's datagrams_read; any thread). */
uint64_t varta_receiver_datagrams(const struct varta_receiver *receiver);

/**
 * Consumer: a CLOCK_MONOTONIC time T <= now such that every datagram queued on any ingress socket
 * before T has been read and its record published (a following drain of the ring sees it). Costs
 * one poll(2) over the sockets; meant for the moment a stall verdict is due, not per record. The
 * proof is in recv.c.
 */
uint64_t varta_receiver_drained_through(struct varta_receiver *receiver);

#endif
