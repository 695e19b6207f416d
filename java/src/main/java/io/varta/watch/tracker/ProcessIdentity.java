package io.varta.watch.tracker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.LongUnaryOperator;

/**
 * Reads a Linux process's identity from {@code /proc}: its start time ({@code /proc/<pid>/stat} field 22,
 * clock ticks since boot) and its pid-namespace inode ({@code /proc/<pid>/ns/pid}, a link reading
 * {@code pid:[N]}). Together they tell a recycled pid from the process that first beat, and a sender in
 * another pid namespace from a local one.
 *
 * <p>Called when a pid is first seen (and at stall time for the recycle re-check), never per frame. Where the
 * fields come from is an {@link IdentitySource}: the observer gives it a native reader that allocates nothing;
 * {@link #ProcessIdentity()} and {@link #ProcessIdentity(Path)} read with the Java file API, which allocates a
 * few kB per read (path strings, a stream, an exception for a missing file). Steady-state beats of known pids do
 * not read at all.
 *
 * <p>Results of {@link #read(long)} are left in this instance ({@link #startTime()}, {@link #nsInode()})
 * so the caller keeps nothing boxed.
 *
 * <p><b>Threading:</b> instances are not thread-safe; observer thread only.
 *
 * <pre>{@code
 * ProcessIdentity id = new ProcessIdentity();
 * if (ProcessIdentity.PRESENT == id.read(pid)) { long start = id.startTime(); long ns = id.nsInode(); }
 * }</pre>
 */
public final class ProcessIdentity
{
    /** Identity field not known: the read failed, or the sender is remote. */
    public static final long UNKNOWN = -1L;
    /**
     * Identity not read for this frame (the tracker then skips the identity checks and keeps what it has
     * pinned). Only an argument value; never stored or returned by a read.
     */
    public static final long NOT_READ = -2L;

    /** Both fields were read. */
    public static final int PRESENT = 0;
    /** The process does not exist (no {@code /proc/<pid>}). */
    public static final int GONE = 1;
    /** The process exists but a field could not be read (permissions, race with exit, odd format). */
    public static final int PARTIAL = 2;

    private static final int START_TIME_FIELD = 22;

    private final IdentitySource source;
    private final long[] fields = new long[IdentitySource.FIELDS];
    private long startTime = UNKNOWN;
    private long nsInode = UNKNOWN;

    /** Reads the real {@code /proc} with the Java file API. Any thread may construct; afterwards observer thread only. */
    public ProcessIdentity()
    {
        this(Paths.get("/proc"));
    }

    /**
     * Reads with the Java file API. Any thread may construct; afterwards observer thread only.
     *
     * @param procRoot directory laid out like {@code /proc} (tests point it at a fixture)
     */
    public ProcessIdentity(final Path procRoot)
    {
        this(new FileSource(procRoot));
    }

    /**
     * Any thread may construct; afterwards observer thread only.
     *
     * @param source where the fields come from (the observer's is native and allocation-free)
     */
    public ProcessIdentity(final IdentitySource source)
    {
        this.source = java.util.Objects.requireNonNull(source, "source");
    }

    /**
     * Reads both identity fields of a pid. Observer thread only; allocates only if its source does.
     *
     * @param pid unsigned 32-bit pid
     * @return {@link #PRESENT}, {@link #GONE} or {@link #PARTIAL}; fields not read are {@link #UNKNOWN}
     */
    public int read(final long pid)
    {
        fields[0] = UNKNOWN;
        fields[1] = UNKNOWN;
        final int result = source.read(pid, fields);
        startTime = fields[0];
        nsInode = fields[1];
        return result;
    }

    /** @return start time from the last {@link #read}, or {@link #UNKNOWN}; observer thread only */
    public long startTime()
    {
        return startTime;
    }

    /** @return pid-namespace inode from the last {@link #read}, or {@link #UNKNOWN}; observer thread only */
    public long nsInode()
    {
        return nsInode;
    }

    /**
     * Reads only the start time, for the stall-time recycle check. Observer thread only.
     *
     * @param pid unsigned 32-bit pid
     * @return start time in clock ticks since boot, or {@link #UNKNOWN}
     */
    public long readStartTime(final long pid)
    {
        return source.readStartTime(pid);
    }

    /** @return a probe for {@link Tracker#setStartTimeProbe}; observer thread only */
    public LongUnaryOperator startTimeProbe()
    {
        return this::readStartTime;
    }

    /**
     * Reads this observer's own pid-namespace inode ({@code /proc/self/ns/pid}). Observer thread only.
     *
     * @return the inode, or {@link #UNKNOWN}
     */
    public long ownNsInode()
    {
        return source.ownNsInode();
    }

