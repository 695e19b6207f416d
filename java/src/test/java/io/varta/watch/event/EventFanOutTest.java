package io.varta.watch.event;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fan-out's tick: every sink gets it, the earliest wake-up wish wins, no wish is {@link Long#MAX_VALUE}. */
class EventFanOutTest
{
    @Test
    void theEarliestWakeUpAnySinkAsksForWins()
    {
        final int[] ticks = new int[1];
        final ObserverEvents late = new ObserverEvents()
        {
            @Override
            public long onTick(final long nowNanos, final StallFreshness freshness)
            {
                ticks[0]++;
                return nowNanos + 50;
            }
        };
        final ObserverEvents soon = new ObserverEvents()
        {
            @Override
            public long onTick(final long nowNanos, final StallFreshness freshness)
            {
                ticks[0]++;
                return nowNanos + 5;
            }
        };
        assertEquals(105, new EventFanOut(List.of(late, soon, new ObserverEvents() { })).onTick(100,
            StallFreshness.ALWAYS_CURRENT));
        assertEquals(2, ticks[0]);
        assertEquals(Long.MAX_VALUE, new EventFanOut(List.of(new ObserverEvents() { })).onTick(100,
            StallFreshness.ALWAYS_CURRENT));
    }
}
