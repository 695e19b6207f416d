package io.varta.watch.metrics;

import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-pid cap, the omitted count, bodies without per-pid rows, and the render deadline. */
class VartaMetricsRowCapTest
{
    private final IngestCounters counters = new IngestCounters();
    private long clock = 2_000_000_000L;

    private VartaMetrics metrics(final Supplier<PidSnapshot> pids, final int cap)
    {
        return new VartaMetrics(new VartaMetrics.Inputs(counters, pids, new DurationHistogram(), 16384, () -> 0, 256,
            256, 212_992, () -> 0, kind -> 0, () -> clock, 1_000_000_000L, () -> 1_700_000_000_000L, cap),
            new EndpointStats());
    }

    private static String text(final byte[] body)
    {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static long rows(final String body, final String family)
    {
        return body.lines().filter(l -> l.startsWith(family + "{pid=")).count();
    }

    private static PidSnapshot snapshot(final int rows, final int tracked)
    {
        final long[] pids = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            pids[i] = 100 + i;
        }
        return new PidSnapshot(pids, new long[rows], new long[rows], new byte[rows], rows, tracked, 1);
    }

    @Test
    void aBodyOverTheCapIsBoundedAndSaysHowManyPidsWereLeftOut()
    {
        final String body = text(metrics(() -> snapshot(5, 5), 3).render());
        for (final String family : new String[] {"varta_beats_total", "varta_stalls_total", "varta_status"})
        {
            assertEquals(3, rows(body, family), family);
        }
        assertTrue(body.contains("varta_beats_total{pid=\"100\"}"), body);
        assertFalse(body.contains("varta_beats_total{pid=\"103\"}"), "the snapshot's first rows are the kept ones");
        assertTrue(body.contains("varta_prom_pid_series_omitted 2.0"), body);
        assertTrue(body.contains("varta_watch_pids_tracked 5.0"), body);
        assertTrue(body.contains("varta_prom_pid_series_max 3.0"), body);
    }

    @Test
    void pidsTheObserverThreadLeftOutAreCountedToo()
    {
        final String body = text(metrics(() -> snapshot(4, 1_000_000), 4).render());
        assertEquals(4, rows(body, "varta_status"));
        assertTrue(body.contains("varta_prom_pid_series_omitted 999996.0"), body);
        assertTrue(body.contains("varta_watch_pids_tracked 1000000.0"), body);
    }

    @Test
    void withinTheCapNothingIsOmitted()
    {
        final String body = text(metrics(() -> snapshot(4, 4), VartaMetrics.DEFAULT_PID_SERIES_MAX).render());
        assertEquals(4, rows(body, "varta_status"));
        assertTrue(body.contains("varta_prom_pid_series_omitted 0.0"), body);
    }

    @Test
    void noPerPidRowsAsksTheObserverThreadForNothingAndCountsEveryTrackedPid()
    {
        counters.set(IngestCounter.PIDS_TRACKED, 1_000_000);
        final String body = text(metrics(() ->
        {
            throw new AssertionError("no snapshot for ?pids=0");
        }, 16).render(PidRows.NONE, ScrapeCache.NO_DEADLINE));
        for (final String family : new String[] {"varta_beats_total", "varta_stalls_total", "varta_status"})
        {
            assertEquals(0, rows(body, family), family); // the writer leaves a family without rows out, as at 0 pids
        }
        assertTrue(body.contains("varta_prom_pid_series_omitted 1000000.0"), body);
        assertTrue(body.contains("varta_watch_pids_tracked 1000000.0"), body);
        assertTrue(body.contains("varta_decode_errors_total{kind=\"bad_crc\"} 0"), "aggregates are all there");
    }

    @Test
    void aCapOfZeroRendersNoRowsAndAsksForNoSnapshot()
    {
        counters.set(IngestCounter.PIDS_TRACKED, 12);
        final String body = text(metrics(() ->
        {
            throw new AssertionError("no snapshot at a cap of 0");
        }, 0).render());
        assertFalse(body.contains("{pid="), body);
        assertTrue(body.contains("varta_prom_pid_series_omitted 12.0"), body);
    }

    @Test
    void aRenderStopsOnceItsDeadlineHasPassed()
    {
        final VartaMetrics metrics = metrics(() -> snapshot(10, 10), 10);
        final long deadline = clock;
        assertThrows(RenderDeadlineExceeded.class, () -> metrics.render(PidRows.UP_TO_CAP, deadline));
        final String body = text(metrics.render(PidRows.UP_TO_CAP, clock + 1));
        assertEquals(10, rows(body, "varta_beats_total"), "the next render, in time, is complete");
    }

    @Test
    void theCapIsCheckedWhereTheInputsAreMade()
    {
        assertThrows(IllegalArgumentException.class, () -> metrics(() -> snapshot(1, 1), -1));
        assertThrows(IllegalArgumentException.class, () -> metrics(() -> snapshot(1, 1),
            VartaMetrics.MAX_PID_SERIES_MAX + 1));
    }
}
