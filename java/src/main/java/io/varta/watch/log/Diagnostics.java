package io.varta.watch.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The observer's stderr logger. Each call writes exactly one line, either
 * {@code varta-watch: <msg>} ({@link LogFormat#TEXT}) or
 * {@code {"ts_ns":<unix-ns>,"level":"...","msg":"..."}} ({@link LogFormat#JSON}).
 *
 * <p>Repeated failures go through {@link #rateLimited}: per {@link LogKind} the first message is written,
 * further ones are dropped for one second, and the next message after that carries
 * {@code " (suppressed N)"}.
 *
 * <p>Example:
 * <pre>{@code
 * Diagnostics log = Diagnostics.toStderr(LogFormat.TEXT);
 * log.warn("UDS parent-directory fsync failed: ...");
 * log.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "file export error: disk full");
 * }</pre>
 *
 * <p>Thread-safe: any thread may call any method; lines from different threads never interleave.
 */
public final class Diagnostics
{
    /** Prefix of every text line and of the usage-error line. */
    public static final String PREFIX = "varta-watch: ";

    private final LogFormat format;
    private final PrintStream sink;
    private final LongSupplier wallClockNanos;
    private final LongSupplier monotonicNanos;
    private final LogRateLimiter limiter;

    /**
     * Creates a logger with explicit sink and clocks (tests inject both clocks). Any thread.
     *
     * @param format line format
     * @param sink where lines go (stderr in production)
     * @param wallClockNanos nanoseconds since the Unix epoch, for {@code ts_ns}
     * @param monotonicNanos monotonic nanoseconds, for rate limiting
     * @param cooldownNanos rate-limit cooldown per kind
     */
    public Diagnostics(
        final LogFormat format,
        final PrintStream sink,
        final LongSupplier wallClockNanos,
        final LongSupplier monotonicNanos,
        final long cooldownNanos)
    {
        this.format = Objects.requireNonNull(format, "format");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.wallClockNanos = Objects.requireNonNull(wallClockNanos, "wallClockNanos");
        this.monotonicNanos = Objects.requireNonNull(monotonicNanos, "monotonicNanos");
        this.limiter = new LogRateLimiter(cooldownNanos);
    }

    /**
     * A logger on {@link System#err} with the real clocks and the one-second cooldown. Any thread.
     *
     * @param format line format
     * @return the logger
     */
    public static Diagnostics toStderr(final LogFormat format)
    {
        return new Diagnostics(
            format, System.err, Diagnostics::unixNanosNow, System::nanoTime, LogRateLimiter.DEFAULT_COOLDOWN_NANOS);
    }

    /**
     * Writes an info line. Any thread.
     *
     * @param message text without prefix or newline
     */
    public void info(final String message)
    {
        log(LogLevel.INFO, message);
    }

    /**
     * Writes a warning line. Any thread.
     *
     * @param message text without prefix or newline
     */
    public void warn(final String message)
    {
        log(LogLevel.WARN, message);
    }

    /**
     * Writes an error line. Any thread.
     *
     * @param message text without prefix or newline
     */
    public void error(final String message)
    {
        log(LogLevel.ERROR, message);
    }

    /**
     * Writes one line unconditionally. Any thread.
     *
     * @param level severity (only visible in JSON lines)
     * @param message text without prefix or newline
     */
    public void log(final LogLevel level, final String message)
    {
        final String line = format(level, message);
        synchronized (sink)
        {
            sink.print(line);
            sink.flush();
        }
    }

    /**
     * Writes one line unless another message of the same kind went out less than the cooldown ago.
     * Any thread.
     *
     * @param kind the message family sharing one cooldown
     * @param level severity
     * @param message text without prefix or newline
     * @return {@code true} if the line was written, {@code false} if it was suppressed
     */
    public boolean rateLimited(final LogKind kind, final LogLevel level, final String message)
    {
        final long dropped = limiter.admit(kind, monotonicNanos.getAsLong());
        if (dropped == LogRateLimiter.SUPPRESS)
        {
            return false;
        }
        log(level, dropped == 0 ? message : message + " (suppressed " + dropped + ")");
        return true;
    }

    /**
     * Messages of {@code kind} suppressed since start, for {@code varta_log_suppressed_total}. Any thread.
     *
     * @param kind the message family
     * @return running total
     */
    public long suppressedTotal(final LogKind kind)
    {
        return limiter.suppressedTotal(kind);
    }

    /**
     * The configured line format. Any thread.
     *
     * @return the format
     */
    public LogFormat format()
    {
        return format;
    }

    /**
     * Renders one complete line, newline included, without writing it. Any thread.
     *
     * @param level severity
     * @param message text
     * @return the line
     */
    String format(final LogLevel level, final String message)
    {
        final StringBuilder line = new StringBuilder(message.length() + 64);
        if (format == LogFormat.TEXT)
        {
            line.append(PREFIX).append(message);
        }
        else
        {
            line.append("{\"ts_ns\":").append(Long.toUnsignedString(wallClockNanos.getAsLong()))
                .append(",\"level\":\"").append(level.label())
                .append("\",\"msg\":\"");
            JsonText.appendEscaped(line, message);
            line.append("\"}");
        }
        return line.append('\n').toString();
    }

    private static long unixNanosNow()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
