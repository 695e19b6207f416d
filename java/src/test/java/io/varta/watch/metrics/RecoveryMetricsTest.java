package io.varta.watch.metrics;

import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;
import io.varta.watch.recovery.RecoveryCounter;
import io.varta.watch.recovery.RecoveryOutcome;
import io.varta.watch.recovery.RecoveryStats;
import io.varta.watch.recovery.RecoveryStatsFixture;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recovery families: the reference's names and labels, every label value present at 0, read from the stats. */
class RecoveryMetricsTest
{
    private static String render(final RecoveryStats recovery)
    {
        final VartaMetrics metrics = new VartaMetrics(new VartaMetrics.Inputs(new IngestCounters(),
            () -> PidSnapshot.EMPTY, new DurationHistogram(), 16384, () -> 0, 256, 256, 0, () -> 0, kind -> 0,
            () -> 0L, 0L, () -> 0L), new EndpointStats(), VartaMetrics.SinkStats.NONE.withRecovery(recovery));
        return new String(metrics.render(), StandardCharsets.UTF_8);
    }

    @Test
    void everyOutcomeAndReasonIsPresentAtZeroWithoutRecovery()
    {
        final String body = render(new RecoveryStats());
        for (final RecoveryOutcome outcome : RecoveryOutcome.values())
        {
            assertTrue(body.contains("varta_recovery_outcomes_total{outcome=\"" + outcome.label() + "\"} 0"), body);
        }
        for (final String reason : new String[] {"unauthenticated_transport", "cross_namespace_agent",
            "debounce_capacity", "outstanding_capacity", "socket_mode_only"})
        {
            assertTrue(body.contains("varta_recovery_refused_total{reason=\"" + reason + "\"} 0"), reason);
        }
        for (final String family : new String[] {"varta_recovery_duration_count_total 0",
            "varta_recovery_last_fired_evictions_total 0", "varta_recovery_debounce_recycle_resets_total 0",
            "varta_recovery_outstanding_recycle_resets_total 0", "varta_recovery_spawn_budget_exceeded_total 0",
            "varta_recovery_invariant_violations_total 0", "varta_recovery_children_outstanding 0",
            "varta_recovery_captured_bytes_total{stream=\"stdout\"} 0", "varta_recovery_capture_truncated_total 0"})
        {
            assertTrue(body.contains("\n" + family), family);
        }
        assertTrue(body.contains("\nvarta_recovery_duration_ns_sum 0"), "the reference's name, no _total: " + body);
    }

    @Test
    void valuesComeFromThePublishedStats()
    {
        final RecoveryStats stats = new RecoveryStats();
        RecoveryStatsFixture.with(stats, RecoveryOutcome.SPAWNED, 3);
        RecoveryStatsFixture.with(stats, RecoveryOutcome.REFUSED_SOCKET_MODE_ONLY, 2);
        RecoveryStatsFixture.with(stats, RecoveryCounter.DURATION_NANOS_SUM, 1_500_000_000L);
        RecoveryStatsFixture.with(stats, RecoveryCounter.DURATION_COUNT, 3);
        RecoveryStatsFixture.with(stats, RecoveryCounter.CAPTURED_STDERR_BYTES, 12);
        final String body = render(stats);
        assertTrue(body.contains("varta_recovery_outcomes_total{outcome=\"spawned\"} 3"), body);
        assertTrue(body.contains("varta_recovery_outcomes_total{outcome=\"refused_socket_mode_only\"} 2"), body);
        assertTrue(body.contains("varta_recovery_refused_total{reason=\"socket_mode_only\"} 2"), body);
        assertTrue(body.contains("varta_recovery_duration_ns_sum 1.5E9"), body);
        assertTrue(body.contains("varta_recovery_duration_count_total 3"), body);
        assertTrue(body.contains("varta_recovery_captured_bytes_total{stream=\"stderr\"} 12"), body);
    }
}
