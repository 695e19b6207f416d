package io.varta.watch.recovery;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Recovery's counters, published for {@code /metrics}: one count per {@link RecoveryOutcome} and the
 * {@link RecoveryCounter}s. An all-zero instance stands for "recovery not configured" (every family is still
 * rendered, at 0).
 *
 * <p>Threading: each value has one writer thread, the one its constant names (outcomes: spawned, spawn_failed,
 * reaped_*, killed on the recovery thread; debounced, refused_*, skipped_* on the observer thread). Writes and
 * reads are opaque, atomic for {@code long}: a reader sees a slightly stale value, never a torn one. Reads from
 * any thread.
 */
public final class RecoveryStats
{
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] outcomes = new long[RecoveryOutcome.values().length];
    private final long[] counters = new long[RecoveryCounter.values().length];

    /** Writer of the outcome only. */
    void count(final RecoveryOutcome outcome)
    {
        add(outcomes, outcome.ordinal(), 1);
    }

    /** Writer of the counter only. */
    void increment(final RecoveryCounter counter)
    {
        add(counters, counter.ordinal(), 1);
    }

    /** Writer of the counter only. */
    void add(final RecoveryCounter counter, final long delta)
    {
        add(counters, counter.ordinal(), delta);
    }

    /** Writer of the gauge only. */
    void set(final RecoveryCounter counter, final long value)
    {
        LONGS.setOpaque(counters, counter.ordinal(), value);
    }

    private static void add(final long[] values, final int i, final long delta)
    {
        LONGS.setOpaque(values, i, (long)LONGS.getOpaque(values, i) + delta);
    }

    /** @return the count of one outcome; any thread */
    public long get(final RecoveryOutcome outcome)
    {
        return (long)LONGS.getOpaque(outcomes, outcome.ordinal());
    }

    /** @return one counter's value; any thread */
    public long get(final RecoveryCounter counter)
    {
        return (long)LONGS.getOpaque(counters, counter.ordinal());
    }

    /** @return internal fall-throughs of both threads together ({@code varta_recovery_invariant_violations_total}) */
    public long invariantViolations()
    {
        return get(RecoveryCounter.INVARIANT_VIOLATIONS_OBSERVER) + get(RecoveryCounter.INVARIANT_VIOLATIONS_RUNNER);
    }
}
