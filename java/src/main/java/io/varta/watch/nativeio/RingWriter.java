package io.varta.watch.nativeio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Java producer for the ring, writing records in exactly the layout the native receiver writes
 * ({@code native/include/varta/ring.h}). It exists so that benchmarks and tests can drive the observer
 * thread with synthetic traffic (millions of pids, exact receive times, any record kind) without sockets:
 * {@link #writeBeat} is the fast path for valid beats, {@link #write(RecordDraft)} writes any record with
 * every field.
 *
 * <p>Threading: one producer thread; never use it on a ring that a native {@code Receiver} also fills
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
    private final int datagramsReadOffset;
    private long tail;
    private long datagramsRead;

    /** @param ring the ring to fill; its consumer is the observer thread */
    public RingWriter(final Ring ring)
    {
        this.region = ring.region();
        this.capacity = ring.capacity();
        this.mask = capacity - 1;
        final int trailer = (int)RingDescriptor.trailerOffset(capacity);
        this.tailOffset = trailer + RingDescriptor.TRAILER_TAIL;
        this.headOffset = trailer + RingDescriptor.TRAILER_HEAD;
        this.datagramsReadOffset = trailer + RingDescriptor.TRAILER_DATAGRAMS_READ;
        this.tail = (long)LONG.getAcquire(region, tailOffset);
        this.datagramsRead = (long)LONG.getAcquire(region, datagramsReadOffset);
    }

    /** @return free slots right now (acquire read of the consumer's head) */
    public int freeSlots()
    {
        return capacity - (int)(tail - (long)LONG.getAcquire(region, headOffset));
    }

    /**
     * Writes one valid-beat record over UDS (kernel-verified sender = the frame's pid, origin KERNEL_ATTESTED,
     * listener 0) without publishing it.
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
        r.put(at + RingDescriptor.OFF_TRANSPORT, (byte)RingDescriptor.TRANSPORT_UDS);
        r.putInt(at + RingDescriptor.OFF_DATAGRAM_LEN, 32);
        r.putInt(at + RingDescriptor.OFF_DETAIL_A, 0);
        r.putInt(at + RingDescriptor.OFF_DETAIL_B, 0);
        r.put(at + RingDescriptor.OFF_ORIGIN, (byte)RingDescriptor.ORIGIN_KERNEL_ATTESTED);
        r.put(at + RingDescriptor.OFF_LISTENER, (byte)0);
        r.putShort(at + RingDescriptor.OFF_SOURCE_PORT, (short)0);
        r.putInt(at + RingDescriptor.OFF_SOURCE_HASH, 0);
        tail++;
        datagramsRead++;
        return true;
    }

    /**
     * Writes one record with every field of {@code draft}, without publishing it. Counts it in the trailer's
     * datagrams_read unless it is an IO_ERROR record (as the native receiver does).
     *
     * @return false if the ring is full (nothing written)
     */
    public boolean write(final RecordDraft draft)
    {
        if (freeSlots() <= 0)
        {
            return false;
        }
        final int at = (int)(tail & mask) * RingDescriptor.RECORD_BYTES;
        final ByteBuffer r = region;
        r.putLong(at + RingDescriptor.OFF_RECV_NS, draft.recvNanos);
        r.putLong(at + RingDescriptor.OFF_TIMESTAMP, draft.timestamp);
        r.putLong(at + RingDescriptor.OFF_NONCE, draft.nonce);
        r.putInt(at + RingDescriptor.OFF_FRAME_PID, draft.framePid);
        r.putInt(at + RingDescriptor.OFF_PAYLOAD, draft.payload);
        r.putInt(at + RingDescriptor.OFF_PEER_PID, draft.peerPid);
        r.putInt(at + RingDescriptor.OFF_PEER_UID, draft.peerUid);
        r.put(at + RingDescriptor.OFF_KIND, (byte)draft.kind);
        r.put(at + RingDescriptor.OFF_STATUS, (byte)draft.status);
        r.put(at + RingDescriptor.OFF_DECODE_ERROR, (byte)draft.decodeErrorCode);
        r.put(at + RingDescriptor.OFF_TRANSPORT, (byte)draft.transport);
        r.putInt(at + RingDescriptor.OFF_DATAGRAM_LEN, draft.datagramLength);
        r.putInt(at + RingDescriptor.OFF_DETAIL_A, draft.detailA);
        r.putInt(at + RingDescriptor.OFF_DETAIL_B, draft.detailB);
        r.put(at + RingDescriptor.OFF_ORIGIN, (byte)draft.origin);
        r.put(at + RingDescriptor.OFF_LISTENER, (byte)draft.listener);
        r.putShort(at + RingDescriptor.OFF_SOURCE_PORT, (short)draft.sourcePort);
        r.putInt(at + RingDescriptor.OFF_SOURCE_HASH, draft.sourceAddressHash);
        tail++;
        if (RingDescriptor.KIND_IO_ERROR != draft.kind)
        {
            datagramsRead++;
        }
        return true;
    }

    /**
     * Publishes every record written so far: datagrams_read, then a store-release of tail, in the order the
     * native producer uses.
     */
    public void publish()
    {
        LONG.setRelease(region, datagramsReadOffset, datagramsRead);
        LONG.setRelease(region, tailOffset, tail);
    }
}
