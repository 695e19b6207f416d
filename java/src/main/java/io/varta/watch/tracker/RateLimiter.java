package io.varta.watch.tracker;

/**
 * Admission control in front of the {@link Tracker}, in the reference's order:
 * <ol>
 *   <li><b>per pid</b> ({@code --max-beat-rate} R, 0 = off): a tracked pid must leave at least
 *       {@code 1e9 / R} ns since its last <em>accepted</em> beat. Unknown pids skip this check, and so does
 *       a beat with a stronger origin than the slot's.</li>
 *   <li><b>global token bucket</b> (rate per second, burst; either 0 = off): starts full, refills lazily,
 *       one token per frame.</li>
 * </ol>
 * The first terminal frame after a pid's regular beats bypasses both, once (until the next accepted regular
 * beat). Frames rejected elsewhere (decode errors, auth failures, namespace and pid_max drops, …) are charged
 * to the global bucket with {@link #chargeRejected(long)} so floods of bad frames cannot get past it.
 *
 * <p>The per-pid check reads the last accepted beat time from the tracker, so no per-slot state is kept
 * here. The bucket is exact: it counts in units of 1/rate ns·tokens, so lazy refills lose no fraction.
 *
 * <p><b>Threading:</b> not thread-safe; observer thread only.
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(tracker, 100, 5000, 10000);
 * if (RateLimiter.ADMITTED == limiter.admit(pid, nonce == Tracker.NONCE_TERMINAL, origin, now)) {
 *     tracker.beat(...);
 * }
 * }</pre>
 */
public final class RateLimiter
{
    /** The frame may go on to the tracker. */
    public static final int ADMITTED = 0;
    /** Dropped by the per-pid spacing; counted as {@code reason="per_pid"}. */
    public static final int PER_PID = 1;
    /** Dropped by the global bucket; counted as {@code reason="global"}. */
    public static final int GLOBAL = 2;

    /** Default {@code --max-beat-rate} (beats per second per pid). */
    public static final long DEFAULT_MAX_BEAT_RATE = 100;
    /** Default global rate (frames per second). */
    public static final long DEFAULT_GLOBAL_RATE = 5000;
    /** Default global burst (frames). */
    public static final long DEFAULT_GLOBAL_BURST = 10000;
    /** Largest accepted rate or burst. */
    public static final long MAX_SETTING = 1_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Tracker tracker;
    private final long minSpacingNanos;
    private final boolean globalEnabled;
    private final long globalRate;
    private final long bucketCapacity;
    private final long fullRefillNanos;
    private long bucket;
    private long lastRefill;
    private boolean refilledOnce;
    /** The latest {@link #admit} admitted its frame with a global token, not yet refunded. */
    private boolean tokenTakenByAdmit;
    private long perPidLimited;
    private long globalLimited;

    /**
     * Any thread may construct; afterwards observer thread only.
     *
     * @param tracker      the tracker whose slots give the last accepted beat times
     * @param maxBeatRate  per-pid beats per second, 0 = off
     * @param globalRate   global frames per second, 0 = off
     * @param globalBurst  global bucket size in frames, 0 = off
     */
    public RateLimiter(final Tracker tracker, final long maxBeatRate, final long globalRate, final long globalBurst)
    {
        this.tracker = java.util.Objects.requireNonNull(tracker, "tracker");
        checkSetting("max beat rate", maxBeatRate);
        checkSetting("global rate", globalRate);
        checkSetting("global burst", globalBurst);
        this.minSpacingNanos = 0 == maxBeatRate ? 0 : NANOS_PER_SECOND / maxBeatRate;
        this.globalEnabled = 0 != globalRate && 0 != globalBurst;
        this.globalRate = globalRate;
        this.bucketCapacity = globalBurst * NANOS_PER_SECOND;
        this.fullRefillNanos = globalEnabled ? (bucketCapacity + globalRate - 1) / globalRate : 0;
        this.bucket = bucketCapacity;
    }

    /**
     * Decides whether a decoded frame may reach the tracker, spending a global token when it does (except
     * for the terminal bypass). Observer thread only; allocation-free.
     *
     * @param pid        unsigned 32-bit pid
     * @param terminal   true for the terminal nonce
     * @param beatOrigin {@link BeatOrigin} rank of the frame
     * @param nowNanos   observer time
     * @return {@link #ADMITTED}, {@link #PER_PID} or {@link #GLOBAL}
     */
    public int admit(final long pid, final boolean terminal, final int beatOrigin, final long nowNanos)
    {
        tokenTakenByAdmit = false;
        final int slot = tracker.slotOf(pid);
        if (PidIndex.MISSING != slot)
        {
            if (terminal && tracker.spendTerminalBypass(slot))
            {
                return ADMITTED;
            }
            if (0 != minSpacingNanos && beatOrigin <= tracker.origin(slot)
                && nowNanos - tracker.lastBeatNanos(slot) < minSpacingNanos)
            {
                perPidLimited++;
                return PER_PID;
            }
        }
        if (globalEnabled && !takeToken(nowNanos))
        {
            globalLimited++;
            return GLOBAL;
        }
        tokenTakenByAdmit = globalEnabled;
        return ADMITTED;
    }

    /**
     * Gives back the global token the latest {@link #admit} took, when a later rule refused that frame and charged it
     * to its sender's own {@link RejectBudget} instead, which was spent: beyond its budget a sender's refused frames
     * take no global token (a flood from another pid namespace, never tracked, is never per-pid limited). Does
     * nothing when that admit took no token (terminal bypass, bucket off) or it was refunded already. Observer thread
     * only; allocation-free.
     */
    public void refundAdmission()
    {
        if (tokenTakenByAdmit)
        {
            tokenTakenByAdmit = false;
            bucket = Math.min(bucketCapacity, bucket + NANOS_PER_SECOND);
        }
    }

    /**
     * Charges one global token for a frame rejected before admission (decode error, auth failure, ...),
     * so that floods of bad frames are bounded like good ones. Nothing is counted here. Observer thread only.
     *
     * @param nowNanos observer time
     * @return true if a token was taken (or the global bucket is off): the rejection may be reported;
     *     false if the bucket was empty: the reference drops such a frame silently
     */
    public boolean chargeRejected(final long nowNanos)
    {
        return !globalEnabled || takeToken(nowNanos);
    }

    /** @return frames dropped for {@code reason="per_pid"}; observer thread only */
    public long perPidLimited()
    {
        return perPidLimited;
    }

    /** @return frames dropped for {@code reason="global"}; observer thread only */
    public long globalLimited()
    {
        return globalLimited;
    }

    /** @return the per-pid minimum spacing in ns, 0 when off; any thread (immutable) */
    public long minSpacingNanos()
    {
        return minSpacingNanos;
    }

    private boolean takeToken(final long nowNanos)
    {
        if (!refilledOnce)
        {
            refilledOnce = true;
            lastRefill = nowNanos;
        }
        final long elapsed = nowNanos - lastRefill;
        if (elapsed > 0)
        {
            lastRefill = nowNanos;
            bucket = elapsed >= fullRefillNanos ? bucketCapacity : Math.min(bucketCapacity, bucket + elapsed * globalRate);
        }
        if (bucket < NANOS_PER_SECOND)
        {
            return false;
        }
        bucket -= NANOS_PER_SECOND;
        return true;
    }

    private static void checkSetting(final String name, final long value)
    {
        if (value < 0 || value > MAX_SETTING)
        {
            throw new IllegalArgumentException(name + " must be 0.." + MAX_SETTING + ": " + value);
        }
    }
}
