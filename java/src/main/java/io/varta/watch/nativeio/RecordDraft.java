package io.varta.watch.nativeio;

/**
 * Every field of one ring record, to be written by {@link RingWriter#write(RecordDraft)}: lets tests and
 * benchmarks put any record kind with any field values into a ring (a refused credential, a decode error, a
 * UDP beat of a given origin, a chosen receive time) without a socket. Field meanings:
 * {@code native/include/varta/ring.h}.
 *
 * <pre>{@code
 * writer.write(RecordDraft.beat(4242, 7).recvNanos(t0).origin(RingDescriptor.ORIGIN_SOCKET_MODE_ONLY));
 * writer.write(RecordDraft.of(RingDescriptor.KIND_UID_MISMATCH).peerPid(4242).peerUid(65534));
 * writer.publish();
 * }</pre>
 *
 * <p>Mutable, not thread-safe: one thread builds and writes it. A draft may be changed and written again.
 */
public final class RecordDraft
{
    long recvNanos;
    long timestamp;
    long nonce;
    int framePid;
    int payload;
    int peerPid;
    int peerUid = -1;
    int kind;
    int status;
    int decodeErrorCode;
    int transport = RingDescriptor.TRANSPORT_UDS;
    int datagramLength;
    int detailA;
    int detailB;
    int origin = RingDescriptor.ORIGIN_KERNEL_ATTESTED;
    int listener;
    int sourcePort;
    int sourceAddressHash;

    private RecordDraft()
    {
    }

    /**
     * Any thread.
     *
     * @param kind a {@code RingDescriptor.KIND_*} value
     * @return a UDS record of that kind, everything else zero (peer uid 0xFFFFFFFF = none, origin
     *     KERNEL_ATTESTED, datagram length 32 except for IO_ERROR)
     */
    public static RecordDraft of(final int kind)
    {
        final RecordDraft draft = new RecordDraft();
        draft.kind = kind;
        draft.datagramLength = RingDescriptor.KIND_IO_ERROR == kind ? 0 : 32;
        return draft;
    }

    /**
     * Any thread.
     *
     * @param pid   frame pid, also the kernel-verified peer pid
     * @param nonce frame nonce
     * @return a valid Ok beat over UDS from {@code pid}, kernel-attested, peer uid 0, 32 bytes
     */
    public static RecordDraft beat(final long pid, final long nonce)
    {
        return of(RingDescriptor.KIND_BEAT).framePid(pid).peerPid((int) pid).peerUid(0).nonce(nonce);
    }

    /** @param nanos CLOCK_MONOTONIC receive time @return this */
    public RecordDraft recvNanos(final long nanos)
    {
        this.recvNanos = nanos;
        return this;
    }

    /** @param value frame timestamp @return this */
    public RecordDraft timestamp(final long value)
    {
        this.timestamp = value;
        return this;
    }

    /** @param value frame nonce (u64 bits) @return this */
    public RecordDraft nonce(final long value)
    {
        this.nonce = value;
        return this;
    }

    /** @param pid frame pid (u32) @return this */
    public RecordDraft framePid(final long pid)
    {
        this.framePid = (int) pid;
        return this;
    }

    /** @param value frame payload (u32) @return this */
    public RecordDraft payload(final long value)
    {
        this.payload = (int) value;
        return this;
    }

    /** @param pid kernel-verified sender pid, 0 for none @return this */
    public RecordDraft peerPid(final int pid)
    {
        this.peerPid = pid;
        return this;
    }

    /** @param uid kernel-verified sender uid (u32), 0xFFFFFFFF for none @return this */
    public RecordDraft peerUid(final long uid)
    {
        this.peerUid = (int) uid;
        return this;
    }

    /** @param value a {@code RingDescriptor.KIND_*} value @return this */
    public RecordDraft kind(final int value)
    {
        this.kind = value;
        return this;
    }

    /** @param value frame status byte @return this */
    public RecordDraft status(final int value)
    {
        this.status = value;
        return this;
    }

    /** @param code {@code DecodeError} ordinal + 1, 0 for none @return this */
    public RecordDraft decodeErrorCode(final int code)
    {
        this.decodeErrorCode = code;
        return this;
    }

    /** @param value a {@code RingDescriptor.TRANSPORT_*} value @return this */
    public RecordDraft transport(final int value)
    {
        this.transport = value;
        return this;
    }

    /** @param bytes bytes received @return this */
    public RecordDraft datagramLength(final int bytes)
    {
        this.datagramLength = bytes;
        return this;
    }

    /** @param value BadCrc: computed CRC; IO_ERROR: errno; BadStatus: status byte @return this */
    public RecordDraft detailA(final int value)
    {
        this.detailA = value;
        return this;
    }

    /** @param value BadCrc: stored CRC @return this */
    public RecordDraft detailB(final int value)
    {
        this.detailB = value;
        return this;
    }

    /** @param value a {@code RingDescriptor.ORIGIN_*} rank @return this */
    public RecordDraft origin(final int value)
    {
        this.origin = value;
        return this;
    }

    /** @param index listener index (0..255) @return this */
    public RecordDraft listener(final int index)
    {
        this.listener = index;
        return this;
    }

    /** @param port UDP source port (0..65535) @return this */
    public RecordDraft sourcePort(final int port)
    {
        this.sourcePort = port;
        return this;
    }

    /** @param hash UDP source-address hash @return this */
    public RecordDraft sourceAddressHash(final int hash)
    {
        this.sourceAddressHash = hash;
        return this;
    }
}
