package io.varta.watch.nativeio;

import java.nio.ByteBuffer;

/**
 * A flyweight over one 64-byte ring record (layout and field meanings: {@code native/include/varta/ring.h}). The {@link Ring} moves it from
 * slot to slot; it is valid only inside {@link RecordHandler#onRecord(RingRecord)}. Reads are plain: the
 * ring's acquire of {@code tail} already made the record visible.
 *
 * <p>Observer thread only (the thread calling {@link Ring#drain}); no allocation.
 */
public final class RingRecord
{
    private final ByteBuffer region;
    private int base;

    RingRecord(final ByteBuffer region)
    {
        this.region = region;
    }

    void moveTo(final int offset)
    {
        base = offset;
    }

    /**
     * @return CLOCK_MONOTONIC ns (System.nanoTime's clock) when this datagram was queued on its socket: the
     *     kernel's receive timestamp of this datagram (not of its batch), moved to CLOCK_MONOTONIC and kept
     *     within [the socket's last drain, the batch's read time]; the read time if the kernel attached none
     */
    public long recvNanos()
    {
        return region.getLong(base + RingDescriptor.OFF_RECV_NS);
    }

    /** @return frame timestamp (agent clock), valid for BEAT and decode errors after the CRC check */
    public long timestamp()
    {
        return region.getLong(base + RingDescriptor.OFF_TIMESTAMP);
    }

    /** @return frame nonce (u64 bits; -1 is the terminal nonce) */
    public long nonce()
    {
        return region.getLong(base + RingDescriptor.OFF_NONCE);
    }

    /** @return pid claimed by the frame, unsigned */
    public long framePid()
    {
        return Integer.toUnsignedLong(region.getInt(base + RingDescriptor.OFF_FRAME_PID));
    }

    /** @return frame payload, unsigned */
    public long payload()
    {
        return Integer.toUnsignedLong(region.getInt(base + RingDescriptor.OFF_PAYLOAD));
    }

    /** @return kernel-verified sender pid, 0 if the kernel attached no credentials */
    public int peerPid()
    {
        return region.getInt(base + RingDescriptor.OFF_PEER_PID);
    }

    /** @return kernel-verified sender uid, unsigned; 0xFFFFFFFF if none */
    public long peerUid()
    {
        return Integer.toUnsignedLong(region.getInt(base + RingDescriptor.OFF_PEER_UID));
    }

    /** @return one of {@code RingDescriptor.KIND_*} */
    public int kind()
    {
        return region.get(base + RingDescriptor.OFF_KIND) & 0xFF;
    }

    /** @return frame status byte as received */
    public int status()
    {
        return region.get(base + RingDescriptor.OFF_STATUS) & 0xFF;
    }

    /** @return {@code DecodeError} ordinal + 1, 0 unless {@link #kind()} is KIND_DECODE_ERROR */
    public int decodeErrorCode()
    {
        return region.get(base + RingDescriptor.OFF_DECODE_ERROR) & 0xFF;
    }

    /** @return one of {@code RingDescriptor.TRANSPORT_*} */
    public int transport()
    {
        return region.get(base + RingDescriptor.OFF_TRANSPORT) & 0xFF;
    }

    /** @return bytes received (33 means longer than a frame) */
    public int datagramLength()
    {
        return region.getInt(base + RingDescriptor.OFF_DATAGRAM_LEN);
    }

    /** @return BadCrc: computed CRC; IO_ERROR: errno; BadStatus: the status byte */
    public int detailA()
    {
        return region.getInt(base + RingDescriptor.OFF_DETAIL_A);
    }

    /** @return BadCrc: the CRC stored in the frame */
    public int detailB()
    {
        return region.getInt(base + RingDescriptor.OFF_DETAIL_B);
    }

    /** @return trust in the sender identity: {@code RingDescriptor.ORIGIN_*}, the ranks of tracker.BeatOrigin */
    public int origin()
    {
        return region.get(base + RingDescriptor.OFF_ORIGIN) & 0xFF;
    }

    /** @return index of the listener that read it, in the list the receiver was started with */
    public int listener()
    {
        return region.get(base + RingDescriptor.OFF_LISTENER) & 0xFF;
    }

    /** @return UDP: the sender's port; 0 for UDS */
    public int sourcePort()
    {
        return region.getShort(base + RingDescriptor.OFF_SOURCE_PORT) & 0xFFFF;
    }

    /** @return UDP: a 32-bit hash of the sender's address (defined by the UDP transport); 0 for UDS */
    public int sourceAddressHash()
    {
        return region.getInt(base + RingDescriptor.OFF_SOURCE_HASH);
    }
}
