package io.varta.watch.nativeio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The consumer side of the off-heap single-producer/single-consumer ring that the native receiver fills
 * (layout and protocol: {@code native/include/varta/ring.h}, numbers: {@link RingDescriptor}). Owns a 64-byte-aligned direct buffer of
 * {@link RingDescriptor#regionBytes(int)} bytes.
 *
 * <pre>{@code
 * Ring ring = new Ring(65536);
 * int n = ring.drain(record -> tracker.onBeat(record), 1024); // observer thread
 * }</pre>
 *
 * <p>Threading: {@link #drain} only on the observer thread (the single consumer); {@link #available()},
 * {@link #fullStalls()}, {@link #datagramsRead()} and {@link #capacity()} on any thread. {@code drain}
 * allocates nothing.
 */
public final class Ring
{
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int ALIGNMENT = 64;

    private final int capacity;
    private final int mask;
    private final ByteBuffer region;
    private final int tailOffset;
    private final int headOffset;
    private final int waitingOffset;
    private final int fullStallsOffset;
    private final int datagramsReadOffset;
    private final RingRecord record;

    /**
     * Allocates a zeroed ring. Any thread.
     *
     * @param capacityRecords a power of two in [{@link RingDescriptor#MIN_CAPACITY},
     *                        {@link RingDescriptor#MAX_CAPACITY}]
     * @throws IllegalArgumentException for any other capacity
     */
    public Ring(final int capacityRecords)
    {
        if (!RingDescriptor.isValidCapacity(capacityRecords))
        {
            throw new IllegalArgumentException("ring capacity must be a power of two in ["
                + RingDescriptor.MIN_CAPACITY + ", " + RingDescriptor.MAX_CAPACITY + "]: " + capacityRecords);
        }
        final int bytes = Math.toIntExact(RingDescriptor.regionBytes(capacityRecords));
        this.capacity = capacityRecords;
        this.mask = capacityRecords - 1;
        this.region = ByteBuffer.allocateDirect(bytes + ALIGNMENT).alignedSlice(ALIGNMENT).order(ByteOrder.nativeOrder());
        final int trailer = (int) RingDescriptor.trailerOffset(capacityRecords);
        this.tailOffset = trailer + RingDescriptor.TRAILER_TAIL;
        this.headOffset = trailer + RingDescriptor.TRAILER_HEAD;
        this.waitingOffset = trailer + RingDescriptor.TRAILER_CONSUMER_WAITING;
        this.fullStallsOffset = trailer + RingDescriptor.TRAILER_FULL_STALLS;
        this.datagramsReadOffset = trailer + RingDescriptor.TRAILER_DATAGRAMS_READ;
        this.record = new RingRecord(region);
    }

    /**
     * Any thread.
     *
     * @return capacity in records
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Hands up to {@code limit} published records to {@code handler} in order, then releases their slots to
     * the producer with one store-release of {@code head}. A record whose handler threw counts as consumed.
     * Observer thread only; allocates nothing.
     *
     * @param handler called once per record with a flyweight
     * @param limit   most records to hand out
     * @return records handed out
     */
    public int drain(final RecordHandler handler, final int limit)
    {
        final long head = (long) LONG.get(region, headOffset); // only this thread writes head
        final long tail = (long) LONG.getAcquire(region, tailOffset); // pairs with the producer's release
        final long end = head + Math.min(tail - head, Math.max(limit, 0));
        long position = head;
        try
        {
            while (position < end)
            {
                record.moveTo((int) (position & mask) * RingDescriptor.RECORD_BYTES);
                position++;
                handler.onRecord(record);
            }
        }
        finally
        {
            if (position != head)
            {
                LONG.setRelease(region, headOffset, position); // record reads happen-before the slot reuse
            }
        }
        return (int) (position - head);
    }

    /**
     * Any thread (acquire reads).
     *
     * @return records published and not yet drained
     */
    public long available()
    {
        final long head = (long) LONG.getAcquire(region, headOffset);
        final long tail = (long) LONG.getAcquire(region, tailOffset);
        return tail - head;
    }

    /**
     * Any thread (acquire read).
     *
     * @return how many times the producer found the ring full and stopped reading its socket
     */
    public long fullStalls()
    {
        return (long) LONG.getAcquire(region, fullStallsOffset);
    }

    /**
     * Any thread (acquire read); no JNI call.
     *
     * @return datagrams the producer took off its sockets. The producer counts them before it publishes their
     *     records, so after draining up to a tail this is {@code >=} the records drained (IO_ERROR records
     *     excluded: they consume no datagram); equal once the producer has stopped.
     */
    public long datagramsRead()
    {
        return (long) LONG.getAcquire(region, datagramsReadOffset);
    }

    /** The region handed to the native receiver. */
    public ByteBuffer region()
    {
        return region;
    }

    /** Observer thread: announces (1) or retracts (0) that it is about to sleep; volatile store. */
    public void consumerWaiting(final int waiting)
    {
        INT.setVolatile(region, waitingOffset, waiting);
    }
}
