/*
 * ring.h - the off-heap receive ring: the single source of truth for its layout.
 *
 * One producer (the native receiver thread, recv.c) and one consumer (the Java observer thread).
 * io.varta.watch.nativeio.RingDescriptor mirrors the constants below under the names of the
 * native constant table (jni_constants.c); NativeLibrary compares every one of them by name, and
 * VARTA_RING_ABI_VERSION first, right after loading the library, and refuses a mismatch.
 *
 * The memory is a single region of varta_ring_region_bytes(capacity) bytes, 64-byte aligned,
 * allocated by Java (a direct ByteBuffer) and handed to C:
 *
 *   +--------------------------------------------+  offset 0
 *   | record[0] .. record[capacity-1]            |  capacity * VARTA_RING_RECORD_BYTES
 *   +--------------------------------------------+  VARTA_RING_TRAILER_OFFSET(capacity)
 *   | tail      (u64, producer position)  128 B  |  written by C (release), read by Java (acquire)
 *   | head      (u64, consumer position)  128 B  |  written by Java (release), read by C (acquire)
 *   | consumer_waiting (i32)               128 B  |  Java sets 1 or 2 before sleeping, 0 after; C reads
 *   | full_stalls (u64)                    128 B  |  times the producer found the ring full (C writes)
 *   | datagrams_read (u64)                 128 B  |  datagrams the receiver read (C writes, release)
 *   +--------------------------------------------+
 *
 * Each field of the trailer sits in its own two cache lines so that producer and consumer never
 * write the same line (and adjacent-line prefetch does not pair them). Positions are monotonically
 * increasing 64-bit counts of records; the slot of a position is (position & (capacity - 1));
 * capacity is a power of two.
 *
 * Publication protocol: the producer writes whole records into slots in [tail, head + capacity)
 * and then store-releases the new tail; the consumer load-acquires tail, reads records in
 * [head, tail), then store-releases head. No record is ever overwritten before the consumer
 * released it, so a full ring makes the producer stop reading its sockets (the kernel queues push
 * back); nothing already read is ever dropped.
 *
 * datagrams_read counts every datagram taken off a socket (not IO_ERROR records, which consume
 * none). It is stored before the tail that publishes those datagrams' records, so a consumer that
 * drained everything up to a tail it acquired sees datagrams_read >= the records it got; once the
 * receiver has stopped, datagrams_read == the non-IO_ERROR records published.
 *
 * Sleep/wake (Dekker style, full fences on both sides): the consumer stores consumer_waiting =
 * CONSUMER_SLEEPING, issues a full fence, re-reads tail and only sleeps on the wake eventfd if tail
 * did not move. The producer stores tail, issues a full fence, and writes the eventfd if
 * consumer_waiting == CONSUMER_SLEEPING. A consumer that collects records on purpose (while they
 * flow) stores CONSUMER_BATCHING instead and sleeps on its own short timer whatever tail says; the
 * producer then writes the eventfd only when a publication leaves the ring at least half full, so
 * that the ring never fills while the consumer waits for its timer.
 *
 * Record layout (64 bytes, little-endian host order, every field naturally aligned):
 *
 *    0  u64 recv_ns        CLOCK_MONOTONIC ns the datagram arrived: its kernel receive timestamp
 *                          (SO_TIMESTAMPNS) moved to CLOCK_MONOTONIC, see recv.c; the read time
 *                          of its batch if the kernel attached none
 *    8  u64 timestamp      frame timestamp (valid when decode_error == NONE)
 *   16  u64 nonce          frame nonce
 *   24  u32 frame_pid      pid claimed by the frame
 *   28  u32 payload        frame payload
 *   32  i32 peer_pid       kernel-verified sender pid (SCM_CREDENTIALS), 0 if none
 *   36  u32 peer_uid       kernel-verified sender uid, 0xFFFFFFFF if none
 *   40  u8  kind           enum varta_record_kind
 *   41  u8  status         frame status byte as received
 *   42  u8  decode_error   enum varta_decode_error (NONE unless kind == DECODE_ERROR)
 *   43  u8  transport      enum varta_transport of the listener that read it
 *   44  u32 datagram_len   bytes received; the transport's largest datagram + 1 means "longer"
 *                          (33 for UDS and plaintext UDP, 65 for secure UDP)
 *   48  u32 detail_a       BadCrc: computed CRC; IO_ERROR: errno; BadStatus: status byte
 *   52  u32 detail_b       BadCrc: CRC stored in the frame
 *   56  u8  origin         enum varta_origin: trust of the sender identity (tracker.BeatOrigin ranks)
 *   57  u8  listener       index of the listener in the list the receiver was started with
 *   58  u16 source_port    UDP: the sender's port (host order); 0 for UDS
 *   60  u32 source_hash    UDP: FNV-1a of the sender's address as 16 bytes (udp.h); 0 for UDS
 */
