package io.varta.watch.metrics;

import io.varta.watch.log.LogKind;
import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VartaMetricsTest
{
    private final IngestCounters counters = new IngestCounters();
    private final DurationHistogram iterations = new DurationHistogram();
    private PidSnapshot pids = PidSnapshot.EMPTY;

    private String render()
    {
        final VartaMetrics metrics = new VartaMetrics(new VartaMetrics.Inputs(counters, () -> pids, iterations,
            16384, () -> 3, 256, 256, 212_992, () -> 0, kind -> LogKind.PROM_SERVE == kind ? 4 : 0,
            () -> 2_500_000_000L, 1_000_000_000L, () -> 1_700_000_000_000L), new EndpointStats());
        return new String(metrics.render(), StandardCharsets.UTF_8);
    }

    @Test
    void everyLabelledFamilyIsPresentAtZeroFromTheFirstScrape()
    {
        final String body = render();
        for (final String kind : new String[] {"bad_magic", "bad_version", "bad_status", "bad_pid",
            "bad_timestamp", "bad_nonce", "stall_on_wire", "bad_crc"})
        {
            assertTrue(body.contains("varta_decode_errors_total{kind=\"" + kind + "\"} 0"), kind);
        }
        for (final LogKind kind : LogKind.values())
        {
            assertTrue(body.contains("varta_log_suppressed_total{kind=\"" + kind.label() + "\"}"), kind::label);
        }
        assertTrue(body.contains("varta_log_suppressed_total{kind=\"prom_serve\"} 4"));
        assertTrue(body.contains("varta_rate_limited_total{reason=\"global\"} 0"));
        assertTrue(body.contains("varta_prom_connections_dropped_total{reason=\"ip_table_full\"} 0"));
        for (final String le : new String[] {"0.001", "0.005", "0.01", "0.05", "0.1", "0.25", "0.5", "1.0", "+Inf"})
        {
            assertTrue(body.contains("varta_observer_iteration_seconds_bucket{le=\"" + le + "\"} 0"), le);
            assertTrue(body.contains("varta_observer_serve_pending_seconds_bucket{le=\"" + le + "\"} 0"), le);
        }
        assertTrue(body.contains("varta_watch_uptime_seconds 1.5"));
        assertTrue(body.contains("varta_ring_capacity_records 16384"));
        assertTrue(body.contains("varta_ring_full_stalls_total 3"));
        assertTrue(body.contains("varta_observer_uds_rcvbuf_bytes 212992"));
        assertFalse(body.contains("varta_beats_total{"));
    }

    @Test
    void perPidRowsComeFromTheSnapshot()
    {
        pids = new PidSnapshot(new long[] {30, 2}, new long[] {5, 1}, new long[] {1, 0}, new byte[] {3, 1}, 2, 1);
        final String body = render();
        assertTrue(body.contains("varta_beats_total{pid=\"30\"} 5"), body);
        assertTrue(body.contains("varta_stalls_total{pid=\"30\"} 1"), body);
        assertTrue(body.contains("varta_status{pid=\"30\"} 3"), body);
        assertTrue(body.contains("varta_status{pid=\"2\"} 1"), body);
        assertTrue(body.contains("varta_watch_pids_tracked 2"), body);
    }

    @Test
    void countersAndHistogramReadPublishedValues()
    {
        counters.increment(IngestCounter.DECODE_BAD_CRC);
        counters.increment(IngestCounter.UID_MISMATCH);
        counters.increment(IngestCounter.IO_ERRORS);
        iterations.observe(500_000);
        iterations.observe(2_000_000_000L);
        final String body = render();
        assertTrue(body.contains("varta_decode_errors_total{kind=\"bad_crc\"} 1"), body);
        assertTrue(body.contains("varta_io_errors_total 2"), body);
        assertTrue(body.contains("varta_observer_iteration_seconds_bucket{le=\"0.001\"} 1"), body);
        assertTrue(body.contains("varta_observer_iteration_seconds_bucket{le=\"1.0\"} 1"), body);
        assertTrue(body.contains("varta_observer_iteration_seconds_bucket{le=\"+Inf\"} 2"), body);
        assertTrue(body.contains("varta_observer_iteration_seconds_count 2"), body);
        assertEquals(1, body.lines().filter(l -> l.startsWith("# TYPE varta_observer_iteration_seconds ")).count());
    }

    @Test
    void rowsComeOutInTheLibrarysLabelOrderWithTheirOwnValues()
    {
        final long[] p = {2, 4_194_304, 10, 1, 100, 9, 4_294_967_295L};
        final long[] beats = {20, 41, 100, 10, 1000, 90, 42};
        pids = new PidSnapshot(p, beats, new long[p.length], new byte[p.length], p.length, 1);
        final String body = render();
        final java.util.List<String> rows = body.lines().filter(l -> l.startsWith("varta_beats_total{")).toList();
        assertEquals(java.util.List.of("varta_beats_total{pid=\"1\"} 10.0", "varta_beats_total{pid=\"10\"} 100.0",
            "varta_beats_total{pid=\"100\"} 1000.0", "varta_beats_total{pid=\"2\"} 20.0",
            "varta_beats_total{pid=\"4194304\"} 41.0", "varta_beats_total{pid=\"4294967295\"} 42.0",
            "varta_beats_total{pid=\"9\"} 90.0"), rows);
    }

    @Test
    void auditFamiliesArePresentAtZeroWithoutAnAuditLogAndReadTheWritersValuesWithOne()
    {
        String body = render();
        for (final String family : new String[] {"varta_recovery_audit_dropped_total 0",
            "varta_recovery_audit_flush_budget_exceeded_total 0", "varta_audit_fsync_budget_exceeded_total 0",
            "varta_audit_rotation_budget_exceeded_total 0", "varta_audit_ring_watermark_total{level=\"warn\"} 0",
            "varta_audit_ring_watermark_total{level=\"critical\"} 0", "varta_audit_io_errors_total 0",
            "varta_audit_records_lost_total 0", "varta_audit_fsync_seconds_bucket{le=\"+Inf\"} 0"})
        {
            assertTrue(body.contains(family), family);
        }
        final DurationHistogram fsyncs = new DurationHistogram();
        fsyncs.observe(3_000_000L);
        final VartaMetrics metrics = new VartaMetrics(new VartaMetrics.Inputs(counters, () -> pids, iterations,
            16384, () -> 3, 256, 256, 212_992, () -> 0, kind -> 0, () -> 2_500_000_000L, 1_000_000_000L,
            () -> 1_700_000_000_000L), new EndpointStats(), VartaMetrics.SinkStats.NONE.withAudit(
            new VartaMetrics.AuditInputs(() -> 1, () -> 2, () -> 3, () -> 4, () -> 5, () -> 6, () -> 7, fsyncs)));
        body = new String(metrics.render(), StandardCharsets.UTF_8);
        assertTrue(body.contains("varta_recovery_audit_dropped_total 1"), body);
        assertTrue(body.contains("varta_audit_fsync_budget_exceeded_total 2"), body);
        assertTrue(body.contains("varta_audit_rotation_budget_exceeded_total 3"), body);
        assertTrue(body.contains("varta_audit_ring_watermark_total{level=\"warn\"} 4"), body);
        assertTrue(body.contains("varta_audit_ring_watermark_total{level=\"critical\"} 5"), body);
        assertTrue(body.contains("varta_audit_io_errors_total 6"), body);
        assertTrue(body.contains("varta_audit_records_lost_total 7"), body);
        assertTrue(body.contains("varta_audit_fsync_seconds_bucket{le=\"0.001\"} 0"), body);
        assertTrue(body.contains("varta_audit_fsync_seconds_bucket{le=\"0.005\"} 1"), body);
        assertTrue(body.contains("varta_audit_fsync_seconds_count 1"), body);
    }
}
