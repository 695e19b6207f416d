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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nonce rules seen from outside (reference §1 C item 32, features §3): out-of-order and equal nonces are
 * dropped silently and refresh nothing; the wrap window; the terminal nonce.
 *
 * <p>Not covered here: a second terminal frame with an older agent timestamp. {@code varta-send} stamps
 * frames with CLOCK_MONOTONIC, so it cannot produce one; TrackerTest covers that rule.
 */
class NonceRulesIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);
    private static final String TOP_WINDOW_NONCE = "18446744073708503040"; // >= 2^64-1-2^20
    private static final String BELOW_WINDOW_NONCE = "18446744073708503038"; // 2^64-1-2^20-1

    @TempDir
    Path dir;

    private ObserverProcess start(final Path socket, final Path export, final String thresholdMs) throws Exception
    {
        final ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", thresholdMs, "--export-file", export.toString(), "--max-beat-rate", "0");
        observer.awaitSocket(socket);
        return observer;
    }

    @Test
    void outOfOrderAndEqualNoncesAreDroppedWithoutALine() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export, "60000"))
        {
            final long pid = Sender.send(socket, "beat:ok:5:50", "beat:ok:3:30", "beat:ok:5:51", "beat:ok:6:60");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.read(export);
            assertEquals(2, lines.size(), lines::toString);
            assertEquals(List.of("5", "6"), ExportLog.of(lines, "beat", pid).stream().map(Line::nonce).toList());
            assertEquals("50", lines.get(0).payload(), "the equal-nonce frame did not replace the first");
        }
    }

    @Test
    void outOfOrderFramesDuringSilenceDoNotPreventTheStall() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export, "150"))
        {
            // Nonce 100, then 2 s of older nonces every 100 ms. Had they refreshed the slot, the stall could
            // not come before 2.15 s after the beat; it must come within threshold + 1 s.
            final List<String> items = new ArrayList<>(List.of("beat:ok:100"));
            for (int i = 1; i <= 20; i++)
            {
                items.add("sleep:100");
                items.add("beat:ok:" + i);
            }
            final long pid = Sender.send(socket, items.toArray(String[]::new));
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.read(export);
            final List<Line> beats = ExportLog.of(lines, "beat", pid);
            final List<Line> stalls = ExportLog.of(lines, "stall", pid);
            assertEquals(1, beats.size(), lines::toString);
            assertEquals(1, stalls.size(), () -> "older nonces must not re-arm stall detection: " + lines);
            assertEquals("100", stalls.get(0).nonce());
            final long silence = stalls.get(0).ns() - beats.get(0).ns();
            assertTrue(silence >= 150_000_000L && silence <= 1_150_000_000L,
                () -> "stall " + silence + " ns after the only accepted beat");
        }
    }

    @Test
    void nonceWrapsOnlyFromTheTopWindow() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export, "60000"))
        {
            final long wrapping = Sender.send(socket, "beat:ok:" + TOP_WINDOW_NONCE, "beat:ok:5");
            final long notWrapping = Sender.send(socket, "beat:ok:" + BELOW_WINDOW_NONCE, "beat:ok:5");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.read(export);
            assertEquals(List.of(TOP_WINDOW_NONCE, "5"),
                ExportLog.of(lines, "beat", wrapping).stream().map(Line::nonce).toList(), "wrap accepted");
            assertEquals(List.of(BELOW_WINDOW_NONCE),
                ExportLog.of(lines, "beat", notWrapping).stream().map(Line::nonce).toList(),
                "below the wrap window a small nonce is out of order");
        }
    }

    @Test
    void terminalFrameIsABeatAndLeavesTheRegularNonceHighWaterMark() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export, "60000"))
        {
            final long pid = Sender.send(socket, "beat:ok:1", "beat:ok:2", "beat:critical:max:7", "beat:ok:2",
                "beat:ok:3");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> beats = ExportLog.of(ExportLog.read(export), "beat", pid);
            assertEquals(List.of("1", "2", "18446744073709551615", "3"), beats.stream().map(Line::nonce).toList(),
                beats::toString);
            assertEquals("critical", beats.get(2).status());
            assertEquals("7", beats.get(2).payload());
        }
    }

    @Test
    void spoofedPidIsAnAuthFailureMismatchAndNeverABeatOrStall() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export, "100"))
        {
            final long claimed = observer.process().pid(); // a live process, but not the sender
            final long sender = Sender.send(socket, "beatpid:" + claimed + ":ok:1", "beatpid:" + claimed + ":ok:2");
            Thread.sleep(600); // several thresholds: a tracked pid would have stalled by now
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.read(export);
            assertEquals(2, lines.size(), lines::toString);
            for (final Line line : lines)
            {
                assertEquals(List.of("mismatch", Long.toString(claimed), "-", "-", "auth_failure"),
                    List.of(line.kind(), line.pid(), line.nonce(), line.status(), line.payload()));
            }
            assertTrue(lines.stream().noneMatch(l -> l.pid().equals(Long.toString(sender))), lines::toString);
        }
    }
}