    /**
     * Reads a small /proc or /sys file into {@code buffer} with large reads from offset 0. Procfs files
     * report size 0 and some implementations (sysctl handlers, sandboxed kernels) misbehave with the
     * size-driven small reads of {@code Files.readAllBytes}, so one big read is what gets the whole value.
     * Any thread (uses only its arguments).
     *
     * @param file   file to read
     * @param buffer destination; content beyond its length is ignored
     * @return bytes read, or -1 when the file cannot be read
     */
    static int readProcFile(final Path file, final byte[] buffer)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            int length = 0;
            while (length < buffer.length)
            {
                final int n = in.read(buffer, length, buffer.length - length);
                if (n < 0)
                {
                    break;
                }
                length += n;
            }
            return length;
        }
        catch (final IOException | SecurityException e)
        {
            return -1;
        }
    }

    /**
     * Extracts field 22 from a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses
     * and may itself contain spaces and ')', so parsing starts after the <em>last</em> ')': the next field
     * is field 3. Any thread (pure function).
     *
     * @param stat   the bytes of the stat file
     * @param length number of valid bytes
     * @return the start time, or {@link #UNKNOWN} when the line is malformed
     */
    static long parseStartTime(final byte[] stat, final int length)
    {
        int i = length - 1;
        while (i >= 0 && ')' != stat[i])
        {
            i--;
        }
        if (i < 0)
        {
            return UNKNOWN;
        }
        i++;
        int field = 2;
        while (i < length)
        {
            while (i < length && ' ' == stat[i])
            {
                i++;
            }
            if (i >= length)
            {
                break;
            }
            field++;
            if (START_TIME_FIELD == field)
            {
                long value = 0;
                int digits = 0;
                while (i < length && stat[i] >= '0' && stat[i] <= '9' && digits < 19)
                {
                    value = value * 10 + (stat[i] - '0');
                    digits++;
                    i++;
                }
                final boolean ended = i >= length || ' ' == stat[i] || '\n' == stat[i];
                return digits > 0 && ended ? value : UNKNOWN;
            }
            while (i < length && ' ' != stat[i])
            {
                i++;
            }
        }
        return UNKNOWN;
    }

    /** The Java file API over a directory laid out like {@code /proc}: allocates a few kB per read. */
    private static final class FileSource implements IdentitySource
    {
        /** /proc/<pid>/stat is a few hundred bytes; field 22 sits well inside the first 1 KiB. */
        private final byte[] statBuffer = new byte[1024];
        private final Path procRoot;

        FileSource(final Path procRoot)
        {
            this.procRoot = java.util.Objects.requireNonNull(procRoot, "procRoot");
        }

        @Override
        public int read(final long pid, final long[] out)
        {
            final Path dir = procRoot.resolve(Long.toString(pid));
            out[0] = readStartTime(dir);
            out[1] = readNsInode(dir);
            if (UNKNOWN != out[0] && UNKNOWN != out[1])
            {
                return PRESENT;
            }
            return Files.isDirectory(dir) ? PARTIAL : GONE;
        }

        @Override
        public long readStartTime(final long pid)
        {
            return readStartTime(procRoot.resolve(Long.toString(pid)));
        }

        @Override
        public long ownNsInode()
        {
            return readNsInode(procRoot.resolve("self"));
        }

        private long readStartTime(final Path dir)
        {
            final int length = readProcFile(dir.resolve("stat"), statBuffer);
            return length < 0 ? UNKNOWN : parseStartTime(statBuffer, length);
        }
    }

    private static long readNsInode(final Path dir)
    {
        final String link;
        try
        {
            link = Files.readSymbolicLink(dir.resolve("ns").resolve("pid")).toString();
        }
        catch (final NoSuchFileException e)
        {
            return UNKNOWN;
        }
        catch (final IOException | UnsupportedOperationException | SecurityException e)
        {
            return UNKNOWN;
        }
        return parseNsLink(link);
    }

    /**
     * Parses {@code pid:[4026531836]}. Any thread (pure function).
     *
     * @param link the link text
     * @return the inode, or {@link #UNKNOWN}
     */
    static long parseNsLink(final String link)
    {
        final int open = link.indexOf('[');
        final int close = link.lastIndexOf(']');
        if (!link.startsWith("pid:") || open < 0 || close <= open + 1)
        {
            return UNKNOWN;
        }
        try
        {
            return Long.parseUnsignedLong(link, open + 1, close, 10);
        }
        catch (final NumberFormatException e)
        {
            return UNKNOWN;
        }
    }
}
