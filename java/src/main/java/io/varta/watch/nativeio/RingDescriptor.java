package io.varta.watch.nativeio;

/**
 * The layout of the off-heap receive ring, mirrored constant by constant from {@code native/include/varta/ring.h}
 * (the single source of truth; {@code RingLayoutTest} and {@code native/test/test_ring.c} assert both sides).
 *
 * <pre>
 * region = capacity * RECORD_BYTES records, then a TRAILER_BYTES trailer (64-byte aligned, capacity a power of 2)
 *
 * record (64 bytes, native little-endian)      trailer (each word in its own 128-byte cache-line pair)
 *    0 u64 recv_ns      CLOCK_MONOTONIC ns         0 u64 tail   producer position (C: release, Java: acquire)
 *    8 u64 timestamp    frame timestamp          128 u64 head   consumer position (Java: release, C: acquire)
 *   16 u64 nonce        frame nonce              256 i32 consumer_waiting  1 while Java sleeps
 *   24 u32 frame_pid    pid claimed by the frame 384 u64 full_stalls       producer found the ring full
 *   28 u32 payload      frame payload
 *   32 i32 peer_pid     SCM_CREDENTIALS pid, 0 if none
 *   36 u32 peer_uid     SCM_CREDENTIALS uid, 0xFFFFFFFF if none
 *   40 u8  kind         KIND_*
 *   41 u8  status       frame status byte as received
 *   42 u8  decode_error DecodeError ordinal + 1 (0 = none), only with KIND_DECODE_ERROR
 *   43 u8  transport    TRANSPORT_*
 *   44 u32 datagram_len bytes received (33 = longer than a frame)
 *   48 u32 detail_a     BadCrc: computed CRC; IO_ERROR: errno; BadStatus: status byte
 *   52 u32 detail_b     BadCrc: CRC stored in the frame
 *   56 u64 reserved
 * </pre>
 *
 * <p>Positions are 64-bit record counts; the slot of position p is {@code p & (capacity - 1)}. The producer
 * fills slots in [tail, head + capacity) and store-releases tail; the consumer load-acquires tail, reads
 * [head, tail) and store-releases head. Sleep/wake: the consumer stores consumer_waiting = 1, full fence,
 * re-reads tail; the producer stores tail, full fence, and signals only if consumer_waiting == 1.
 *
 * <p>Constants only; any thread.
 */
public final class RingDescriptor
{
    public static final int RECORD_BYTES = 64;
    public static final int CACHE_PAIR = 128;

    public static final int OFF_RECV_NS = 0;
    public static final int OFF_TIMESTAMP = 8;
    public static final int OFF_NONCE = 16;
    public static final int OFF_FRAME_PID = 24;
    public static final int OFF_PAYLOAD = 28;
    public static final int OFF_PEER_PID = 32;
    public static final int OFF_PEER_UID = 36;
    public static final int OFF_KIND = 40;
    public static final int OFF_STATUS = 41;
    public static final int OFF_DECODE_ERROR = 42;
    public static final int OFF_TRANSPORT = 43;
    public static final int OFF_DATAGRAM_LEN = 44;
    public static final int OFF_DETAIL_A = 48;
    public static final int OFF_DETAIL_B = 52;
    public static final int OFF_RESERVED = 56;

    /** Trailer word offsets, relative to {@link #trailerOffset(int)}. */
    public static final int TRAILER_TAIL = 0;
    public static final int TRAILER_HEAD = 128;
    public static final int TRAILER_CONSUMER_WAITING = 256;
    public static final int TRAILER_FULL_STALLS = 384;
    public static final int TRAILER_BYTES = 512;

    public static final int MIN_CAPACITY = 64;
    public static final int MAX_CAPACITY = 1 << 24;

    /** 32 bytes, decoded without error. */
    public static final int KIND_BEAT = 1;
    /** 32 bytes, rejected by the decoder ({@code decode_error} says why). */
    public static final int KIND_DECODE_ERROR = 2;
    /** Length other than 32 ({@code datagram_len}; 33 = overlong). */
    public static final int KIND_WRONG_LENGTH = 3;
    /** The kernel attached no SCM_CREDENTIALS. */
    public static final int KIND_NO_CREDENTIALS = 4;
    /** Peer uid differs from the observer's real uid. */
    public static final int KIND_UID_MISMATCH = 5;
    /** MSG_CTRUNC: control data truncated. */
    public static final int KIND_CTRUNC = 6;
    /** recvmmsg failed ({@code detail_a} = errno); no datagram consumed. */
    public static final int KIND_IO_ERROR = 7;

    public static final int TRANSPORT_UDS = 0;
    public static final int TRANSPORT_UDP = 1;

    private RingDescriptor()
    {
    }

    /**
     * Any thread.
     *
     * @param capacity records (a power of two)
     * @return byte offset of the trailer
     */
    public static long trailerOffset(final int capacity)
    {
        return (long) capacity * RECORD_BYTES;
    }

    /**
     * Any thread.
     *
     * @param capacity records (a power of two)
     * @return bytes of the whole region
     */
    public static long regionBytes(final int capacity)
    {
        return trailerOffset(capacity) + TRAILER_BYTES;
    }

    /**
     * Any thread.
     *
     * @param capacity records
     * @return whether capacity is a power of two in [{@link #MIN_CAPACITY}, {@link #MAX_CAPACITY}]
     */
    public static boolean isValidCapacity(final int capacity)
    {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && Integer.bitCount(capacity) == 1;
    }
}
