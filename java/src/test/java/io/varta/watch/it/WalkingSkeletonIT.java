package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of the walking skeleton: a spawned {@code bin/varta-watch}, frames from separate
 * sender processes, outcomes read back from the export file.
 */
class WalkingSkeletonIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private List<String[]> exportLines(final Path export) throws Exception
    {
        return Files.readAllLines(export).stream().map(l -> l.split("\t", -1)).toList();
    }

    @Test
    void threeFramesBecomeThreeBeatLinesInOrder() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString(), "--max-beat-rate", "0"))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, "beat:ok:1:10", "beat:degraded:2:20", "beat:critical:3:4294967295");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT), () -> "exit code; stderr: " + stderr(observer));

            final List<String[]> lines = exportLines(export);
            assertEquals(3, lines.size());
            final String[][] expected = {
                {"beat", "1", "ok", "10"}, {"beat", "2", "degraded", "20"}, {"beat", "3", "critical", "4294967295"}};
            long previousNs = 0;
            for (int i = 0; i < 3; i++)
            {
                final String[] line = lines.get(i);
                assertEquals(6, line.length);
                final long ns = Long.parseLong(line[0]);
                assertTrue(ns >= previousNs, "observer_ns must not go backwards");
                previousNs = ns;
                assertEquals(expected[i][0], line[1]);
                assertEquals(Long.toString(pid), line[2]);
                assertEquals(expected[i][1], line[3]);
                assertEquals(expected[i][2], line[4]);
                assertEquals(expected[i][3], line[5]);
            }
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(export)));
        }
    }

    @Test
    void malformedDatagramsAreCountedAndTheObserverKeepsRunning() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final String badMagic = "ff".repeat(32);
            final String shortDatagram = "5641";
            final String overlong = "56410200020000000000000000000000010000000000000000000000e4116baa00";
            final long pid = Sender.send(socket, "hex:" + badMagic, "hex:" + shortDatagram, "hex:" + overlong,
                "beat:ok:7:0");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<String[]> lines = exportLines(export);
            assertEquals(2, lines.size(), "wrong-length datagrams write no line");
            assertEquals("decode", lines.get(0)[1]);
            assertEquals("-", lines.get(0)[2]);
            assertTrue(lines.get(0)[5].startsWith("BadMagic"), lines.get(0)[5]);
            assertEquals("beat", lines.get(1)[1]);
            assertEquals(Long.toString(pid), lines.get(1)[2]);
            assertTrue(stderr(observer).contains("datagrams=4"), "every datagram accounted: " + stderr(observer));
        }
    }

    @Test
    void frameClaimingAnotherPidIsAMismatchNotABeat() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            Sender.send(socket, "beatpid:4242:ok:1:0");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<String[]> lines = exportLines(export);
            assertEquals(1, lines.size());
            assertEquals(List.of("mismatch", "4242", "-", "-", "auth_failure"), List.of(lines.get(0)).subList(1, 6));
        }
    }

    @Test
    void sigtermExitsZeroAndUnlinksTheSocket() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "100"))
        {
            observer.awaitSocket(socket);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
            assertFalse(Files.exists(socket), "socket must be unlinked at shutdown");
        }
    }

    @Test
    void regularFileAtSocketPathIsPreservedAndStartupFailsWithExitOne() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        Files.writeString(socket, "do not delete");
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", socket.toString(),
            "--threshold-ms", "100");
        assertEquals(1, observer.exitCode());
        assertTrue(observer.stderr().contains("varta-watch: "), observer.stderr());
        assertTrue(observer.stderr().contains("path exists and is not a socket"), observer.stderr());
        assertEquals("do not delete", Files.readString(socket));
    }

    @Test
    void secondObserverOnALiveSocketFailsWithExitOne() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess first = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "100"))
        {
            first.awaitSocket(socket);
            final ObserverProcess second = ObserverProcess.run(dir, "--socket", socket.toString(),
                "--threshold-ms", "100");
            assertEquals(1, second.exitCode());
            assertTrue(second.stderr().contains("another varta-watch is already running at " + socket),
                second.stderr());
            assertTrue(Files.exists(socket), "the live observer's socket must survive");
            assertEquals(0, first.terminate(SHUTDOWN_LIMIT));
        }
    }

    @Test
    void unknownFlagExitsTwoNamingTheFlag() throws Exception
    {
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", dir.resolve("s").toString(),
            "--threshold-ms", "100", "--bogus");
        assertEquals(2, observer.exitCode());
        assertTrue(observer.stderr().startsWith("varta-watch: unknown flag --bogus"), observer.stderr());
    }

    private static String stderr(final ObserverProcess observer)
    {
        try
        {
            return observer.stderr();
        }
        catch (final Exception e)
        {
            return e.toString();
        }
    }
}
