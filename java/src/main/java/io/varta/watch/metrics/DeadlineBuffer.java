package io.varta.watch.metrics;

import java.io.ByteArrayOutputStream;
import java.util.function.LongSupplier;

/**
 * The in-memory body the text writer renders into, which gives up once a deadline has passed: every write
 * (the writer hands over 8 KiB at a time) checks the clock and throws {@link RenderDeadlineExceeded}, so a
 * render that would outlast the HTTP response window stops within a few microseconds of its deadline
 * instead of running on for a response nobody can receive any more.
 *
 * <p>Threading: one thread (the rendering one).
 */
final class DeadlineBuffer extends ByteArrayOutputStream
{
    /** No deadline. */
    static final long NONE = Long.MAX_VALUE;

    private final LongSupplier clock;
    private final long deadlineNanos;

    /**
     * @param initialBytes initial capacity
     * @param clock monotonic nanoseconds, the clock of {@code deadlineNanos}
     * @param deadlineNanos when to give up, or {@link #NONE}
     */
    DeadlineBuffer(final int initialBytes, final LongSupplier clock, final long deadlineNanos)
    {
        super(initialBytes);
        this.clock = clock;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Throws when the deadline has passed.
     *
     * @param clock the deadline's clock
     * @param deadlineNanos the deadline, or {@link #NONE}
     * @param what the work in progress, for the message
     */
    static void check(final LongSupplier clock, final long deadlineNanos, final String what)
    {
        if (NONE != deadlineNanos && clock.getAsLong() - deadlineNanos >= 0)
        {
            throw new RenderDeadlineExceeded(what);
        }
    }

    @Override
    public void write(final int b)
    {
        check(clock, deadlineNanos, "writing the body (" + count + " bytes so far)");
        super.write(b);
    }

    @Override
    public void write(final byte[] b, final int off, final int len)
    {
        check(clock, deadlineNanos, "writing the body (" + count + " bytes so far)");
        super.write(b, off, len);
    }
}
