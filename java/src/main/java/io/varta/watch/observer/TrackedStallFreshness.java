package io.varta.watch.observer;

import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.tracker.BeatOrigin;
import io.varta.watch.tracker.PidIndex;
import io.varta.watch.tracker.Tracker;

import java.util.function.LongUnaryOperator;

/**
 * {@link StallFreshness} over the tracker: is an earlier stall still true? In order:
 * <ol>
 *   <li>the pid's slot now pins another start time (a new process reused the pid and beat): recycled;</li>
 *   <li>the slot was re-armed (not stalled any more, or a newer last beat): the agent resumed;</li>
 *   <li>kernel-attested without a pinned start time: unverifiable;</li>
 *   <li>kernel-attested: {@code /proc/<pid>/stat} now shows another start time: recycled (a process that is gone
 *       entirely is not recycled: the stall stands);</li>
 *   <li>otherwise current. A slot evicted since the stall is judged by steps 3 and 4 alone.</li>
 * </ol>
 *
 * <p>Threading: observer thread only (it reads tracker state).
 */
final class TrackedStallFreshness implements StallFreshness
{
    private final Tracker tracker;
    private final LongUnaryOperator startTimeProbe;

    /**
     * @param tracker the observer's tracker
     * @param startTimeProbe pid → current start time, or a negative value when unknown
     */
    TrackedStallFreshness(final Tracker tracker, final LongUnaryOperator startTimeProbe)
    {
        this.tracker = tracker;
        this.startTimeProbe = startTimeProbe;
    }

    @Override
    public int check(final Stall stall)
    {
        final int slot = tracker.slotOf(stall.pid());
        if (PidIndex.MISSING != slot)
        {
            final long pinned = tracker.startTime(slot);
            if (pinned >= 0 && stall.startTime() >= 0 && pinned != stall.startTime())
            {
                return PID_RECYCLED;
            }
            if (!tracker.isStalled(slot) || tracker.lastBeatNanos(slot) != stall.lastBeatNanos())
            {
                return AGENT_RESUMED;
            }
        }
        if (BeatOrigin.KERNEL_ATTESTED != stall.origin())
        {
            return CURRENT;
        }
        if (stall.startTime() < 0)
        {
            return UNVERIFIABLE;
        }
        final long current = startTimeProbe.applyAsLong(stall.pid());
        return current >= 0 && current != stall.startTime() ? PID_RECYCLED : CURRENT;
    }
}
