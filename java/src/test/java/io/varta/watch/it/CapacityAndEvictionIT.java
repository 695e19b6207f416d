package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracker capacity and eviction (reference §1 C items 30, 31; Tracker's rules): a new pid beyond capacity
 * is refused without a line; a slot becomes evictable only after 10 × threshold of silence. In a real run a
 * slot silent that long has always stalled, so strict and balanced behave alike from outside.
 */
class CapacityAndEvictionIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void newPidBeyondCapacityIsRefusedWithoutALineAndStillAccounted() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--tracker-capacity", "2", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final long first = Sender.send(socket, "beat:ok:1");
            final long second = Sender.send(socket, "beat:ok:1");
            final long third = Sender.send(socket, "beat:ok:1");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.read(export);
            assertEquals(1, ExportLog.of(lines, "beat", first).size(), lines::toString);
            assertEquals(1, ExportLog.of(lines, "beat", second).size(), lines::toString);
            assertTrue(lines.stream().noneMatch(l -> l.pid().equals(Long.toString(third))), lines::toString);
            assertEquals(2, lines.size(), lines::toString);

            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(3L, summary.get("datagrams"));
            assertEquals(2L, summary.get("beats"));
            assertEquals(summary.get("datagrams"), summary.get("accounted"), "every datagram accounted");
        }
    }

    @ParameterizedTest(name = "--tracker-eviction-policy {0}")
    @ValueSource(strings = {"strict", "balanced"})
    void silentPidIsEvictedOnlyAfterTenThresholds(final String policy) throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "100", "--tracker-capacity", "1", "--tracker-eviction-policy", policy,
            "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final long a = Sender.send(socket, "beat:ok:1");
            Thread.sleep(200); // a has stalled (100 ms) but is not past the eviction bar (1 s)
            final long early = Sender.send(socket, "beat:ok:1");
            Thread.sleep(1200); // now a is silent > 10 x threshold
            final long late = Sender.send(socket, "beat:ok:1");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.read(export);
            final List<Line> aBeats = ExportLog.of(lines, "beat", a);
            assertEquals(1, aBeats.size(), lines::toString);
            assertEquals(1, ExportLog.of(lines, "stall", a).size(), lines::toString);
            assertTrue(lines.stream().noneMatch(l -> l.pid().equals(Long.toString(early))),
                () -> "a pid arriving before the eviction bar is refused: " + lines);

            final List<Line> evictions = ExportLog.ofKind(lines, "eviction");
            assertEquals(1, evictions.size(), lines::toString);
            final Line eviction = evictions.get(0);
            assertEquals(List.of(Long.toString(a), "-", "-", "-"),
                List.of(eviction.pid(), eviction.nonce(), eviction.status(), eviction.payload()));
            assertTrue(eviction.ns() - aBeats.get(0).ns() >= 1_000_000_000L, "evicted before 10 x threshold");

            final List<Line> lateBeats = ExportLog.of(lines, "beat", late);
            assertEquals(1, lateBeats.size(), lines::toString);
            assertTrue(lines.indexOf(eviction) < lines.indexOf(lateBeats.get(0)), "eviction line precedes the beat");
        }
    }
}
