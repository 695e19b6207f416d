package io.varta.watch.nativeio;

/**
 * The numbers of the off-heap receive ring as compile-time constants (for {@code switch} cases and offsets).
 * The layout, the field meanings and the publication protocol are described once, in
 * {@code native/include/varta/ring.h}; read it there.
 *
 * <p>Every {@code public static final int} of this class is checked by name against the constant table of
 * the loaded native library ({@link NativeLibrary}, right after loading it, {@link #ABI_VERSION} first): a
 * library built from another layout is refused with the field that differs, before any record is read.
 *
 * <p>Constants only; any thread.
 */
public final class RingDescriptor
{
    /** {@code VARTA_RING_ABI_VERSION}: changes with every change of the layout or of a value's meaning. */
    public static final int ABI_VERSION = 3;

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
    public static final int OFF_ORIGIN = 56;
    public static final int OFF_LISTENER = 57;
    public static final int OFF_SOURCE_PORT = 58;
    public static final int OFF_SOURCE_HASH = 60;

    /** Trailer word offsets, relative to {@link #trailerOffset(int)}. */
    public static final int TRAILER_TAIL = 0;
    public static final int TRAILER_HEAD = 128;
    public static final int TRAILER_CONSUMER_WAITING = 256;
    public static final int TRAILER_FULL_STALLS = 384;
    public static final int TRAILER_DATAGRAMS_READ = 512;
    public static final int TRAILER_BYTES = 640;

    /** {@code consumer_waiting}: the consumer is awake (it re-reads tail before it sleeps). */
    public static final int CONSUMER_AWAKE = 0;
    /** {@code consumer_waiting}: the consumer sleeps until the next publication wakes it. */
    public static final int CONSUMER_SLEEPING = 1;
    /** {@code consumer_waiting}: the consumer sleeps on its own short timer; wake it only when the ring is half full. */
    public static final int CONSUMER_BATCHING = 2;

    public static final int MIN_CAPACITY = 64;
    public static final int MAX_CAPACITY = 1 << 24;

    /** A frame, decoded without error. */
    public static final int KIND_BEAT = 1;
    /** A frame the decoder rejected ({@code decode_error} says why). */
    public static final int KIND_DECODE_ERROR = 2;
    /** A length that is no datagram size of the transport ({@code datagram_len}; its largest + 1 = longer). */
    public static final int KIND_WRONG_LENGTH = 3;
    /** UDS: the kernel attached no SCM_CREDENTIALS. */
    public static final int KIND_NO_CREDENTIALS = 4;
    /** UDS: peer uid differs from the observer's real uid. */
    public static final int KIND_UID_MISMATCH = 5;
    /** MSG_CTRUNC: control data truncated. */
    public static final int KIND_CTRUNC = 6;
    /** recvmmsg failed ({@code detail_a} = errno); no datagram consumed. */
    public static final int KIND_IO_ERROR = 7;
    /** Secure UDP (reserved, not written yet): no key authenticated the datagram. */
    public static final int KIND_DECRYPT_FAILED = 8;
    /** Secure UDP (reserved, not written yet): authenticated, but its IV counter did not advance. */
    public static final int KIND_REPLAY_REFUSED = 9;
    /** Secure UDP (reserved, not written yet): a new authenticated sender found the replay table full. */
    public static final int KIND_SENDER_TABLE_FULL = 10;

    public static final int TRANSPORT_UDS = 0;
    /** Plaintext UDP (no listener yet). */
    public static final int TRANSPORT_UDP = 1;
    /** ChaCha20-Poly1305 UDP (no listener yet). */
    public static final int TRANSPORT_SECURE_UDP = 2;

    /** Origin ranks: the same numbers as {@code tracker.BeatOrigin} (asserted by RingLayoutTest). */
    public static final int ORIGIN_NETWORK_UNVERIFIED = 0;
    public static final int ORIGIN_SOCKET_MODE_ONLY = 1;
    public static final int ORIGIN_OPERATOR_ATTESTED_TRANSPORT = 2;
    public static final int ORIGIN_KERNEL_ATTESTED = 3;

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
