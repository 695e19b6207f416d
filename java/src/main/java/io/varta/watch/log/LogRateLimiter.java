package io.varta.watch.log;

import java.util.concurrent.TimeUnit;

/**
 * Per-{@link LogKind} cooldown for repeated diagnostics. The first message of a kind always passes;
 * later ones pass only once the cooldown since the last passed message has elapsed, and then carry the
 * number of messages suppressed in between. Totals of suppressed messages are kept per kind for the
 * metrics endpoint.
 *
 * <p>Thread-safe: every method may be called from any thread (state is guarded by {@code this}).
 */
public final class LogRateLimiter
{
    /** The reference's cooldown: one second per kind. */
    public static final long DEFAULT_COOLDOWN_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Returned by {@link #admit} when the message must be dropped. */
    public static final long SUPPRESS = -1L;

    private static final int KINDS = LogKind.values().length;

    private final long cooldownNanos;
    private final boolean[] emittedOnce = new boolean[KINDS];
    private final long[] lastEmitNanos = new long[KINDS];
    private final long[] suppressedSinceEmit = new long[KINDS];
    private final long[] suppressedTotal = new long[KINDS];

    /**
     * Creates a limiter with the given cooldown. Any thread.
     *
     * @param cooldownNanos minimum spacing between two passed messages of one kind, &gt; 0
     */
    public LogRateLimiter(final long cooldownNanos)
    {
        if (cooldownNanos <= 0)
        {
            throw new IllegalArgumentException("cooldown must be positive: " + cooldownNanos);
        }
        this.cooldownNanos = cooldownNanos;
    }

    /**
     * Decides whether a message of {@code kind} observed at {@code nowNanos} goes out. Any thread.
     *
     * @param kind the message family
     * @param nowNanos a monotonic timestamp ({@link System#nanoTime()} or an injected clock)
     * @return {@link #SUPPRESS} if the message must be dropped, otherwise the number of messages of this
     *     kind dropped since the previous passed one (0 when none)
     */
    public synchronized long admit(final LogKind kind, final long nowNanos)
    {
        final int k = kind.ordinal();
        if (emittedOnce[k] && nowNanos - lastEmitNanos[k] < cooldownNanos)
        {
            suppressedSinceEmit[k]++;
            suppressedTotal[k]++;
            return SUPPRESS;
        }
        final long dropped = suppressedSinceEmit[k];
        emittedOnce[k] = true;
        lastEmitNanos[k] = nowNanos;
        suppressedSinceEmit[k] = 0;
        return dropped;
    }

    /**
     * Messages of {@code kind} dropped since start. Any thread.
     *
     * @param kind the message family
     * @return the running total (never reset)
     */
    public synchronized long suppressedTotal(final LogKind kind)
    {
        return suppressedTotal[kind.ordinal()];
    }
}