#ifndef VARTA_RING_H
#define VARTA_RING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Changes with every change of the record layout, the trailer, or the meaning of a kind, origin or
 * transport value. Java (RingDescriptor.ABI_VERSION) refuses a library built with another number.
 * Version 1 was the layout before origin/listener/source fields and datagrams_read (no check then);
 * version 2 had no CONSUMER_BATCHING.
 * Only the test-only library of native/CMakeLists.txt (varta_watch_abi_mismatch) overrides it.
 */
#ifndef VARTA_RING_ABI_VERSION
#define VARTA_RING_ABI_VERSION 3
#endif

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
#define VARTA_RING_OFF_ORIGIN 56u
#define VARTA_RING_OFF_LISTENER 57u
#define VARTA_RING_OFF_SOURCE_PORT 58u
#define VARTA_RING_OFF_SOURCE_HASH 60u

/* Trailer offsets, relative to the start of the trailer. */
#define VARTA_RING_TRAILER_TAIL 0u
#define VARTA_RING_TRAILER_HEAD 128u
#define VARTA_RING_TRAILER_CONSUMER_WAITING 256u
#define VARTA_RING_TRAILER_FULL_STALLS 384u
#define VARTA_RING_TRAILER_DATAGRAMS_READ 512u
#define VARTA_RING_TRAILER_BYTES 640u

/* Values of consumer_waiting (see "Sleep/wake" above). */
#define VARTA_RING_CONSUMER_AWAKE 0
#define VARTA_RING_CONSUMER_SLEEPING 1 /* wake me at the next publication */
#define VARTA_RING_CONSUMER_BATCHING 2 /* I wake on my own timer; wake me only when the ring is half full */

#define VARTA_RING_TRAILER_OFFSET(capacity) ((size_t)(capacity) * VARTA_RING_RECORD_BYTES)
#define VARTA_RING_MIN_CAPACITY 64u
#define VARTA_RING_MAX_CAPACITY (1u << 24)

/** Outcome of one received datagram: exactly one per datagram read from a socket. */
enum varta_record_kind {
    VARTA_KIND_BEAT = 1,          /* a frame, decoded without error */
    VARTA_KIND_DECODE_ERROR = 2,  /* a frame the decoder rejected (decode_error says why) */
    VARTA_KIND_WRONG_LENGTH = 3,  /* length is no datagram size of the transport (datagram_len) */
    VARTA_KIND_NO_CREDENTIALS = 4,/* UDS: kernel attached no SCM_CREDENTIALS */
    VARTA_KIND_UID_MISMATCH = 5,  /* UDS: peer uid != observer uid */
    VARTA_KIND_CTRUNC = 6,        /* MSG_CTRUNC: control data truncated */
    VARTA_KIND_IO_ERROR = 7,      /* recvmmsg failed (detail_a = errno); no datagram consumed */
    /* Secure UDP only (ingress_secure_udp.c); the frame fields of the last two hold the decoded frame. */
    VARTA_KIND_DECRYPT_FAILED = 8,   /* no key authenticated the datagram (a master-key frame whose
                                      * opened pid is not its clear pid included) */
    VARTA_KIND_REPLAY_REFUSED = 9,   /* authenticated, but refused by the replay rules (replay.h) */
    VARTA_KIND_SENDER_TABLE_FULL = 10/* authenticated new sender, replay table full */
};

/** Which listener kind read the datagram. */
enum varta_transport {
    VARTA_TRANSPORT_UDS = 0,
    VARTA_TRANSPORT_UDP = 1,        /* plaintext UDP (ingress_udp.c) */
    VARTA_TRANSPORT_SECURE_UDP = 2  /* ChaCha20-Poly1305 UDP (ingress_secure_udp.c) */
};

/**
 * Trust in the sender identity of a record, the ranks of io.varta.watch.tracker.BeatOrigin
 * (higher is stronger). A listener is started with the best origin its transport can give; its
 * classifier may lower it per datagram (UDS: no kernel pid).
 */
enum varta_origin {
    VARTA_ORIGIN_NETWORK_UNVERIFIED = 0,          /* UDP without the listener's accept flag */
    VARTA_ORIGIN_SOCKET_MODE_ONLY = 1,            /* UDS without a kernel-provided pid */
    VARTA_ORIGIN_OPERATOR_ATTESTED_TRANSPORT = 2, /* UDP with the listener's accept flag */
    VARTA_ORIGIN_KERNEL_ATTESTED = 3              /* UDS with a kernel-provided pid */
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
