package io.varta.watch.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DiagnosticsTest
{
    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicLong monotonic = new AtomicLong(5 * SECOND);

    private Diagnostics diagnostics(final LogFormat format)
    {
        return new Diagnostics(format, new PrintStream(bytes, true, StandardCharsets.UTF_8),
            () -> 1_700_000_000_123_456_789L, monotonic::get, SECOND);
    }

    private String written()
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLinesCarryTheProgramPrefix()
    {
        final Diagnostics log = diagnostics(LogFormat.TEXT);
        log.info("hello");
        log.warn("careful");
        log.error("broken");
        assertEquals("varta-watch: hello\nvarta-watch: careful\nvarta-watch: broken\n", written());
    }

    @Test
    void jsonLinesCarryTimestampLevelAndMessage()
    {
        final Diagnostics log = diagnostics(LogFormat.JSON);
        log.info("a");
        log.warn("b");
        log.error("c");
        assertEquals(
            "{\"ts_ns\":1700000000123456789,\"level\":\"info\",\"msg\":\"a\"}\n"
                + "{\"ts_ns\":1700000000123456789,\"level\":\"warn\",\"msg\":\"b\"}\n"
                + "{\"ts_ns\":1700000000123456789,\"level\":\"error\",\"msg\":\"c\"}\n",
            written());
    }

    @Test
    void jsonMessagesEscapeQuotesBackslashesAndControlCharacters()
    {
        diagnostics(LogFormat.JSON).error("q\"b\\n\nr\rt\tc\u0001d\u001fé");
        assertEquals("{\"ts_ns\":1700000000123456789,\"level\":\"error\",\"msg\":"
            + "\"q\\\"b\\\\n\\nr\\rt\\tc\\u0001d\\u001fé\"}\n", written());
    }

    @Test
    void firstRateLimitedMessageGoesOutAndRepeatsWithinCooldownAreSuppressed()
    {
        final Diagnostics log = diagnostics(LogFormat.TEXT);
        assertTrue(log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "file export error: one"));
        monotonic.addAndGet(SECOND - 1);
        assertFalse(log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "file export error: two"));
        assertFalse(log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "file export error: three"));
        assertEquals("varta-watch: file export error: one\n", written());
        assertEquals(2, log.suppressedTotal(LogKind.FILE_EXPORT_IO));
    }

    @Test
    void messageAfterCooldownReportsHowManyWereSuppressed()
    {
        final Diagnostics log = diagnostics(LogFormat.TEXT);
        log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "e1");
        log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "e2");
        log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "e3");
        monotonic.addAndGet(SECOND);
        assertTrue(log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "e4"));
        monotonic.addAndGet(SECOND);
        assertTrue(log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "e5"));
        assertEquals("varta-watch: e1\nvarta-watch: e4 (suppressed 2)\nvarta-watch: e5\n", written());
        assertEquals(2, log.suppressedTotal(LogKind.FILE_EXPORT_IO));
    }

    @Test
    void kindsHaveIndependentCooldowns()
    {
        final Diagnostics log = diagnostics(LogFormat.TEXT);
        assertTrue(log.rateLimited(LogKind.DECODE, LogLevel.WARN, "d"));
        assertTrue(log.rateLimited(LogKind.IO, LogLevel.WARN, "i"));
        assertTrue(log.rateLimited(LogKind.AUTH, LogLevel.WARN, "a"));
        assertFalse(log.rateLimited(LogKind.DECODE, LogLevel.WARN, "d2"));
        assertEquals(1, log.suppressedTotal(LogKind.DECODE));
        assertEquals(0, log.suppressedTotal(LogKind.IO));
        assertEquals(0, log.suppressedTotal(LogKind.FILE_EXPORT_IO));
    }

    @Test
    void suppressedNoteIsPartOfTheEscapedJsonMessage()
    {
        final Diagnostics log = diagnostics(LogFormat.JSON);
        log.rateLimited(LogKind.IO, LogLevel.ERROR, "x");
        log.rateLimited(LogKind.IO, LogLevel.ERROR, "x");
        monotonic.addAndGet(2 * SECOND);
        log.rateLimited(LogKind.IO, LogLevel.ERROR, "y");
        assertTrue(written().endsWith("\"level\":\"error\",\"msg\":\"y (suppressed 1)\"}\n"), written());
    }

    @Test
    void concurrentWritersNeverInterleaveLines() throws InterruptedException
    {
        final Diagnostics log = diagnostics(LogFormat.TEXT);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final int id = t;
            threads.add(new Thread(() ->
            {
                for (int i = 0; i < 500; i++)
                {
                    log.info("thread-" + id + "-line-" + i + "-" + "x".repeat(50));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join();
        }
        final String[] lines = written().split("\n");
        assertEquals(2000, lines.length);
        for (final String line : lines)
        {
            assertTrue(line.matches("varta-watch: thread-\\d-line-\\d+-x{50}"), line);
        }
    }

    @Test
    void kindLabelsMatchTheMetricLabels()
    {
        assertEquals("file_export_io", LogKind.FILE_EXPORT_IO.label());
        assertEquals("decode", LogKind.DECODE.label());
        assertEquals("io", LogKind.IO.label());
        assertEquals("auth", LogKind.AUTH.label());
    }
}
