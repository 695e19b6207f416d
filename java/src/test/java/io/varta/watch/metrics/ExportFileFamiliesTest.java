package io.varta.watch.metrics;

import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export file's write-error, lost-line and rotation counters as families (at 0 without an export file). */
class ExportFileFamiliesTest
{
    private static String render(final VartaMetrics.ExportFileStats exportFile)
    {
        final VartaMetrics metrics = new VartaMetrics(new VartaMetrics.Inputs(new IngestCounters(), () -> PidSnapshot.EMPTY,
            new DurationHistogram(), 16384, () -> 0, 256, 256, 0, () -> 0, kind -> 0, () -> 2, 1, () -> 0),
            new EndpointStats(), VartaMetrics.SinkStats.NONE.withExportFile(exportFile));
        return new String(metrics.render(), StandardCharsets.UTF_8);
    }

    @Test
    void theFamiliesReadTheExporterCounters()
    {
        final String body = render(new VartaMetrics.ExportFileStats(() -> 3, () -> 7, () -> 2));
        assertTrue(body.contains("# TYPE varta_export_file_write_errors_total counter"), body);
        assertTrue(body.contains("varta_export_file_write_errors_total 3.0"), body);
        assertTrue(body.contains("varta_export_file_lines_lost_total 7.0"), body);
        assertTrue(body.contains("varta_export_file_rotations_total 2.0"), body);
    }

    @Test
    void withoutAnExportFileTheyArePresentAtZero()
    {
        final String body = render(VartaMetrics.ExportFileStats.NONE);
        assertTrue(body.contains("varta_export_file_write_errors_total 0.0"), body);
        assertTrue(body.contains("varta_export_file_lines_lost_total 0.0"), body);
        assertTrue(body.contains("varta_export_file_rotations_total 0.0"), body);
    }
}
