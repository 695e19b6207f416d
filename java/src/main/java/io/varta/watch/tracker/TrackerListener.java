package io.varta.watch.tracker;

/**
 * Receives the tracker's events. Every method is called on the observer thread, synchronously from
 * {@link Tracker#beat} or {@link Tracker#pollStalls}; implementations must not call back into mutating
 * tracker methods and should be quick (hand work to sinks, do not block).
 *
 * <p>Implemented by the observer loop (export file, metrics, recovery).
 */
public interface TrackerListener
{
    /**
     * A tracked pid has been silent for at least the threshold. Called once per silence; the slot stays
     * tracked and the next accepted beat re-arms it. Usually raised by {@link Tracker#pollStalls}; when the
     * observer handles the pid's next beat before it has polled the deadline (it lagged: the beat waited in the
     * ring or the socket past the deadline), the silence is still a stall, raised by {@link Tracker#beat} just
     * before that beat re-arms the slot, with {@code agentResumed} set. Observer thread only.
     *
     * @param slot          the slot (for {@link Tracker} accessors: origin, identity, counts)
     * @param pid           unsigned 32-bit pid
     * @param lastNonce     last observed nonce (the terminal value if the last accepted frame was terminal)
     * @param lastBeatNanos observer time of the last accepted beat
     * @param nowNanos      observer time at detection (for a stall found by the next beat: that beat's arrival)
     * @param agentResumed  true when the stall was found by the pid's next beat: the agent is beating again
     */
    void onStall(int slot, long pid, long lastNonce, long lastBeatNanos, long nowNanos, boolean agentResumed);

    /**
     * A pid lost its slot under capacity pressure; the export file writes an {@code eviction} line and
     * metric rows for the pid are dropped. Observer thread only.
     *
     * @param pid unsigned 32-bit pid
     */
    void onEviction(long pid);

    /**
     * A pid was found recycled (different process start time). Observer thread only.
     *
     * @param pid     unsigned 32-bit pid
     * @param retired true when the slot was removed (detected at stall time, no stall raised); false when
     *                the slot was reset in place by a beat of the new process
     */
    void onPidRecycled(long pid, boolean retired);

    /** A listener that ignores everything. */
    TrackerListener NONE = new TrackerListener()
    {
        @Override
        public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
            final long nowNanos, final boolean agentResumed)
        {
        }

        @Override
        public void onEviction(final long pid)
        {
        }

        @Override
        public void onPidRecycled(final long pid, final boolean retired)
        {
        }
    };
}
