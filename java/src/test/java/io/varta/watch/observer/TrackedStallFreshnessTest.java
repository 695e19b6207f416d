package io.varta.watch.observer;

import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.tracker.BeatOrigin;
import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.ProcessIdentity;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerListener;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Is an earlier stall still true? Answered from a real tracker and a start-time table standing in for /proc. */
class TrackedStallFreshnessTest
{
    private static final long MS = 1_000_000L;
    private static final long THRESHOLD = 100 * MS;
    private static final long NS = 4026531836L;

    private final Map<Long, Long> procStartTimes = new HashMap<>();
    private Stall raised;
    private Tracker tracker;
    private final TrackerListener listener = new TrackerListener()
    {
        @Override
        public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
            final long stallNanos, final boolean agentResumed)
        {
            raised = new Stall(stallNanos, pid, lastNonce, lastBeatNanos, tracker.origin(slot), tracker.startTime(slot),
                tracker.nsInode(slot), false, agentResumed);
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
    private final StallFreshness freshness = freshness();

    private StallFreshness freshness()
    {
        tracker = new Tracker(16, THRESHOLD, EvictionPolicy.STRICT, 16, listener);
        return new TrackedStallFreshness(tracker, pid -> procStartTimes.getOrDefault(pid, ProcessIdentity.UNKNOWN));
    }

    private Stall stallOf(final long pid, final int origin, final long startTime)
    {
        procStartTimes.put(pid, startTime);
        raised = null;
        tracker.beat(pid, 0, 1, 1, 0, origin, startTime, NS);
        tracker.pollStalls(THRESHOLD);
        return java.util.Objects.requireNonNull(raised, "no stall raised");
    }

    @Test
    void aStillSilentSameProcessIsCurrent()
    {
        final Stall stall = stallOf(100, BeatOrigin.KERNEL_ATTESTED, 5_000);
        assertEquals(StallFreshness.CURRENT, freshness.check(stall));
        procStartTimes.remove(100L);
        assertEquals(StallFreshness.CURRENT, freshness.check(stall), "a process that is gone is not recycled");
    }

    @Test
    void aBeatAfterTheStallMeansTheAgentResumed()
    {
        final Stall stall = stallOf(101, BeatOrigin.KERNEL_ATTESTED, 5_000);
        tracker.beat(101, 0, 2, 2, THRESHOLD + MS);
        assertEquals(StallFreshness.AGENT_RESUMED, freshness.check(stall));
        tracker.pollStalls(3 * THRESHOLD);
        assertEquals(StallFreshness.AGENT_RESUMED, freshness.check(stall), "stalled again, but a later silence");
    }

    @Test
    void anotherStartTimeMeansThePidWasRecycled()
    {
        final Stall stall = stallOf(102, BeatOrigin.KERNEL_ATTESTED, 5_000);
        procStartTimes.put(102L, 6_000L);
        assertEquals(StallFreshness.PID_RECYCLED, freshness.check(stall), "seen in /proc");
        tracker.beat(102, 0, 1, 1, THRESHOLD + MS, BeatOrigin.KERNEL_ATTESTED, 6_000, NS);
        assertEquals(StallFreshness.PID_RECYCLED, freshness.check(stall), "seen in the tracker's re-pinned slot");
        tracker.remove(102);
        assertEquals(StallFreshness.PID_RECYCLED, freshness.check(stall), "slot gone: /proc still answers");
    }

    @Test
    void kernelAttestedWithoutAStartTimeIsUnverifiable()
    {
        assertEquals(StallFreshness.UNVERIFIABLE,
            freshness.check(stallOf(103, BeatOrigin.KERNEL_ATTESTED, ProcessIdentity.UNKNOWN)));
    }

    @Test
    void originsWithoutKernelPidsAreNotCheckedAgainstProc()
    {
        assertEquals(StallFreshness.CURRENT,
            freshness.check(stallOf(104, BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, ProcessIdentity.UNKNOWN)));
    }
}
