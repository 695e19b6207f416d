package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stall detection seen from outside: one stall per silence, re-armed by a newer beat, and reported within
 * threshold + 1 s (reference §1 C item 26, 38).
 */
class StallDetectionIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);
    private static final long THRESHOLD_NS = 150_000_000L;
    private static final long SLACK_NS = 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void oneStallPerSilenceAndNoneRepeatedUntilANewerBeatRearmsIt() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "150", "--export-file", export.toString(), "--export-file-sync-every", "1",
            "--max-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            // One process: beat 1, stay silent 1.7 s (stall by +1.15 s, then >= 0.5 s with no second stall), beat 2.
            final long pid = Sender.send(socket, "beat:ok:1", "sleep:1700", "beat:ok:2");
            ExportLog.await(export, Duration.ofSeconds(5), l -> 2 == ExportLog.of(l, "stall", pid).size());
            Thread.sleep(500);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT), observer::toString);

            final List<Line> lines = ExportLog.read(export);
            final List<Line> beats = ExportLog.of(lines, "beat", pid);
            final List<Line> stalls = ExportLog.of(lines, "stall", pid);
            assertEquals(2, beats.size(), lines::toString);
            assertEquals(2, stalls.size(), () -> "one stall per silence: " + lines);

            final Line beat1 = beats.get(0);
            final Line beat2 = beats.get(1);
            final Line stall1 = stalls.get(0);
            final Line stall2 = stalls.get(1);
            assertEquals("1", stall1.nonce());
            assertEquals("stall", stall1.status());
            assertEquals("-", stall1.payload());
            assertTrue(stall1.ns() < beat2.ns(), () -> "first silence raised exactly one stall: " + lines);
            assertWithinThreshold(beat1, stall1);

            assertEquals("2", stall2.nonce(), "the newer beat re-armed detection");
            assertTrue(stall2.ns() > beat2.ns());
            assertWithinThreshold(beat2, stall2);
        }
    }

    @Test
    void boottimeClockStartsAndDetectsAStall() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "150", "--clock-source", "boottime", "--export-file", export.toString(),
            "--export-file-sync-every", "1"))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, "beat:degraded:1");
            final List<Line> lines = ExportLog.await(export, Duration.ofSeconds(5),
                l -> !ExportLog.of(l, "stall", pid).isEmpty());
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
            final List<Line> beats = ExportLog.of(lines, "beat", pid);
            assertEquals(1, beats.size(), lines::toString);
            assertEquals("degraded", beats.get(0).status());
            assertWithinThreshold(beats.get(0), ExportLog.of(lines, "stall", pid).get(0));
        }
    }

    private static void assertWithinThreshold(final Line beat, final Line stall)
    {
        final long silence = stall.ns() - beat.ns();
        assertTrue(silence >= THRESHOLD_NS, () -> "stall before the threshold: " + silence + " ns after " + beat);
        assertTrue(silence <= THRESHOLD_NS + SLACK_NS, () -> "stall later than threshold + 1 s: " + silence + " ns");
    }
}
