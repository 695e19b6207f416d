package io.varta.watch.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsQueryTest
{
    @Test
    void noQueryOrOtherParametersMeanPerPidRowsUpToTheCap()
    {
        assertEquals(PidRows.UP_TO_CAP, MetricsQuery.pidRows(null));
        assertEquals(PidRows.UP_TO_CAP, MetricsQuery.pidRows(""));
        assertEquals(PidRows.UP_TO_CAP, MetricsQuery.pidRows("job=varta&x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pids=0", "job=varta&pids=0", "pids=%30", "pids=0&other=1"})
    void pidsZeroMeansNoPerPidRows(final String query)
    {
        assertEquals(PidRows.NONE, MetricsQuery.pidRows(query));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pids=1", "pids=", "pids", "pids=none", "pids=00", "pids=0&pids=all"})
    void anyOtherValueOfPidsIsRefusedWithAMessageNamingIt(final String query)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MetricsQuery.pidRows(query));
        assertEquals(true, e.getMessage().startsWith("pids: expected 0 (no per-pid rows), got \""), e.getMessage());
    }

    @Test
    void theEchoedValueIsShortAndPrintable()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MetricsQuery.pidRows("pids=%0A" + "x".repeat(100)));
        assertEquals("pids: expected 0 (no per-pid rows), got \"?" + "x".repeat(31) + "...\"", e.getMessage());
    }
}
