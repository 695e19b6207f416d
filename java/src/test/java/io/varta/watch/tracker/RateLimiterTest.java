package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RateLimiterTest
{
    private static final long MS = 1_000_000L;
    private static final int KERNEL = BeatOrigin.KERNEL_ATTESTED;

    private final Tracker tracker = new Tracker(16, 100 * MS, EvictionPolicy.STRICT, 16, TrackerListener.NONE);

    private int admitAndBeat(final RateLimiter limiter, final long pid, final long nonce, final long now)
    {
        final boolean terminal = Tracker.NONCE_TERMINAL == nonce;
        final int verdict = limiter.admit(pid, terminal, KERNEL, now);
        if (RateLimiter.ADMITTED == verdict)
        {
            tracker.beat(pid, terminal ? 2 : 0, now, nonce, now);
        }
        return verdict;
    }

    @Test
    void perPidSpacingIsMeasuredFromTheLastAcceptedBeat()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 100, 0, 0);
        assertEquals(10 * MS, limiter.minSpacingNanos());
        assertEquals(RateLimiter.ADMITTED, admitAndBeat(limiter, 100, 1, 0), "unknown pids skip the check");
        assertEquals(RateLimiter.PER_PID, admitAndBeat(limiter, 100, 2, 10 * MS - 1));
        assertEquals(RateLimiter.ADMITTED, admitAndBeat(limiter, 100, 3, 10 * MS));
        assertEquals(RateLimiter.ADMITTED, admitAndBeat(limiter, 200, 1, 10 * MS), "other pids are independent");
        assertEquals(1, limiter.perPidLimited());
    }

    @Test
    void zeroBeatRateTurnsThePerPidLimitOff()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 0, 0, 0);
        admitAndBeat(limiter, 100, 1, 0);
        assertEquals(RateLimiter.ADMITTED, admitAndBeat(limiter, 100, 2, 0));
    }

    @Test
    void strongerOriginSkipsThePerPidLimit()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 100, 0, 0);
        tracker.beat(100, 0, 1, 1, 0, BeatOrigin.SOCKET_MODE_ONLY, ProcessIdentity.UNKNOWN, ProcessIdentity.UNKNOWN);
        assertEquals(RateLimiter.ADMITTED, limiter.admit(100, false, KERNEL, MS));
        assertEquals(RateLimiter.PER_PID, limiter.admit(100, false, BeatOrigin.SOCKET_MODE_ONLY, MS));
    }

    @Test
    void aRefundGivesBackOnlyTheTokenTheLatestAdmissionTook()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 0, 1, 2); // 1 token per second: no refill within 1 ms
        assertEquals(RateLimiter.ADMITTED, limiter.admit(100, false, KERNEL, 0));
        limiter.refundAdmission();
        limiter.refundAdmission(); // once only
        assertEquals(RateLimiter.ADMITTED, limiter.admit(100, false, KERNEL, 0));
        assertEquals(RateLimiter.ADMITTED, limiter.admit(100, false, KERNEL, 0));
        assertEquals(RateLimiter.GLOBAL, limiter.admit(100, false, KERNEL, 0), "two tokens spent, one was given back");
        limiter.refundAdmission(); // a refused admission took nothing
        assertEquals(RateLimiter.GLOBAL, limiter.admit(100, false, KERNEL, MS));
        assertFalse(limiter.chargeRejected(MS));
    }

    @Test
    void globalBucketStartsFullAndRefillsAtTheRate()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 0, 1000, 3);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(RateLimiter.ADMITTED, limiter.admit(100 + i, false, KERNEL, 0));
        }
        assertEquals(RateLimiter.GLOBAL, limiter.admit(200, false, KERNEL, MS - 1));
        assertEquals(RateLimiter.ADMITTED, limiter.admit(200, false, KERNEL, MS), "one token per ms at 1000/s");
        assertEquals(RateLimiter.GLOBAL, limiter.admit(200, false, KERNEL, MS));
        assertEquals(RateLimiter.ADMITTED, limiter.admit(200, false, KERNEL, 3 * MS));
        assertEquals(RateLimiter.ADMITTED, limiter.admit(200, false, KERNEL, 3 * MS));
        assertEquals(RateLimiter.GLOBAL, limiter.admit(200, false, KERNEL, 3 * MS));
        assertEquals(3, limiter.globalLimited());
    }

    @Test
    void refillNeverExceedsTheBurst()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 0, 1000, 2);
        limiter.admit(100, false, KERNEL, 0);
        int admitted = 0;
        for (int i = 0; i < 5; i++)
        {
            admitted += RateLimiter.ADMITTED == limiter.admit(100, false, KERNEL, 3_600_000 * MS) ? 1 : 0;
        }
        assertEquals(2, admitted);
    }

    @Test
    void rejectedFramesSpendGlobalTokens()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 0, 1000, 2);
        assertTrue(limiter.chargeRejected(0), "a token was there: report the rejection");
        assertTrue(limiter.chargeRejected(0));
        assertFalse(limiter.chargeRejected(0), "bucket empty: drop silently");
        assertEquals(RateLimiter.GLOBAL, limiter.admit(100, false, KERNEL, 0));
        assertEquals(1, limiter.globalLimited(), "charging itself counts nothing");
    }

    @Test
    void zeroRateOrBurstDisablesTheGlobalBucket()
    {
        final RateLimiter noRate = new RateLimiter(tracker, 0, 0, 5);
        final RateLimiter noBurst = new RateLimiter(tracker, 0, 5, 0);
        for (int i = 0; i < 100; i++)
        {
            assertEquals(RateLimiter.ADMITTED, noRate.admit(100, false, KERNEL, 0));
            assertEquals(RateLimiter.ADMITTED, noBurst.admit(100, false, KERNEL, 0));
        }
    }

    @Test
    void firstTerminalAfterRegularBeatsBypassesBothLimitsOnce()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 100, 1, 1);
        assertEquals(RateLimiter.ADMITTED, admitAndBeat(limiter, 100, 1, 0));
        assertEquals(RateLimiter.ADMITTED, admitAndBeat(limiter, 100, Tracker.NONCE_TERMINAL, MS),
            "per-pid spacing and the empty bucket are both bypassed");
        assertEquals(RateLimiter.PER_PID, admitAndBeat(limiter, 100, Tracker.NONCE_TERMINAL, 2 * MS));
        assertEquals(RateLimiter.GLOBAL, admitAndBeat(limiter, 100, Tracker.NONCE_TERMINAL, 12 * MS - 1),
            "spacing passed, bucket still empty: no second bypass");
    }

    @Test
    void spentBypassIsNotRegainedByATerminalFrameTheTrackerDropped()
    {
        final RateLimiter limiter = new RateLimiter(tracker, 100, 0, 0);
        admitAndBeat(limiter, 100, 1, 0);
        tracker.beat(100, 2, 50, Tracker.NONCE_TERMINAL, 20 * MS);
        admitAndBeat(limiter, 100, 2, 40 * MS);
        // The bypassed terminal frame carries an old timestamp: the tracker drops it as out of order.
        assertEquals(RateLimiter.ADMITTED, limiter.admit(100, true, KERNEL, 41 * MS));
        assertEquals(BeatOutcome.TERMINAL_OUT_OF_ORDER, tracker.beat(100, 2, 10, Tracker.NONCE_TERMINAL, 41 * MS));
        assertEquals(RateLimiter.PER_PID, limiter.admit(100, true, KERNEL, 42 * MS));
    }

    @Test
    void settingsOutOfRangeAreRejected()
    {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(tracker, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(tracker, 0, RateLimiter.MAX_SETTING + 1, 1));
    }
}
