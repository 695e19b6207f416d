package io.varta.watch.tracker;

import java.util.function.LongSupplier;

/**
 * Observer time: nanoseconds since the clock was created, read from a raw source and forced to be
 * non-decreasing. A backward step of the source returns the previous value and is counted
 * ({@code varta_observer_clock_regression_total}); a forward step of more than 5 s between two reads is
 * taken but counted ({@code varta_observer_clock_jump_forward_total}).
 *
 * <p>Sources: {@link #monotonic()} ({@code System.nanoTime}, CLOCK_MONOTONIC on Linux, pauses during
 * suspend) or any supplier the caller wires in, such as a native CLOCK_BOOTTIME read.
 *
 * <p><b>Threading:</b> not thread-safe; observer thread only (it is the tracker's time base).
 *
 * <pre>{@code
 * ObserverClock clock = ObserverClock.monotonic();
 * long now = clock.nowNanos();
 * }</pre>
 */
public final class ObserverClock
{
    /** Forward steps larger than this between two reads are counted as jumps. */
    public static final long FORWARD_JUMP_NANOS = 5_000_000_000L;

    private final LongSupplier source;
    private final long origin;
    private long last;
    private long regressions;
    private long forwardJumps;

    /**
     * Any thread may construct; afterwards observer thread only.
     *
     * @param source raw nanosecond clock; its value at construction becomes observer time 0
     */
    public ObserverClock(final LongSupplier source)
    {
        this.source = java.util.Objects.requireNonNull(source, "source");
        this.origin = source.getAsLong();
    }

    /** @return a clock over {@link System#nanoTime()}; any thread may construct */
    public static ObserverClock monotonic()
    {
        return new ObserverClock(System::nanoTime);
    }

    /**
     * Reads the source. Observer thread only.
     *
     * @return nanoseconds since construction, never smaller than the previous result
     */
    public long nowNanos()
    {
        final long raw = source.getAsLong() - origin;
        final long step = raw - last;
        if (step < 0)
        {
            regressions++;
            return last;
        }
        if (step > FORWARD_JUMP_NANOS)
        {
            forwardJumps++;
        }
        last = raw;
        return raw;
    }

    /** @return the last value returned by {@link #nowNanos()} (0 before the first read); observer thread only */
    public long lastNanos()
    {
        return last;
    }

    /**
     * Converts an observer time back to the raw source's scale (to sleep until a deadline with
     * {@code LockSupport.parkNanos(raw - System.nanoTime())}, for example). Observer thread only.
     *
     * @param observerNanos observer time
     * @return the matching raw source value
     */
    public long toSourceNanos(final long observerNanos)
    {
        return observerNanos + origin;
    }

    /** @return backward steps absorbed; observer thread only */
    public long regressions()
    {
        return regressions;
    }

    /** @return forward steps larger than {@link #FORWARD_JUMP_NANOS}; observer thread only */
    public long forwardJumps()
    {
        return forwardJumps;
    }
}
