package io.varta.watch.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an export file ({@code observer_ns\tkind\tpid\tnonce\tstatus\tpayload}) and the observer's
 * shutdown ingest summary back, for black-box tests.
 */
public final class ExportLog
{
    private static final Pattern INGEST = Pattern.compile(
        "varta-watch: ingest: datagrams=(\\d+) first_recv_ns=(\\d+) last_recv_ns=(\\d+) beats=(\\d+) stalls=(\\d+)"
            + " accounted=(\\d+)");

    private ExportLog()
    {
    }

    /** One export line. */
    public record Line(long ns, String kind, String pid, String nonce, String status, String payload)
    {
        /** @return true for this kind and pid */
        public boolean is(final String k, final long p)
        {
            return kind.equals(k) && pid.equals(Long.toString(p));
        }
    }

    /** @return every line of the file (empty list when it does not exist) */
    public static List<Line> read(final Path export) throws IOException
    {
        if (!Files.exists(export))
        {
            return List.of();
        }
        return Files.readAllLines(export).stream().map(ExportLog::parse).toList();
    }

    /**
     * Reads every line and fails unless the file ends with {@code \n} and every line has exactly 6 columns: no
     * partial line, and none that joined another.
     *
     * @return the lines (empty list when the file does not exist)
     */
    public static List<Line> readWhole(final Path export) throws IOException
    {
        if (!Files.exists(export))
        {
            return List.of();
        }
        final byte[] bytes = Files.readAllBytes(export);
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n')
        {
            throw new AssertionError("export file ends in a partial line: "
                + new String(bytes, Math.max(0, bytes.length - 80), Math.min(80, bytes.length)));
        }
        return read(export);
    }

    /** Parses one line; fails unless it has exactly 6 tab-separated columns. */
    public static Line parse(final String raw)
    {
        final String[] c = raw.split("\t", -1);
        if (6 != c.length)
        {
            throw new AssertionError("export line does not have 6 columns: " + raw);
        }
        return new Line(Long.parseLong(c[0]), c[1], c[2], c[3], c[4], c[5]);
    }

    /** @return the lines of one kind for one pid */
    public static List<Line> of(final List<Line> lines, final String kind, final long pid)
    {
        return lines.stream().filter(l -> l.is(kind, pid)).toList();
    }

    /** @return the lines of one kind */
    public static List<Line> ofKind(final List<Line> lines, final String kind)
    {
        return lines.stream().filter(l -> l.kind().equals(kind)).toList();
    }

    /**
     * Polls the file (read through a fresh open each time) until {@code until} holds for its lines.
     *
     * @return the lines that satisfied it
     * @throws AssertionError after {@code limit}, with the last lines seen
     */
    public static List<Line> await(final Path export, final Duration limit, final Predicate<List<Line>> until)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + limit.toNanos();
        List<Line> lines = read(export);
        while (!until.test(lines))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("export file did not reach the expected state within " + limit + ": " + lines);
            }
            Thread.sleep(20);
            lines = read(export);
        }
        return lines;
    }

    /**
     * Parses the shutdown summary from stderr.
     *
     * @return datagrams, beats, stalls, accounted, and every other {@code outcome=count} on the line
     *     (only non-zero outcomes are printed)
     */
    public static Map<String, Long> ingestSummary(final String stderr)
    {
        final Matcher m = INGEST.matcher(stderr);
        if (!m.find())
        {
            throw new AssertionError("no ingest summary on stderr: " + stderr);
        }
        final Map<String, Long> summary = new java.util.HashMap<>();
        final int lineEnd = stderr.indexOf('\n', m.start());
        final Matcher pair = Pattern.compile("(\\w+)=(\\d+)")
            .matcher(stderr.substring(m.start(), lineEnd < 0 ? stderr.length() : lineEnd));
        while (pair.find())
        {
            summary.put(pair.group(1), Long.parseLong(pair.group(2)));
        }
        return summary;
    }
}
