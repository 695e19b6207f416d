package io.varta.watch.supervision;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the self-watchdog runs and at what cadence; which {@code $WATCHDOG_USEC} counts. No threads, no clocks. */
class SelfWatchdogTest
{
    private static final long MS = 1_000_000L;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Diagnostics log = new Diagnostics(LogFormat.TEXT, new PrintStream(err, true, StandardCharsets.UTF_8),
        () -> 0, () -> 0, 1);

    @Test
    void noFlagAndNoSystemdMeansNoWatchdog()
    {
        final SelfWatchdog.Plan plan = SelfWatchdog.plan(OptionalLong.empty(), OptionalLong.empty(), false);
        assertFalse(plan.aborts());
        assertFalse(plan.pets());
        assertFalse(SelfWatchdog.plan(OptionalLong.empty(), OptionalLong.of(10_000_000), false).aborts(),
            "WATCHDOG_USEC without a notify socket does not turn it on");
    }

    @Test
    void systemdWatchdogTurnsItOnWithAFourSecondDeadlineAndPetsEveryHalfInterval()
    {
        final SelfWatchdog.Plan plan = SelfWatchdog.plan(OptionalLong.empty(), OptionalLong.of(10_000_000), true);
        assertEquals(4_000 * MS, plan.deadlineNanos());
        assertEquals(5_000 * MS, plan.petIntervalNanos());
        assertEquals(500 * MS, plan.tickNanos(), "ticks at most every 500 ms");
    }

    @Test
    void theTickIsAQuarterOfTheDeadlineAndOfThePetIntervalWithinItsBounds()
    {
        assertEquals(250 * MS, SelfWatchdog.plan(OptionalLong.of(1), OptionalLong.empty(), false).tickNanos());
        assertEquals(500 * MS, SelfWatchdog.plan(OptionalLong.of(60), OptionalLong.empty(), false).tickNanos());
        final SelfWatchdog.Plan fast = SelfWatchdog.plan(OptionalLong.of(1), OptionalLong.of(200_000), true);
        assertEquals(1_000 * MS, fast.deadlineNanos(), "the flag wins over the systemd default");
        assertEquals(100 * MS, fast.petIntervalNanos());
        assertEquals(50 * MS, fast.tickNanos());
        assertEquals(25 * MS, SelfWatchdog.plan(OptionalLong.empty(), OptionalLong.of(20_000), true).tickNanos(),
            "at least 25 ms");
        assertEquals(Long.MAX_VALUE, SelfWatchdog.plan(OptionalLong.of(Long.MAX_VALUE), OptionalLong.empty(), false)
            .deadlineNanos(), "saturates");
    }

    @Test
    void watchdogUsecCountsOnlyWhenMeantForThisProcess()
    {
        assertEquals(OptionalLong.empty(), SelfWatchdog.watchdogUsec(Map.of(), 42, log));
        assertEquals(OptionalLong.of(200_000), SelfWatchdog.watchdogUsec(Map.of("WATCHDOG_USEC", "200000"), 42, log));
        assertEquals(OptionalLong.of(200_000),
            SelfWatchdog.watchdogUsec(Map.of("WATCHDOG_USEC", "200000", "WATCHDOG_PID", "42"), 42, log));
        assertEquals(OptionalLong.empty(),
            SelfWatchdog.watchdogUsec(Map.of("WATCHDOG_USEC", "200000", "WATCHDOG_PID", "41"), 42, log),
            "meant for another process");
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals(OptionalLong.empty(), SelfWatchdog.watchdogUsec(Map.of("WATCHDOG_USEC", "0"), 42, log));
        assertEquals(OptionalLong.empty(), SelfWatchdog.watchdogUsec(Map.of("WATCHDOG_USEC", "5s"), 42, log));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
            "varta-watch: WATCHDOG_USEC=5s is not a positive number of microseconds; systemd watchdog ignored"));
    }
}
