package io.varta.watch.nativeio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Java producer for the ring, writing records in exactly the layout the native receiver writes
 * ({@link RingDescriptor}). It exists so that benchmarks and tests can drive the observer thread with
 * synthetic traffic (millions of pids, exact receive times) without sockets.
 *
 * <p>Threading: one producer thread; never use it on a ring that a native {@link Receiver} also fills
 * (the ring has exactly one producer). Records are published in batches by {@link #publish()}.
 */
public final class RingWriter
{
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final ByteBuffer region;
    private final int mask;
    private final int capacity;
    private final int tailOffset;
    private final int headOffset;
    private long tail;

    /** @param ring the ring to fill; its consumer is the observer thread */
    public RingWriter(final Ring ring)
    {
        this.region = ring.region();
        this.capacity = ring.capacity();
        this.mask = capacity - 1;
        final int trailer = (int)RingDescriptor.trailerOffset(capacity);
        this.tailOffset = trailer + RingDescriptor.TRAILER_TAIL;
        this.headOffset = trailer + RingDescriptor.TRAILER_HEAD;
        this.tail = (long)LONG.getAcquire(region, tailOffset);
    }

    /** @return free slots right now (acquire read of the consumer's head) */
    public int freeSlots()
    {
        return capacity - (int)(tail - (long)LONG.getAcquire(region, headOffset));
    }

    /**
     * Writes one valid-beat record (kernel-verified sender = the frame's pid) without publishing it.
     *
     * @return false if the ring is full (nothing written)
     */
    public boolean writeBeat(final long recvNanos, final long pid, final int status, final long nonce,
        final long timestamp, final long payload)
    {
        if (freeSlots() <= 0)
        {
            return false;
        }
        final int at = (int)(tail & mask) * RingDescriptor.RECORD_BYTES;
        final ByteBuffer r = region;
        r.putLong(at + RingDescriptor.OFF_RECV_NS, recvNanos);
        r.putLong(at + RingDescriptor.OFF_TIMESTAMP, timestamp);
        r.putLong(at + RingDescriptor.OFF_NONCE, nonce);
        r.putInt(at + RingDescriptor.OFF_FRAME_PID, (int)pid);
        r.putInt(at + RingDescriptor.OFF_PAYLOAD, (int)payload);
        r.putInt(at + RingDescriptor.OFF_PEER_PID, (int)pid);
        r.putInt(at + RingDescriptor.OFF_PEER_UID, 0);
        r.put(at + RingDescriptor.OFF_KIND, (byte)RingDescriptor.KIND_BEAT);
        r.put(at + RingDescriptor.OFF_STATUS, (byte)status);
        r.put(at + RingDescriptor.OFF_DECODE_ERROR, (byte)0);
        r.put(at + RingDescriptor.OFF_TRANSPORT, (byte)0);
        r.putInt(at + RingDescriptor.OFF_DATAGRAM_LEN, 32);
        tail++;
        return true;
    }

    /** Publishes every record written so far (store-release of tail, as the native producer does). */
    public void publish()
    {
        LONG.setRelease(region, tailOffset, tail);
    }
}
