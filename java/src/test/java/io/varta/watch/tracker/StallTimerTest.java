package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StallTimerTest
{
    @Test
    void reArmingMovesASlotBehindLaterDeadlines()
    {
        final StallTimer timer = new StallTimer(3, 100);
        timer.arm(0, 0);
        timer.arm(1, 10);
        timer.arm(2, 20);
        timer.arm(0, 30);
        assertEquals(110, timer.nextDeadlineNanos());
        assertEquals(1, timer.pollDue(130));
        assertEquals(2, timer.pollDue(130));
        assertEquals(0, timer.pollDue(130));
        assertEquals(StallTimer.NIL, timer.pollDue(1_000));
        assertEquals(Long.MAX_VALUE, timer.nextDeadlineNanos());
    }

    @Test
    void disarmedSlotKeepsItsArmTimeAndIsNeverDue()
    {
        final StallTimer timer = new StallTimer(2, 100);
        timer.arm(0, 5);
        timer.arm(1, 6);
        timer.disarm(1);
        timer.disarm(1);
        assertFalse(timer.isArmed(1));
        assertEquals(6, timer.armedAt(1));
        assertEquals(0, timer.pollDue(1_000));
        assertEquals(StallTimer.NIL, timer.pollDue(1_000));
        assertEquals(0, timer.armedCount());
        timer.arm(1, 2_000);
        assertTrue(timer.isArmed(1));
        assertEquals(2_100, timer.nextDeadlineNanos());
    }
}
