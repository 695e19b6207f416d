package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackerTest
{
    private static final long MS = 1_000_000L;
    private static final long THRESHOLD = 100 * MS;
    private static final int OK = 0;
    private static final int CRITICAL = 2;
    private static final long TERMINAL = Tracker.NONCE_TERMINAL;

    private final RecordingListener listener = new RecordingListener();

    private Tracker tracker(final int capacity, final EvictionPolicy policy, final int window)
    {
        return new Tracker(capacity, THRESHOLD, policy, window, listener);
    }

    private Tracker tracker()
    {
        return tracker(16, EvictionPolicy.STRICT, 16);
    }

    @Test
    void stallIsRaisedWhenSilenceReachesTheThresholdExactly()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 10 * MS);
        assertEquals(0, t.pollStalls(10 * MS + THRESHOLD - 1));
        assertEquals(10 * MS + THRESHOLD, t.nextDeadlineNanos());
        assertEquals(1, t.pollStalls(10 * MS + THRESHOLD));
        assertEquals(List.of("stall 100 nonce=1 last=10000000 now=110000000"), listener.events);
        final int slot = t.slotOf(100);
        assertTrue(t.isStalled(slot));
        assertEquals(Tracker.STATUS_STALL, t.status(slot));
        assertEquals(1, t.stalls(slot));
    }

    @Test
    void oneStallPerSilenceIsNeverRepeated()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 0);
        assertEquals(1, t.pollStalls(THRESHOLD));
        assertEquals(0, t.pollStalls(2 * THRESHOLD));
        assertEquals(0, t.pollStalls(50 * THRESHOLD));
        assertEquals(Long.MAX_VALUE, t.nextDeadlineNanos());
        assertEquals(1, t.counter(TrackerCounter.STALLS));
    }

    @Test
    void newerBeatAfterAStallReArmsDetection()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 0);
        t.pollStalls(THRESHOLD);
        assertEquals(BeatOutcome.ACCEPTED, t.beat(100, OK, 2, 2, 3 * THRESHOLD));
        final int slot = t.slotOf(100);
        assertFalse(t.isStalled(slot));
        assertEquals(OK, t.status(slot));
        assertEquals(4 * THRESHOLD, t.nextDeadlineNanos());
        assertEquals(1, t.pollStalls(4 * THRESHOLD));
        assertEquals(2, t.stalls(slot));
    }

    @Test
    void aSilenceEndedByABeatTheObserverHandledBeforeItsDeadlinePollIsStillAStall()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 0);
        // The observer lagged: the next beat, which arrived 5 ms past the deadline, is handled before any poll.
        assertEquals(BeatOutcome.ACCEPTED, t.beat(100, OK, 2, 2, THRESHOLD + 5 * MS));
        assertEquals(List.of("stall 100 nonce=1 last=0 now=105000000 found by the next beat"), listener.events);
        final int slot = t.slotOf(100);
        assertFalse(t.isStalled(slot), "the beat re-armed the slot after raising the stall");
        assertEquals(1, t.stalls(slot));
        assertEquals(1, t.counter(TrackerCounter.STALLS));
        assertEquals(1, t.counter(TrackerCounter.STALLS_FOUND_LATE));
        assertEquals(0, t.pollStalls(THRESHOLD + 5 * MS + THRESHOLD - 1), "the silence is not raised twice");
    }

    @Test
    void aBeatInsideTheThresholdRaisesNothingAndAPolledStallIsNotRaisedAgainByTheNextBeat()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 0);
        t.beat(100, OK, 2, 2, THRESHOLD - 1);
        assertEquals(List.of(), listener.events);
        assertEquals(1, t.pollStalls(2 * THRESHOLD - 1));
        t.beat(100, OK, 3, 3, 5 * THRESHOLD);
        assertEquals(1, t.counter(TrackerCounter.STALLS));
        assertEquals(0, t.counter(TrackerCounter.STALLS_FOUND_LATE));
    }

    @Test
    void aRejectedBeatAfterTheDeadlineLeavesTheStallToThePoll()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 5, 5, 0);
        assertEquals(BeatOutcome.OUT_OF_ORDER, t.beat(100, OK, 4, 4, 2 * THRESHOLD));
        assertEquals(List.of(), listener.events);
        assertEquals(1, t.pollStalls(2 * THRESHOLD));
        assertEquals(0, t.counter(TrackerCounter.STALLS_FOUND_LATE));
    }

    @Test
    void outOfOrderNonceIsDroppedWithoutRefresh()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 10, 0);
        assertEquals(BeatOutcome.OUT_OF_ORDER, t.beat(100, 1, 2, 9, 50 * MS));
        final int slot = t.slotOf(100);
        assertEquals(0, t.lastBeatNanos(slot));
        assertEquals(10, t.lastNonce(slot));
        assertEquals(OK, t.status(slot));
        assertEquals(1, t.beats(slot));
        assertEquals(1, t.pollStalls(THRESHOLD), "the dropped frame must not postpone the stall");
        assertEquals(1, t.counter(TrackerCounter.OUT_OF_ORDER));
    }

    @Test
    void equalNonceIsDropped()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 10, 0);
        assertEquals(BeatOutcome.OUT_OF_ORDER, BeatOutcome.code(t.beat(100, OK, 1, 10, MS)));
    }

    @Test
    void nonceComparisonIsUnsigned()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 0x7FFF_FFFF_FFFF_FFFFL, 0);
        assertEquals(BeatOutcome.ACCEPTED, t.beat(100, OK, 1, 0x8000_0000_0000_0000L, MS));
    }

    @Test
    void nonceWrapNearTheTopIsAcceptedAndCounted()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 0xFFFF_FFFF_FFFF_FFFEL, 0);
        assertEquals(BeatOutcome.ACCEPTED_NONCE_WRAP, t.beat(100, OK, 2, 0, MS));
        assertEquals(0, t.lastNonce(t.slotOf(100)));
        assertEquals(1, t.counter(TrackerCounter.NONCE_WRAPS));
        assertEquals(BeatOutcome.ACCEPTED, t.beat(100, OK, 3, 1, 2 * MS));
    }

    @Test
    void nonceWrapBoundariesAreInclusive()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, TERMINAL - Tracker.NONCE_WRAP_WINDOW, 0);
        assertEquals(BeatOutcome.ACCEPTED_NONCE_WRAP, t.beat(100, OK, 2, Tracker.NONCE_WRAP_WINDOW, MS));
        t.beat(101, OK, 1, TERMINAL - Tracker.NONCE_WRAP_WINDOW - 1, 0);
        assertEquals(BeatOutcome.OUT_OF_ORDER, t.beat(101, OK, 2, 5, MS));
        t.beat(102, OK, 1, TERMINAL - 1, 0);
        assertEquals(BeatOutcome.OUT_OF_ORDER, t.beat(102, OK, 2, Tracker.NONCE_WRAP_WINDOW + 1, MS));
    }

    @Test
    void terminalFramesAreOrderedByTimestampAndLeaveTheRegularNonceAlone()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 500, 7, 0);
        final int slot = t.slotOf(100);
        assertEquals(BeatOutcome.TERMINAL_ACCEPTED, t.beat(100, CRITICAL, 600, TERMINAL, MS));
        assertEquals(7, t.lastNonce(slot));
        assertEquals(TERMINAL, t.lastObservedNonce(slot));
        assertEquals(CRITICAL, t.status(slot));
        assertEquals(BeatOutcome.TERMINAL_OUT_OF_ORDER, t.beat(100, CRITICAL, 600, TERMINAL, 2 * MS));
        assertEquals(BeatOutcome.TERMINAL_OUT_OF_ORDER, t.beat(100, CRITICAL, 599, TERMINAL, 2 * MS));
        assertEquals(MS, t.lastBeatNanos(slot));
        assertEquals(BeatOutcome.TERMINAL_ACCEPTED, t.beat(100, CRITICAL, 0xF000_0000_0000_0000L, TERMINAL, 3 * MS),
            "timestamps compare unsigned");
        assertEquals(BeatOutcome.ACCEPTED, t.beat(100, OK, 1, 8, 4 * MS), "regular order continues from 7");
        assertEquals(8, t.lastObservedNonce(slot));
    }

    @Test
    void stallAfterATerminalFrameCarriesTheTerminalNonce()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 3, 0);
        t.beat(100, CRITICAL, 2, TERMINAL, MS);
        t.pollStalls(MS + THRESHOLD);
        assertEquals(List.of("stall 100 nonce=18446744073709551615 last=1000000 now=101000000"), listener.events);
    }

    @Test
    void fullTrackerRefusesANewPidWhenNothingIsEvictable()
    {
        final Tracker t = tracker(2, EvictionPolicy.BALANCED, 2);
        t.beat(100, OK, 1, 1, 0);
        t.beat(101, OK, 1, 1, 0);
        assertEquals(BeatOutcome.CAPACITY_REFUSED, t.beat(102, OK, 1, 1, 10 * THRESHOLD - 1));
        assertEquals(PidIndex.MISSING, t.slotOf(102));
        assertEquals(1, t.counter(TrackerCounter.CAPACITY_REFUSED));
        assertEquals(1, t.counter(TrackerCounter.EVICTION_SCAN_TRUNCATED));
        assertEquals(2, t.size());
    }

    @Test
    void strictEvictsOnlyStalledSlotsSilentForTenThresholds()
    {
        final Tracker t = tracker(3, EvictionPolicy.STRICT, 3);
        t.beat(100, OK, 1, 1, 0);
        t.beat(101, OK, 1, 1, 0);
        t.beat(102, OK, 1, 1, 0);
        // All silent ≥ 10 × threshold but none stalled yet: strict finds nothing.
        assertEquals(BeatOutcome.CAPACITY_REFUSED, t.beat(200, OK, 1, 1, 10 * THRESHOLD));
        // 101 stalls (the others are kept alive), but it has not been silent 10 × threshold yet...
        t.beat(100, OK, 1, 2, 10 * THRESHOLD);
        t.beat(102, OK, 1, 2, 10 * THRESHOLD);
        t.pollStalls(10 * THRESHOLD);
        assertTrue(t.isStalled(t.slotOf(101)));
        t.beat(100, OK, 1, 3, 19 * THRESHOLD);
        t.beat(102, OK, 1, 3, 19 * THRESHOLD);
        // ...all three are silent ≥ 10 × threshold only for 101, and only 101 is stalled.
        final int outcome = t.beat(200, OK, 1, 1, 20 * THRESHOLD);
        assertEquals(BeatOutcome.ACCEPTED, BeatOutcome.code(outcome));
        assertTrue(BeatOutcome.evicted(outcome));
        assertEquals(PidIndex.MISSING, t.slotOf(101));
        assertTrue(listener.events.contains("eviction 101"));
        assertEquals(1, t.counter(TrackerCounter.EVICTIONS));
        assertEquals(3, t.size());
    }

    @Test
    void strictLeavesAStalledSlotSilentForLessThanTenThresholds()
    {
        final Tracker t = tracker(1, EvictionPolicy.STRICT, 1);
        t.beat(100, OK, 1, 1, 0);
        t.pollStalls(THRESHOLD);
        assertEquals(BeatOutcome.CAPACITY_REFUSED, t.beat(200, OK, 1, 1, 10 * THRESHOLD - 1));
        assertTrue(BeatOutcome.evicted(t.beat(200, OK, 1, 1, 10 * THRESHOLD)));
    }

    @Test
    void evictedSlotStartsCleanForTheNewPid()
    {
        final Tracker t = tracker(1, EvictionPolicy.STRICT, 1);
        t.beat(100, OK, 1, 1, 0);
        t.beat(100, OK, 1, 2, 0);
        t.pollStalls(THRESHOLD);
        t.beat(200, CRITICAL, 9, TERMINAL, 10 * THRESHOLD);
        final int slot = t.slotOf(200);
        assertEquals(1, t.beats(slot));
        assertEquals(0, t.stalls(slot));
        assertFalse(t.isStalled(slot));
        assertFalse(t.hasRegularNonce(slot));
        assertEquals(CRITICAL, t.status(slot));
        assertEquals(BeatOutcome.ACCEPTED, t.beat(200, OK, 10, 0, 10 * THRESHOLD), "any first regular nonce is accepted");
        assertEquals(11 * THRESHOLD, t.nextDeadlineNanos());
    }

    @Test
    void strictSkipsAStalledSlotThatHasBeatenAgain()
    {
        final Tracker t = tracker(1, EvictionPolicy.STRICT, 1);
        t.beat(100, OK, 1, 1, 0);
        t.pollStalls(THRESHOLD);
        t.beat(100, OK, 1, 2, THRESHOLD);
        t.pollStalls(2 * THRESHOLD);
        t.beat(100, OK, 1, 3, 2 * THRESHOLD);
        assertEquals(BeatOutcome.CAPACITY_REFUSED, t.beat(200, OK, 1, 1, 12 * THRESHOLD - 1),
            "not stalled now, and strict skips the scan entirely when nothing is stalled");
        assertEquals(1, t.counter(TrackerCounter.EVICTION_SCAN_TRUNCATED));
    }

    @Test
    void balancedFallsBackToAnySlotSilentForTenThresholds()
    {
        final Tracker t = tracker(2, EvictionPolicy.BALANCED, 2);
        t.beat(100, OK, 1, 1, 0);
        t.beat(101, OK, 1, 1, 5 * THRESHOLD);
        final int outcome = t.beat(200, OK, 1, 1, 10 * THRESHOLD);
        assertTrue(BeatOutcome.evicted(outcome));
        assertEquals(PidIndex.MISSING, t.slotOf(100));
        assertEquals(List.of("eviction 100"), listener.events);
        assertEquals(1, t.pollStalls(11 * THRESHOLD - 1), "the evicted pid's deadline is gone: only 101 is due");
    }

    @Test
    void balancedPrefersAStalledVictimOverAnEarlierSilentOne()
    {
        final Tracker t = tracker(2, EvictionPolicy.BALANCED, 2);
        t.beat(100, OK, 1, 1, 0);
        t.beat(101, OK, 1, 1, 0);
        t.pollStalls(THRESHOLD);
        t.beat(100, OK, 1, 2, THRESHOLD); // 100 re-armed: not stalled, 101 stalled
        t.beat(200, OK, 1, 1, 11 * THRESHOLD);
        assertEquals(List.of("stall 100 nonce=1 last=0 now=100000000", "stall 101 nonce=1 last=0 now=100000000",
            "eviction 101"), listener.events);
    }

    @Test
    void scanInspectsAtMostTheWindowFromARotatingCursor()
    {
        final Tracker t = tracker(6, EvictionPolicy.BALANCED, 2);
        for (int pid = 100; pid < 106; pid++)
        {
            t.beat(pid, OK, 1, 1, 0);
        }
        // Keep slots 0..3 fresh; only slots 4 and 5 (pids 104, 105) are evictable.
        for (int pid = 100; pid < 104; pid++)
        {
            t.beat(pid, OK, 1, 2, 5 * THRESHOLD);
        }
        assertEquals(4, t.counter(TrackerCounter.STALLS_FOUND_LATE), "each of those beats ended a real silence");
        listener.events.clear();
        final long now = 10 * THRESHOLD;
        assertEquals(BeatOutcome.CAPACITY_REFUSED, t.beat(200, OK, 1, 1, now), "window covers slots 0,1");
        assertEquals(BeatOutcome.CAPACITY_REFUSED, t.beat(201, OK, 1, 1, now), "window covers slots 2,3");
        assertEquals(2, t.counter(TrackerCounter.EVICTION_SCAN_TRUNCATED));
        assertTrue(BeatOutcome.evicted(t.beat(202, OK, 1, 1, now)), "window covers slots 4,5");
        assertEquals(List.of("eviction 104"), listener.events);
        assertTrue(BeatOutcome.evicted(t.beat(203, OK, 1, 1, now)), "cursor resumes after the victim");
        assertEquals(List.of("eviction 104", "eviction 105"), listener.events);
        assertEquals(2, t.counter(TrackerCounter.CAPACITY_REFUSED));
    }

    @Test
    void pollCostIsProportionalToDueSlotsOnly()
    {
        final Tracker t = tracker(1000, EvictionPolicy.STRICT, 16);
        for (int i = 0; i < 1000; i++)
        {
            t.beat(1000 + i, OK, 1, 1, i * 1000L);
        }
        assertEquals(0, t.pollStalls(THRESHOLD - 1));
        assertEquals(5, t.pollStalls(THRESHOLD + 4000L));
        assertEquals(THRESHOLD + 5000L, t.nextDeadlineNanos());
        assertEquals(List.of(1000L, 1001L, 1002L, 1003L, 1004L), listener.stallPids);
    }

    @Test
    void recycledPidWithANewStartTimeResetsTheSlot()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 50, 0, BeatOrigin.KERNEL_ATTESTED, 1000, 77);
        final int outcome = t.beat(100, OK, 1, 1, MS, BeatOrigin.KERNEL_ATTESTED, 2000, 77);
        assertEquals(BeatOutcome.ACCEPTED, BeatOutcome.code(outcome));
        assertTrue(BeatOutcome.recycled(outcome));
        assertEquals(1, t.lastNonce(t.slotOf(100)));
        assertEquals(2000, t.startTime(t.slotOf(100)));
        assertEquals(List.of("recycled 100 reset"), listener.events);
    }

    @Test
    void stallOfARecycledPidRetiresTheSlotInsteadOfStalling()
    {
        final Tracker t = tracker();
        t.setStartTimeProbe(pid -> 100 == pid ? 2000 : ProcessIdentity.UNKNOWN);
        t.beat(100, OK, 1, 1, 0, BeatOrigin.KERNEL_ATTESTED, 1000, 77);
        t.beat(101, OK, 1, 1, 0, BeatOrigin.KERNEL_ATTESTED, 1000, 77);
        assertEquals(1, t.pollStalls(THRESHOLD), "101's probe is unknown (gone): it stalls");
        assertEquals(PidIndex.MISSING, t.slotOf(100));
        assertEquals(List.of("recycled 100 retired", "stall 101 nonce=1 last=0 now=100000000"), listener.events);
        assertEquals(BeatOutcome.ACCEPTED, t.beat(300, OK, 1, 1, THRESHOLD), "the retired slot is reused");
    }

    @Test
    void weakerOriginIsAConflictAndStrongerOriginReplacesTheSlot()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 5, 0, BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, ProcessIdentity.UNKNOWN, ProcessIdentity.UNKNOWN);
        assertEquals(BeatOutcome.ORIGIN_CONFLICT,
            t.beat(100, OK, 1, 6, MS, BeatOrigin.NETWORK_UNVERIFIED, ProcessIdentity.UNKNOWN, ProcessIdentity.UNKNOWN));
        assertEquals(BeatOutcome.ACCEPTED,
            t.beat(100, OK, 1, 1, MS, BeatOrigin.KERNEL_ATTESTED, ProcessIdentity.UNKNOWN, ProcessIdentity.UNKNOWN));
        assertEquals(BeatOrigin.KERNEL_ATTESTED, t.origin(t.slotOf(100)));
        assertEquals(1, t.counter(TrackerCounter.ORIGIN_CONFLICTS));
    }

    @Test
    void differentNamespaceIsAConflictAndUnknownIdentityIsFilledInOnce()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 0, BeatOrigin.KERNEL_ATTESTED, ProcessIdentity.UNKNOWN, ProcessIdentity.UNKNOWN);
        t.beat(100, OK, 1, 2, MS, BeatOrigin.KERNEL_ATTESTED, 1000, 77);
        assertEquals(77, t.nsInode(t.slotOf(100)));
        assertEquals(1000, t.startTime(t.slotOf(100)));
        assertEquals(BeatOutcome.NAMESPACE_CONFLICT, t.beat(100, OK, 1, 3, 2 * MS, BeatOrigin.KERNEL_ATTESTED, 1000, 78));
        assertEquals(BeatOutcome.NAMESPACE_CONFLICT,
            t.beat(100, OK, 1, 3, 2 * MS, BeatOrigin.KERNEL_ATTESTED, 1000, ProcessIdentity.UNKNOWN));
        assertEquals(BeatOutcome.TERMINAL_ACCEPTED,
            t.beat(100, CRITICAL, 9, TERMINAL, 2 * MS, BeatOrigin.KERNEL_ATTESTED, 1000, ProcessIdentity.UNKNOWN));
        assertEquals(2, t.counter(TrackerCounter.NAMESPACE_CONFLICTS));
    }

    @Test
    void identityNotReadSkipsTheRecycleAndNamespaceChecksAndKeepsThePinnedValues()
    {
        final Tracker t = tracker();
        final long notRead = ProcessIdentity.NOT_READ;
        t.beat(100, OK, 1, 1, 0, BeatOrigin.KERNEL_ATTESTED, 1000, 77);
        assertEquals(BeatOutcome.ACCEPTED, t.beat(100, OK, 1, 2, MS, BeatOrigin.KERNEL_ATTESTED, notRead, notRead));
        final int slot = t.slotOf(100);
        assertEquals(1000, t.startTime(slot));
        assertEquals(77, t.nsInode(slot));
        assertEquals(BeatOutcome.ACCEPTED, t.beat(100, OK, 1, 3, 2 * MS), "the short form does not read /proc");
        // An origin upgrade resets the slot but keeps the pinned identity when none was read.
        t.beat(200, OK, 1, 1, 0, BeatOrigin.SOCKET_MODE_ONLY, 5, 6);
        t.beat(200, OK, 1, 1, MS, BeatOrigin.KERNEL_ATTESTED, notRead, notRead);
        assertEquals(5, t.startTime(t.slotOf(200)));
        assertEquals(6, t.nsInode(t.slotOf(200)));
        // A new pid beating without a read is tracked with an unknown identity.
        t.beat(300, OK, 1, 1, 0);
        assertEquals(ProcessIdentity.UNKNOWN, t.startTime(t.slotOf(300)));
    }

    @Test
    void networkSenderRestartingItsNonceAfterSilenceIsTreatedAsRecycled()
    {
        final Tracker t = tracker();
        final long u = ProcessIdentity.UNKNOWN;
        t.beat(100, OK, 1, 500, 0, BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, u, u);
        assertEquals(BeatOutcome.OUT_OF_ORDER, t.beat(100, OK, 1, 1, THRESHOLD - 1, BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, u, u));
        final int outcome = t.beat(100, OK, 1, 1, THRESHOLD, BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, u, u);
        assertTrue(BeatOutcome.recycled(outcome));
        assertEquals(1, t.lastNonce(t.slotOf(100)));
    }

    @Test
    void nowGoingBackwardsIsClampedSoDeadlinesStayOrdered()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 50 * MS);
        t.beat(101, OK, 1, 1, 10 * MS);
        assertEquals(50 * MS, t.lastBeatNanos(t.slotOf(101)));
        assertEquals(2, t.pollStalls(50 * MS + THRESHOLD));
    }

    @Test
    void forEachTrackedVisitsEveryPidWithItsCounts()
    {
        final Tracker t = tracker();
        t.beat(100, OK, 1, 1, 0);
        t.beat(100, OK, 1, 2, MS);
        t.beat(101, 1, 1, 1, MS);
        final StringBuilder seen = new StringBuilder();
        t.forEachTracked((slot, pid) -> seen.append(pid).append(':').append(t.beats(slot)).append(':')
            .append(t.status(slot)).append(' '));
        assertEquals("100:2:0 101:1:1 ", seen.toString());
        final long[] counters = new long[TrackerCounter.COUNT];
        t.copyCounters(counters);
        assertEquals(3, counters[TrackerCounter.ACCEPTED]);
    }

    @Test
    void thresholdBelowTenMillisecondsIsRejected()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new Tracker(1, Tracker.MIN_THRESHOLD_NANOS - 1, EvictionPolicy.STRICT, 1, TrackerListener.NONE));
        assertThrows(IllegalArgumentException.class,
            () -> new Tracker(PidIndex.MAX_CAPACITY + 1, THRESHOLD, EvictionPolicy.STRICT, 1, TrackerListener.NONE));
    }
}
