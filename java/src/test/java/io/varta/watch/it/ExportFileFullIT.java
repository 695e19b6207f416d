package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import io.varta.watch.testsupport.SmallTmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write that fails midway (file-size limit, full disk) never leaves a partial export line that a later line
 * joins: every line keeps its 6 columns and its newline, and the lines lost are counted and reported.
 */
class ExportFileFullIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Pattern LOSS =
        Pattern.compile("varta-watch: file export: lines_lost=(\\d+) write_errors=(\\d+)");
    private static final byte[] FILLER_LINE = "0\teviction\t1\t-\t-\t-\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static String[] beats(final int count)
    {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "beat:ok:" + i).toArray(String[]::new);
    }

    private static String[] observerArgs(final Path socket, final Path export)
    {
        return new String[] {"--socket", socket.toString(), "--threshold-ms", "60000", "--export-file",
            export.toString(), "--export-file-sync-every", "1", "--max-beat-rate", "0"};
    }

    /** The shutdown line {@code file export: lines_lost=N write_errors=M}: {N, M}. */
    private static long[] loss(final String stderr)
    {
        final Matcher m = LOSS.matcher(stderr);
        assertTrue(m.find(), "no loss line on stderr: " + stderr);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    @Test
    void fileSizeLimitCutsTheLineThatDidNotFitAndCountsEveryLostLine() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        final long limitKib = 512;
        // whole filler lines up to 300 bytes below RLIMIT_FSIZE: a few beat lines fit, then one is cut short
        final int fillerLines = (int)((limitKib * 1024 - 300) / FILLER_LINE.length);
        final byte[] filler = new byte[fillerLines * FILLER_LINE.length];
        for (int i = 0; i < fillerLines; i++)
        {
            System.arraycopy(FILLER_LINE, 0, filler, i * FILLER_LINE.length, FILLER_LINE.length);
        }
        Files.write(export, filler);
        Files.setPosixFilePermissions(export, PosixFilePermissions.fromString("rw-------"));
        final int sent = 40;
        try (ObserverProcess observer = ObserverProcess.startWrapped(dir, ObserverProcess.fileSizeLimit(limitKib),
            observerArgs(socket, export)))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, beats(sent));
            awaitStderr(observer, "file export error: " + export + ": File too large");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT), observer.toString());

            final List<Line> lines = ExportLog.readWhole(export);
            final int written = ExportLog.of(lines, "beat", pid).size();
            assertEquals(fillerLines + written, lines.size(), "only filler and beat lines");
            assertTrue(written > 0 && written < sent, "some lines fit, some did not: " + written);
            assertTrue(Files.size(export) <= limitKib * 1024);
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(sent, summary.get("beats"));
            assertEquals(sent - written, loss(observer.stderr())[0], observer.stderr());
        }
    }

    @Test
    void fullDiskLosesLinesWholeAndWritingResumesOnAFreshLineWhenSpaceReturns() throws Exception
    {
        try (SmallTmpfs fs = SmallTmpfs.mountOrSkip(dir, "small", 256))
        {
            final Path socket = dir.resolve("obs.sock");
            final Path export = fs.dir().resolve("export.tsv");
            final int first = 200;
            final int second = 3;
            try (ObserverProcess observer = ObserverProcess.start(dir, observerArgs(socket, export)))
            {
                observer.awaitSocket(socket);
                final Path filler = fs.fillLeaving(4096); // ~100 beat lines of ~40 bytes fit
                final long before = Sender.send(socket, beats(first));
                awaitStderr(observer, "file export error: " + export + ": No space left on device");
                Files.delete(filler);
                final long after = Sender.send(socket, beats(second));
                awaitContent(export, "\tbeat\t" + after + "\t" + second + "\t");
                assertEquals(0, observer.terminate(SHUTDOWN_LIMIT), observer.toString());

                final List<Line> lines = ExportLog.readWhole(export);
                final int written = ExportLog.of(lines, "beat", before).size();
                assertTrue(written > 0 && written < first, "some lines fit, some did not: " + written);
                assertEquals(second, ExportLog.of(lines, "beat", after).size());
                assertEquals(first - written, loss(observer.stderr())[0], observer.stderr());
            }
        }
    }

    private static void awaitStderr(final ObserverProcess observer, final String text)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!observer.stderr().contains(text))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("stderr never showed \"" + text + "\": " + observer);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitContent(final Path export, final String text) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!Files.readString(export).contains(text))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("export file never showed \"" + text + "\"");
            }
            Thread.sleep(20);
        }
    }
}
