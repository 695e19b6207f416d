package io.varta.watch.observer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters the observer thread publishes for other threads (metrics scrapes, shutdown summary).
 *
 * <p>Threading: {@link #increment} is for the single writer, the observer thread; it never takes a lock.
 * {@link #get} may be called from any thread. Values are written and read with opaque access, which is
 * atomic for {@code long}: a reader never sees a torn 64-bit value, only a slightly stale one.
 */
public final class IngestCounters
{
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final IngestCounter[] ALL = IngestCounter.values();

    private final long[] values = new long[ALL.length];
    private volatile long firstRecvNanos;
    private volatile long lastRecvNanos;

    /** Observer thread only. */
    public void increment(final IngestCounter counter)
    {
        final int i = counter.ordinal();
        LONGS.setOpaque(values, i, (long)LONGS.getOpaque(values, i) + 1);
    }

    /** Observer thread only: publishes a value computed elsewhere (a gauge or the tracker's own count). */
    public void set(final IngestCounter counter, final long value)
    {
        LONGS.setOpaque(values, counter.ordinal(), value);
    }

    /**
     * Observer thread only, once per drained batch: publishes the receive-time window of the datagrams
     * seen so far (for the ingest-rate summary).
     */
    void publishReceiveWindow(final long firstNanos, final long lastNanos)
    {
        if (0 == firstRecvNanos)
        {
            firstRecvNanos = firstNanos;
        }
        lastRecvNanos = lastNanos;
    }

    /** Any thread. */
    public long get(final IngestCounter counter)
    {
        return (long)LONGS.getOpaque(values, counter.ordinal());
    }

    /** Any thread: CLOCK_MONOTONIC ns of the first datagram received, 0 if none. */
    public long firstRecvNanos()
    {
        return firstRecvNanos;
    }

    /** Any thread: CLOCK_MONOTONIC ns of the latest datagram received, 0 if none. */
    public long lastRecvNanos()
    {
        return lastRecvNanos;
    }

    /** Any thread: sum of the per-datagram outcome counters (equals {@link IngestCounter#DATAGRAMS} at rest). */
    public long outcomesTotal()
    {
        long sum = 0;
        for (final IngestCounter c : ALL)
        {
            if (c.isDatagramOutcome())
            {
                sum += get(c);
            }
        }
        return sum;
    }
}
