package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clean shutdown paths (reference §1 A item 15, B items 20, 23, G item 65). */
class ShutdownIT
{
    @TempDir
    Path dir;

    @Test
    void shutdownAfterZeroSecondsStartsAndExitsZero() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", socket.toString(),
            "--threshold-ms", "100", "--shutdown-after-secs", "0");
        assertEquals(0, observer.exitCode(), observer.stderr());
        assertFalse(Files.exists(socket), "socket removed at exit");
    }

    @Test
    void shutdownAfterOneSecondExitsZeroAfterAboutOneSecond() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final long startedAt = System.nanoTime();
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "100", "--shutdown-after-secs", "1"))
        {
            observer.awaitSocket(socket);
            assertTrue(observer.process().waitFor(10, TimeUnit.SECONDS), "did not exit within 10 s");
            final long ranNanos = System.nanoTime() - startedAt;
            assertEquals(0, observer.exitCode(), observer.stderr());
            assertTrue(ranNanos >= 1_000_000_000L, "exited " + ranNanos + " ns after being started");
            assertFalse(Files.exists(socket), "socket removed at exit");
        }
    }

    @Test
    void sigintShutsDownLikeSigtermFlushingTheExportAndUnlinkingTheSocket() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString(), "--max-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, "beat:ok:1", "beat:ok:2", "beat:ok:3", "beat:ok:4", "beat:ok:5");
            final Process kill = new ProcessBuilder("/bin/kill", "-INT", Long.toString(observer.process().pid()))
                .inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, kill.exitValue());
            assertTrue(observer.process().waitFor(5, TimeUnit.SECONDS), "no exit within 5 s of SIGINT");
            assertEquals(0, observer.exitCode(), observer.stderr());
            assertFalse(Files.exists(socket), "socket removed after SIGINT");

            final List<Line> beats = ExportLog.of(ExportLog.read(export), "beat", pid);
            assertEquals(5, beats.size(), "buffered lines flushed at SIGINT shutdown: " + beats);
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(5L, summary.get("datagrams"));
            assertEquals(5L, summary.get("accounted"));
        }
    }

    @Test
    void sigtermRemovesTheSocketAndLogsTheIngestSummary() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--max-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            Sender.send(socket, "beat:ok:1", "beat:ok:2");
            assertEquals(0, observer.terminate(java.time.Duration.ofSeconds(5)), observer::toString);
            assertFalse(Files.exists(socket), "socket removed after SIGTERM");
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(2L, summary.get("datagrams"));
            assertEquals(2L, summary.get("beats"));
            assertEquals(2L, summary.get("accounted"));
        }
    }

    @Test
    void sigtermUnderLoadWithASlowExportAccountsForEveryDatagramTheReceiverRead() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString(), "--export-file-sync-every", "1",
            "--max-beat-rate", "0", "--global-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            final Path loadgen = Sender.tool().resolveSibling("vlp-loadgen");
            final Process load = new ProcessBuilder(loadgen.toString(), "--socket", socket.toString(), "--senders",
                "3", "--frames-per-sender", "1000000").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try
            {
                Thread.sleep(1_500); // the ring fills: the observer writes one fdatasync'ed line per beat
                assertEquals(0, observer.terminate(java.time.Duration.ofSeconds(30)), observer.stderr());
            }
            finally
            {
                load.destroyForcibly();
            }
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertTrue(summary.get("read") > 1024, "the receiver read a backlog: " + summary);
            assertEquals(summary.get("read"), summary.get("datagrams"), "every datagram read was handled: " + summary);
            assertEquals(summary.get("datagrams"), summary.get("accounted"), summary::toString);
            assertEquals(summary.get("beats"), (long)ExportLog.ofKind(ExportLog.read(export), "beat").size(),
                "every accepted beat has its line in the export file");
        }
    }
}
