package io.varta.watch.tracker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The kernel's {@code pid_max}, for the gate that drops frames claiming a pid above it (only frames without
 * kernel pid verification). Read from {@code /proc/sys/kernel/pid_max} at construction and again at most
 * every 60 s of observer time; an unreadable value means 4,194,304 (the Linux ceiling).
 *
 * <p><b>Threading:</b> not thread-safe; observer thread only.
 *
 * <pre>{@code
 * PidMax pidMax = new PidMax(clock.nowNanos());
 * if (pid > pidMax.get(clock.nowNanos())) { drop(); }
 * }</pre>
 */
public final class PidMax
{
    /** Value used when the file cannot be read. */
    public static final long FALLBACK = 4_194_304L;
    /** Minimum observer time between two reads. */
    public static final long REFRESH_NANOS = 60_000_000_000L;

    private final Path file;
    private long value;
    private long readAt;
    private long reads;

    /**
     * Reads the real file. Any thread may construct; afterwards observer thread only.
     *
     * @param nowNanos observer time of the first read
     */
    public PidMax(final long nowNanos)
    {
        this(Paths.get("/proc/sys/kernel/pid_max"), nowNanos);
    }

    /**
     * @param file     file holding the value (tests point it at a fixture)
     * @param nowNanos observer time of the first read
     */
    public PidMax(final Path file, final long nowNanos)
    {
        this.file = java.util.Objects.requireNonNull(file, "file");
        reload(nowNanos);
    }

    /**
     * Returns {@code pid_max}, re-reading the file first when 60 s have passed since the last read.
     * Observer thread only; allocates only on a re-read.
     *
     * @param nowNanos observer time
     * @return the current pid_max
     */
    public long get(final long nowNanos)
    {
        if (nowNanos - readAt >= REFRESH_NANOS)
        {
            reload(nowNanos);
        }
        return value;
    }

    /** @return the value read last, without a re-read (for publishing); observer thread only */
    public long current()
    {
        return value;
    }

    /** @return number of file reads so far; observer thread only */
    public long reads()
    {
        return reads;
    }

    private void reload(final long nowNanos)
    {
        readAt = nowNanos;
        reads++;
        try
        {
            final byte[] buffer = new byte[32];
            final int length = ProcessIdentity.readProcFile(file, buffer);
            if (length < 0)
            {
                throw new IOException("cannot read " + file);
            }
            final long parsed = Long.parseLong(new String(buffer, 0, length, StandardCharsets.US_ASCII).trim());
            value = parsed > 0 ? parsed : FALLBACK;
        }
        catch (final IOException | NumberFormatException | SecurityException e)
        {
            value = FALLBACK;
        }
    }
}
