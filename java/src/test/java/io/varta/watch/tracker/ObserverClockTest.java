package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ObserverClockTest
{
    private long raw = 1_000_000_000L;

    @Test
    void timeStartsAtZeroFromTheSourceValueAtConstruction()
    {
        final ObserverClock clock = new ObserverClock(() -> raw);
        assertEquals(0, clock.nowNanos());
        raw += 42;
        assertEquals(42, clock.nowNanos());
        assertEquals(1_000_000_042L, clock.toSourceNanos(42));
    }

    @Test
    void backwardStepIsClampedAndCounted()
    {
        final ObserverClock clock = new ObserverClock(() -> raw);
        raw += 500;
        assertEquals(500, clock.nowNanos());
        raw -= 200;
        assertEquals(500, clock.nowNanos());
        assertEquals(1, clock.regressions());
        raw += 300;
        assertEquals(600, clock.nowNanos());
        assertEquals(1, clock.regressions());
    }

    @Test
    void forwardJumpOverFiveSecondsIsCountedButTaken()
    {
        final ObserverClock clock = new ObserverClock(() -> raw);
        raw += ObserverClock.FORWARD_JUMP_NANOS;
        clock.nowNanos();
        assertEquals(0, clock.forwardJumps(), "exactly 5 s is not a jump");
        raw += ObserverClock.FORWARD_JUMP_NANOS + 1;
        assertEquals(2 * ObserverClock.FORWARD_JUMP_NANOS + 1, clock.nowNanos());
        assertEquals(1, clock.forwardJumps());
    }
}
