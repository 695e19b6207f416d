/*
 * recv.h - the native receiver thread: epoll + recvmmsg on one datagram socket, one ring record
 * per datagram (ring.h), wake-ups of a sleeping consumer through an eventfd.
 *
 * Threads: varta_receiver_start/stop from any one controlling thread; varta_receiver_wait and
 * varta_receiver_kick from the consumer (kick: any thread while the receiver is running).
 */
#ifndef VARTA_RECV_H
#define VARTA_RECV_H

#include <stdint.h>

/** Most datagrams read by one recvmmsg call. */
#define VARTA_RECV_BATCH 64u
/** Read size: one byte more than a frame, so an overlong datagram reports 33, never a valid frame. */
#define VARTA_RECV_BUFFER_BYTES 33u
/** SCM_RIGHTS descriptors a peer may attach that we can still see (and close) per datagram. */
#define VARTA_RECV_MAX_RIGHTS 16u

struct varta_receiver;

/**
 * Starts the receiver thread on fd (non-blocking, SO_PASSCRED on) writing into the ring at
 * ring_base (varta_ring_region_bytes(capacity) bytes, 64-byte aligned, trailer zeroed by the
 * caller). Datagrams from a uid other than observer_uid become UID_MISMATCH records.
 * Returns 0 and *out, or -errno (-EINVAL for a bad capacity/alignment).
 */
int varta_receiver_start(int fd, void *ring_base, uint32_t capacity, uint32_t observer_uid,
                         struct varta_receiver **out);

/** Stops and joins the thread, closes the eventfds (not the socket) and frees the handle. */
void varta_receiver_stop(struct varta_receiver *receiver);

/**
 * Consumer: sleeps until the producer signals new records or timeout_ns passes (negative: no
 * timeout), then clears the signal. Returns 1 when woken, 0 on timeout, -errno on error.
 * EINTR counts as a wake-up (returns 1).
 */
int varta_receiver_wait(struct varta_receiver *receiver, int64_t timeout_ns);

/** Wakes a consumer sleeping in varta_receiver_wait (e.g. to shut it down). */
void varta_receiver_kick(struct varta_receiver *receiver);

/** Datagrams this receiver has read (the ring trailer's datagrams_read; any thread). */
uint64_t varta_receiver_datagrams(const struct varta_receiver *receiver);

#endif
