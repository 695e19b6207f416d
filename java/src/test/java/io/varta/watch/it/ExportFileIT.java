package io.varta.watch.it;

import io.varta.watch.export.FileExporter;
import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Export-file durability, rotation and path safety (reference §1 F items 57, 58, 60, 61). */
class ExportFileIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void syncEveryOneMakesEachLineVisibleWhileRunning() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "200", "--export-file", export.toString(), "--export-file-sync-every", "1"))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, "beat:ok:1");
            ExportLog.await(export, VISIBLE_WITHIN, l -> 1 == ExportLog.of(l, "beat", pid).size());
            ExportLog.await(export, VISIBLE_WITHIN, l -> 1 == ExportLog.of(l, "stall", pid).size());
            assertTrue(observer.process().isAlive(), "lines were read while the observer runs");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
        }
    }

    @Test
    void defaultSyncKeepsLinesBufferedUntilShutdown() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString(), "--max-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, "beat:ok:1", "beat:ok:2", "beat:ok:3");
            Thread.sleep(300);
            assertEquals(0, Files.size(export), "buffered mid-stream");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
            assertEquals(3, ExportLog.of(ExportLog.read(export), "beat", pid).size());
        }
    }

    @Test
    void syncEveryThreeShowsNothingAfterTwoLinesAndAllThreeAfterTheThird() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString(), "--export-file-sync-every", "3",
            "--max-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            final long first = Sender.send(socket, "beat:ok:1", "beat:ok:2");
            Thread.sleep(300);
            assertEquals(0, Files.size(export), "two lines stay buffered");
            final long second = Sender.send(socket, "beat:ok:1");
            final List<Line> lines = ExportLog.await(export, VISIBLE_WITHIN, l -> 3 == l.size());
            assertTrue(observer.process().isAlive());
            assertEquals(2, ExportLog.of(lines, "beat", first).size());
            assertEquals(1, ExportLog.of(lines, "beat", second).size());
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
        }
    }

    @Test
    void rotationKeepsAtMostFiveGenerationsAndLosesNoLine() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString(), "--export-file-max-bytes", "4096",
            "--max-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            final List<String> items = new ArrayList<>();
            for (int i = 1; i <= 200; i++)
            {
                items.add("beat:ok:" + i);
            }
            final long pid = Sender.send(socket, items.toArray(String[]::new));
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final Path first = FileExporter.generationPath(export, 1);
            assertTrue(Files.exists(first) && Files.size(first) > 0, "E.1 exists and is not empty");
            assertFalse(Files.exists(FileExporter.generationPath(export, 6)), "at most 5 generations");
            final Set<String> nonces = new HashSet<>();
            final List<Path> files = new ArrayList<>(List.of(export));
            for (int g = 1; g <= 5; g++)
            {
                files.add(FileExporter.generationPath(export, g));
            }
            for (final Path file : files)
            {
                for (final Line line : ExportLog.of(ExportLog.read(file), "beat", pid))
                {
                    assertTrue(nonces.add(line.nonce()), "duplicate line " + line);
                }
            }
            // 200 lines of ~50 bytes fit in 5 generations of 4 KiB: none may have been dropped.
            assertEquals(200, nonces.size());
        }
    }

    @Test
    void symlinkAtTheExportPathIsRefusedWithExitOne() throws Exception
    {
        final Path target = Files.createFile(dir.resolve("target.tsv"));
        final Path export = Files.createSymbolicLink(dir.resolve("export.tsv"), target);
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--export-file", export.toString(), "--shutdown-after-secs", "0");
        assertEquals(1, observer.exitCode(), observer.stderr());
        assertTrue(observer.stderr().contains("must not be a symlink"), observer.stderr());
        assertEquals(0, Files.size(target), "the link target is untouched");
    }

    @Test
    void exportFileWithTwoHardLinksIsRefusedWithExitOne() throws Exception
    {
        final Path export = Files.createFile(dir.resolve("export.tsv"));
        final Path other = Files.createLink(dir.resolve("other.tsv"), export);
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--export-file", export.toString(), "--shutdown-after-secs", "0");
        assertEquals(1, observer.exitCode(), observer.stderr());
        assertTrue(observer.stderr().contains("exactly one hard link"), observer.stderr());
        assertEquals(0, Files.size(other));
    }

    @Test
    void exportFileInAMissingDirectoryIsRefusedWithTheReason() throws Exception
    {
        final Path export = dir.resolve("no-such-dir").resolve("export.tsv");
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--export-file", export.toString(), "--shutdown-after-secs", "0");
        assertEquals(1, observer.exitCode(), observer.stderr());
        assertTrue(observer.stderr().contains("varta-watch: " + export + ": No such file or directory\n"),
            observer.stderr());
    }

    @Test
    void exportFileTheUserMayNotCreateIsRefusedWithTheReason() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")),
            "skipped: running as another user needs root (setpriv to uid 65534)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "skipped: no /usr/bin/setpriv");
        // the JUnit temp dir is 0700 root: uid 65534 may not enter it
        final Path export = dir.resolve("export.tsv");
        final ObserverProcess observer = ObserverProcess.startWrapped(dir,
            List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
            "--socket", "/tmp/varta-it-unused.sock", "--threshold-ms", "100", "--export-file", export.toString(),
            "--shutdown-after-secs", "0");
        assertTrue(observer.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, observer.exitCode(), observer.stderr());
        assertTrue(observer.stderr().contains("varta-watch: " + export + ": Permission denied\n"), observer.stderr());
        assertFalse(Files.exists(export));
    }
}
