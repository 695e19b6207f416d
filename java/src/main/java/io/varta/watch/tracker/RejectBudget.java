package io.varta.watch.tracker;

/**
 * Per-sender token buckets for <em>rejected</em> frames (decode errors, pid spoofing, foreign uid or pid
 * namespace, origin conflicts) from senders whose pid the kernel verified. A process that sends garbage spends
 * its own budget first: once it is spent, its rejections are dropped without an event and without touching the
 * global bucket that every agent's good beats draw from, so one misbehaving process can no longer starve the
 * others into false stalls (the reference charges every rejection to the global bucket, so a garbage flood from
 * one process locks healthy agents out). Rejections within a sender's budget, and rejections from senders without
 * a verified pid, still spend global tokens: the global bucket stays the last line.
 *
 * <p>Each sender gets {@link #BURST} rejections at once and {@link #RATE_PER_SECOND} more per second; beyond
 * that the frame is counted as {@code rate_limited{reason="sender_rejects"}}.
 *
 * <p>The table is fixed: {@link #SLOTS} senders, open addressing with a short probe. A sender whose bucket has
 * refilled completely is idle and its entry may be taken over; when a probe window holds only active senders
 * the newcomer is {@link #UNTRACKED} and the caller falls back to the global bucket.
 *
 * <pre>{@code
 * switch (budget.charge(peerPid, now)) {
 *     case RejectBudget.WITHIN -> report();
 *     case RejectBudget.EXHAUSTED -> countDropped();
 *     default -> chargeGlobalBucket();
 * }
 * }</pre>
 *
 * <p><b>Threading:</b> not thread-safe; observer thread only. Allocation-free after construction.
 */
public final class RejectBudget
{
    /** The rejection is within the sender's budget: count it under its own outcome and report it. */
    public static final int WITHIN = 0;
    /** The sender spent its budget: drop without an event. */
    public static final int EXHAUSTED = 1;
    /** No table entry could be had for this sender: charge the global bucket instead. */
    public static final int UNTRACKED = 2;

    /** Rejections a sender may have reported at once. */
    public static final long BURST = 50;
    /** Rejections per second a sender's budget refills. */
    public static final long RATE_PER_SECOND = 10;
    /** Senders tracked at once (a power of two). */
    public static final int SLOTS = 1024;

    private static final int PROBE = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Tokens are kept in units of 1/RATE ns·token, so lazy refills lose no fraction. */
    private static final long FULL = BURST * NANOS_PER_SECOND;

    private final int[] pid = new int[SLOTS];
    private final long[] tokens = new long[SLOTS];
    private final long[] refilledAt = new long[SLOTS];

    /**
     * Spends one rejection of {@code senderPid}'s budget. Observer thread only; allocation-free.
     *
     * @param senderPid kernel-verified sender pid (unsigned 32-bit, non-zero)
     * @param nowNanos  observer time
     * @return {@link #WITHIN}, {@link #EXHAUSTED} or {@link #UNTRACKED}
     */
    public int charge(final long senderPid, final long nowNanos)
    {
        final int key = (int)senderPid;
        final int home = mix(key) & (SLOTS - 1);
        int reusable = -1;
        for (int i = 0; i < PROBE; i++)
        {
            final int slot = (home + i) & (SLOTS - 1);
            if (pid[slot] == key)
            {
                return spend(slot, nowNanos);
            }
            if (reusable < 0 && (0 == pid[slot] || refilled(slot, nowNanos) >= FULL))
            {
                reusable = slot;
            }
        }
        if (reusable < 0)
        {
            return UNTRACKED;
        }
        pid[reusable] = key;
        tokens[reusable] = FULL;
        refilledAt[reusable] = nowNanos;
        return spend(reusable, nowNanos);
    }

    private int spend(final int slot, final long nowNanos)
    {
        tokens[slot] = refilled(slot, nowNanos);
        refilledAt[slot] = nowNanos;
        if (tokens[slot] < NANOS_PER_SECOND)
        {
            return EXHAUSTED;
        }
        tokens[slot] -= NANOS_PER_SECOND;
        return WITHIN;
    }

    private long refilled(final int slot, final long nowNanos)
    {
        final long elapsed = Math.max(0, nowNanos - refilledAt[slot]);
        if (elapsed >= FULL / RATE_PER_SECOND)
        {
            return FULL;
        }
        return Math.min(FULL, tokens[slot] + elapsed * RATE_PER_SECOND);
    }

    private static int mix(final int key)
    {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
