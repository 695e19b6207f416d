/*
 * ring.h - the off-heap receive ring: the single source of truth for its layout.
 *
 * One producer (the native receiver thread, recv.c) and one consumer (the Java
 * observer thread, io.varta.watch.nativeio.RingDescriptor mirrors every constant
 * below; RingLayoutTest and native/test/test_ring.c both assert them).
 *
 * The memory is a single region of ring_region_bytes(capacity) bytes, 64-byte
 * aligned, allocated by Java (a direct ByteBuffer) and handed to C:
 *
 *   +--------------------------------------------+  offset 0
 *   | record[0] .. record[capacity-1]            |  capacity * VARTA_RING_RECORD_BYTES
 *   +--------------------------------------------+  VARTA_RING_TRAILER_OFFSET(capacity)
 *   | tail      (u64, producer position)  128 B  |  written by C (release), read by Java (acquire)
 *   | head      (u64, consumer position)  128 B  |  written by Java (release), read by C (acquire)
 *   | consumer_waiting (i32)               128 B  |  Java sets 1 before sleeping, 0 after; C reads
 *   | full_stalls (u64)                    128 B  |  times the producer found the ring full (C writes)
 *   +--------------------------------------------+
 *
 * Each field of the trailer sits in its own two cache lines so that producer and
 * consumer never write the same line (and adjacent-line prefetch does not pair them).
 * Positions are monotonically increasing 64-bit counts of records; the slot of a
 * position is (position & (capacity - 1)); capacity is a power of two.
 *
 * Publication protocol: the producer writes whole records into slots in
 * [tail, head + capacity) and then store-releases the new tail; the consumer
 * load-acquires tail, reads records in [head, tail), then store-releases head.
 * No record is ever overwritten before the consumer released it, so a full ring
 * makes the producer stop reading the socket (the kernel queue pushes back).
 *
 * Sleep/wake (Dekker style, full fences on both sides): the consumer stores
 * consumer_waiting = 1, issues a full fence, re-reads tail and only sleeps on the
 * wake eventfd if tail did not move. The producer stores tail, issues a full fence,
 * and writes the eventfd only if consumer_waiting == 1.
 *
 * Record layout (64 bytes, little-endian host order, every field naturally aligned):
 *
 *    0  u64 recv_ns        CLOCK_MONOTONIC ns when the batch was received
 *    8  u64 timestamp      frame timestamp (valid when decode_error == NONE)
 *   16  u64 nonce          frame nonce
 *   24  u32 frame_pid      pid claimed by the frame
 *   28  u32 payload        frame payload
 *   32  i32 peer_pid       kernel-verified sender pid (SCM_CREDENTIALS), 0 if none
 *   36  u32 peer_uid       kernel-verified sender uid, 0xFFFFFFFF if none
 *   40  u8  kind           enum varta_record_kind
 *   41  u8  status         frame status byte as received
 *   42  u8  decode_error   enum varta_decode_error (NONE unless kind == DECODE_ERROR)
 *   43  u8  transport      enum varta_transport
 *   44  u32 datagram_len   bytes received (33 means "longer than a frame")
 *   48  u32 detail_a       BadCrc: computed CRC; IO_ERROR: errno; BadStatus: status byte
 *   52  u32 detail_b       BadCrc: CRC stored in the frame
 *   56  u64 reserved       zero
 */
#ifndef VARTA_RING_H
#define VARTA_RING_H

#include <stddef.h>
#include <stdint.h>

#define VARTA_RING_RECORD_BYTES 64u
#define VARTA_RING_CACHE_PAIR 128u

#define VARTA_RING_OFF_RECV_NS 0u
#define VARTA_RING_OFF_TIMESTAMP 8u
#define VARTA_RING_OFF_NONCE 16u
#define VARTA_RING_OFF_FRAME_PID 24u
#define VARTA_RING_OFF_PAYLOAD 28u
#define VARTA_RING_OFF_PEER_PID 32u
#define VARTA_RING_OFF_PEER_UID 36u
#define VARTA_RING_OFF_KIND 40u
#define VARTA_RING_OFF_STATUS 41u
#define VARTA_RING_OFF_DECODE_ERROR 42u
#define VARTA_RING_OFF_TRANSPORT 43u
#define VARTA_RING_OFF_DATAGRAM_LEN 44u
#define VARTA_RING_OFF_DETAIL_A 48u
#define VARTA_RING_OFF_DETAIL_B 52u
#define VARTA_RING_OFF_RESERVED 56u

/* Trailer offsets, relative to the start of the trailer. */
#define VARTA_RING_TRAILER_TAIL 0u
#define VARTA_RING_TRAILER_HEAD 128u
#define VARTA_RING_TRAILER_CONSUMER_WAITING 256u
#define VARTA_RING_TRAILER_FULL_STALLS 384u
#define VARTA_RING_TRAILER_BYTES 512u

#define VARTA_RING_TRAILER_OFFSET(capacity) ((size_t)(capacity) * VARTA_RING_RECORD_BYTES)
#define VARTA_RING_MIN_CAPACITY 64u
#define VARTA_RING_MAX_CAPACITY (1u << 24)

/** Outcome of one received datagram: exactly one per datagram read from a socket. */
enum varta_record_kind {
    VARTA_KIND_BEAT = 1,          /* 32 bytes, decoded without error */
    VARTA_KIND_DECODE_ERROR = 2,  /* 32 bytes, decoder rejected it (decode_error says why) */
    VARTA_KIND_WRONG_LENGTH = 3,  /* length != 32 (datagram_len; 33 = overlong) */
    VARTA_KIND_NO_CREDENTIALS = 4,/* kernel attached no SCM_CREDENTIALS */
    VARTA_KIND_UID_MISMATCH = 5,  /* peer uid != observer uid */
    VARTA_KIND_CTRUNC = 6,        /* MSG_CTRUNC: control data truncated */
    VARTA_KIND_IO_ERROR = 7       /* recvmmsg failed (detail_a = errno); no datagram consumed */
};

enum varta_transport {
    VARTA_TRANSPORT_UDS = 0,
    VARTA_TRANSPORT_UDP = 1
};

/** Bytes Java must allocate for a ring of capacity records (a power of two). */
static inline size_t varta_ring_region_bytes(uint32_t capacity)
{
    return VARTA_RING_TRAILER_OFFSET(capacity) + VARTA_RING_TRAILER_BYTES;
}

/** 1 if capacity is a power of two in [MIN, MAX]. */
static inline int varta_ring_capacity_valid(uint32_t capacity)
{
    return capacity >= VARTA_RING_MIN_CAPACITY && capacity <= VARTA_RING_MAX_CAPACITY
        && (capacity & (capacity - 1u)) == 0u;
}

#endif
