package io.varta.watch.observer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A duration histogram in the reference's buckets {@code 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, +Inf}
 * seconds: work time per observer-loop iteration ({@code varta_observer_iteration_seconds}, the sleep between
 * iterations excluded) and time per served scrape ({@code varta_observer_serve_pending_seconds}).
 *
 * <p>Threading: {@link #observe} belongs to one writer thread (the observer thread, or callers holding one lock): a
 * few comparisons and two opaque stores, no allocation, no lock. {@link #cumulativeCounts} and {@link #sumNanos} may be called from
 * any thread; each value is read atomically (never torn); the count is the sum of the per-bucket counts
 * read, so the {@code +Inf} bucket always equals the count rendered next to it.
 */
public final class DurationHistogram
{
    /** Upper bounds in seconds, {@code +Inf} last. */
    public static final double[] UPPER_BOUNDS_SECONDS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0,
        Double.POSITIVE_INFINITY};
    private static final long[] UPPER_BOUNDS_NANOS = {1_000_000L, 5_000_000L, 10_000_000L, 50_000_000L,
        100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L};
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SUM;

    static
    {
        try
        {
            SUM = MethodHandles.lookup().findVarHandle(DurationHistogram.class, "sumNanos", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Non-cumulative: observations that fell into bucket i (the last is {@code (1 s, +Inf)}). */
    private final long[] buckets = new long[UPPER_BOUNDS_SECONDS.length];
    @SuppressWarnings("unused") // accessed through SUM
    private long sumNanos;

    /**
     * Writer thread only.
     *
     * @param nanos duration of one iteration's work
     */
    public void observe(final long nanos)
    {
        int i = 0;
        while (i < UPPER_BOUNDS_NANOS.length && nanos > UPPER_BOUNDS_NANOS[i])
        {
            i++;
        }
        LONGS.setOpaque(buckets, i, (long)LONGS.getOpaque(buckets, i) + 1);
        SUM.setOpaque(this, (long)SUM.getOpaque(this) + nanos);
    }

    /**
     * Any thread.
     *
     * @return observations per bucket of {@link #UPPER_BOUNDS_SECONDS}, not cumulative (their sum is the count)
     */
    public long[] bucketCounts()
    {
        final long[] out = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++)
        {
            out[i] = (long)LONGS.getOpaque(buckets, i);
        }
        return out;
    }

    /** Any thread: sum of all observations in nanoseconds. */
    public long sumNanos()
    {
        return (long)SUM.getOpaque(this);
    }
}
