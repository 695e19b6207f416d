package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-pid and global rate limits and the dying-gasp exemption (reference §1 C items 33, 34; features §2.5). */
class RateLimitIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static String[] beats(final int count)
    {
        final List<String> items = new ArrayList<>();
        for (int i = 1; i <= count; i++)
        {
            items.add("beat:ok:" + i);
        }
        return items.toArray(String[]::new);
    }

    @Test
    void perPidLimitDropsSomeOfFiftyBackToBackBeats() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--max-beat-rate", "10", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, beats(50));
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final int accepted = ExportLog.of(ExportLog.read(export), "beat", pid).size();
            assertTrue(accepted > 0 && accepted < 50, "accepted beats: " + accepted);
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(50L, summary.get("datagrams"));
            assertEquals(50L, summary.get("accounted"), "rate-limited frames are still accounted");
            assertEquals(50L - accepted, summary.get("rate_limited_per_pid"), summary::toString);
        }
    }

    @Test
    void globalBucketCapsBeatsAcrossPidsAtBurstPlusRefill() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--max-beat-rate", "0", "--global-beat-rate", "10",
            "--global-beat-burst", "5", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final List<Process> senders = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                senders.add(Sender.start(socket, beats(10)));
            }
            for (final Process sender : senders)
            {
                assertTrue(sender.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, sender.exitValue());
            }
            Thread.sleep(200);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> accepted = ExportLog.ofKind(ExportLog.read(export), "beat");
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(30L, summary.get("datagrams"));
            assertEquals(accepted.size(), summary.get("beats"));
            assertTrue(accepted.size() >= 5, "the full burst is admitted: " + accepted.size());
            // At most the burst plus 10 tokens per second between the first and the last admitted beat (+1 for
            // rounding), measured on the observer's own clock.
            final double spanSeconds = (accepted.get(accepted.size() - 1).ns() - accepted.get(0).ns()) / 1e9;
            final long bound = 5 + (long)Math.floor(10 * spanSeconds) + 1;
            assertTrue(accepted.size() <= bound,
                "accepted " + accepted.size() + " beats over " + spanSeconds + " s; bound " + bound);
            assertTrue(accepted.size() < 30, "some frames were limited");
        }
    }

    @Test
    void firstTerminalFrameAfterRegularBeatsBypassesThePerPidLimitOnce() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--max-beat-rate", "1", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, "beat:ok:1", "beat:critical:max", "beat:critical:max",
                "beat:ok:2");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.of(ExportLog.read(export), "beat", pid);
            assertEquals(List.of("1", "18446744073709551615"), lines.stream().map(Line::nonce).toList(),
                () -> "first terminal frame bypasses once, then the limit applies again: " + lines);
            assertEquals("critical", lines.get(1).status());
        }
    }

    @Test
    void badFramesBeyondTheGlobalBucketAreDroppedWithoutALineButCounted() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--max-beat-rate", "0", "--global-beat-rate", "1", "--global-beat-burst", "3",
            "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final String[] badMagic = new String[10];
            java.util.Arrays.fill(badMagic, "hex:" + "ff".repeat(32));
            Sender.send(socket, badMagic);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final int decodeLines = ExportLog.ofKind(ExportLog.read(export), "decode").size();
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertTrue(decodeLines >= 3 && decodeLines <= 5, "burst 3 (+ at most a little refill): " + decodeLines);
            assertEquals((long)decodeLines, summary.get("decode_bad_magic"), summary::toString);
            assertEquals(10L - decodeLines, summary.get("rate_limited_global"), summary::toString);
            assertEquals(10L, summary.get("accounted"));
        }
    }
}
