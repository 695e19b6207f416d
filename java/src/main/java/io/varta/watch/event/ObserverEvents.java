package io.varta.watch.event;

/**
 * What the observer reports, one call per outcome, in the order it happened. Implementations are sinks
 * (export file, diagnostics, later recovery and the audit log); metrics read published counters instead.
 *
 * <p>Threading: every method is called on the observer thread only, so implementations need no locking
 * for their own state, and must not block for long (a slow sink delays stall detection). No method may
 * allocate per call in steady state if it sits on the per-frame path ({@link #onBeat}).
 *
 * <p>Times are observer-clock nanoseconds (the clock chosen with {@code --clock-source}).
 */
public interface ObserverEvents
{
    /** An accepted beat. pid, nonce and payload are unsigned. */
    default void onBeat(final long nowNanos, final long pid, final long nonce, final int status, final long payload)
    {
    }

    /** A tracked pid went silent for at least the threshold (once per silence); the verdict's details. */
    default void onStall(final Stall stall)
    {
    }

    /**
     * A 32-byte datagram failed VLP decoding.
     *
     * @param errorCode {@link io.varta.vlp.DecodeError#code()}
     * @param detailA BadCrc: computed CRC; BadStatus: the status byte
     * @param detailB BadCrc: stored CRC
     */
    default void onDecodeError(final long nowNanos, final int errorCode, final int detailA, final int detailB)
    {
    }

    /** A receive-side I/O failure or a datagram refused for its credentials (text says which). */
    default void onIoError(final long nowNanos, final String text)
    {
    }

    /** The kernel truncated a datagram's control data (MSG_CTRUNC). */
    default void onControlTruncated(final long nowNanos, final String text)
    {
    }

    /**
     * A frame whose claimed identity did not hold.
     *
     * @param reason why the frame was refused
     */
    default void onMismatch(final long nowNanos, final long claimedPid, final MismatchReason reason)
    {
    }

    /** A tracker slot was removed to make room for a new pid. */
    default void onEviction(final long nowNanos, final long pid)
    {
    }

    /**
     * Called once per observer-loop iteration, after that iteration's stalls were raised. A sink that acts on
     * events later than they happen (recovery, whose per-iteration budgets can hold stalls over) does that work
     * here, and says when it needs the next call: the loop does not sleep past the returned time.
     *
     * @param freshness whether an earlier stall still holds; valid during this call only
     * @return observer time by which the sink wants the next call ({@code nowNanos} or earlier: at once);
     *     {@link Long#MAX_VALUE} when it has nothing pending (the default)
     */
    default long onTick(final long nowNanos, final StallFreshness freshness)
    {
        return Long.MAX_VALUE;
    }

    /** Called on the observer thread after each drained batch; sinks may flush policy-driven buffers here. */
    default void onBatchEnd(final long nowNanos)
    {
    }

    /**
     * Called once on the observer thread when a stop was requested, before the loop accounts for every record
     * already received: a sink may relax per-event durability work here (the export file defers its periodic
     * fdatasync to {@link #onShutdown}, which still makes everything durable).
     */
    default void onStopping(final long nowNanos)
    {
    }

    /** Called once on the observer thread when the loop ends: write what is queued and make it durable. */
    default void onShutdown(final long nowNanos)
    {
    }
}
