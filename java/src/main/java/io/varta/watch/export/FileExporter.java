package io.varta.watch.export;

import io.varta.watch.event.MismatchReason;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogKind;
import io.varta.watch.log.LogLevel;
import io.varta.watch.vlp.DecodeError;
import io.varta.watch.vlp.Status;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The {@code --export-file} event log: one tab-separated line per observer event,
 * {@code observer_ns \t kind \t pid \t nonce \t status \t payload \n}, with {@code -} for columns a kind
 * does not have:
 * <pre>
 * 123  beat      42   7  ok     1000
 * 123  stall     42   7  stall  -
 * 123  decode    -    -  -      BadMagic
 * 123  io        -    -  -      &lt;escaped error text&gt;
 * 123  ctrunc    -    -  -      &lt;escaped error text&gt;
 * 123  mismatch  42   -  -      auth_failure | origin_conflict | namespace_conflict
 * 123  eviction  42   -  -      -
 * </pre>
 * Numbers are unsigned decimals. Free text is escaped ({@link LineBuffer}).
 *
 * <p>Durability: lines are collected in an 8 KiB buffer that is written out when full, at rotation and
 * at {@link #flushAndSync()}; with {@code syncEvery = N > 0} every N lines are also written out and
 * {@code fdatasync}ed.
 *
 * <p>Rotation ({@code maxBytes} set): the size counter starts at the file's existing size; once a line
 * brings it to {@code maxBytes} or more the buffer is written out, {@code PATH.5} deleted,
 * {@code PATH.4..1} shifted up, {@code PATH} renamed to {@code PATH.1} and a new {@code PATH} created
 * (mode 0600), then the directory is fsynced. If creating the new {@code PATH} fails, lines keep going to
 * the renamed file and each later line retries only the create.
 *
 * <p>Errors after opening never reach the caller: they are counted ({@link #writeErrors()}) and logged
 * rate-limited as {@code file export error: ...} (kind {@code file_export_io}).
 *
 * <p>Example:
 * <pre>{@code
 * FileExporter export = FileExporter.open(path, OptionalLong.of(1 << 20), 0, diagnostics);
 * export.beat(observerNs, pid, nonce, Status.OK, payload);
 * ...
 * export.close();
 * }</pre>
 *
 * <p>Not thread-safe: {@link #open} may be called from any thread, every other method only from the
 * observer thread that owns the exporter.
 */
public final class FileExporter implements AutoCloseable
{
    /** Rotated generations kept: {@code PATH.1} .. {@code PATH.5}. */
    public static final int GENERATIONS = 5;
    /** Default {@code --export-file-sync-every}: 0 = write out only when the buffer is full. */
    public static final long DEFAULT_SYNC_EVERY = 0;
    /**
     * Smallest {@code --export-file-max-bytes}: a tiny cap would rotate on every line and shred the stream.
     */
    public static final long MIN_MAX_BYTES = 4096;

    /** In-memory buffer size, as the reference's default writer buffer. */
    static final int BUFFER_BYTES = 8192;

    /** Upper bound of a line with only numeric columns: 4 x 20 digits + kind + labels + tabs. */
    private static final int MAX_FIXED_LINE = 128;

    private static final byte TAB = '\t';
    private static final byte NEWLINE = '\n';
    private static final byte[] BEAT = ascii("\tbeat\t");
    private static final byte[] STALL = ascii("\tstall\t");
    private static final byte[] STALL_TAIL = ascii("\tstall\t-\n");
    private static final byte[] DECODE = ascii("\tdecode\t-\t-\t-\t");
    private static final byte[] IO = ascii("\tio\t-\t-\t-\t");
    private static final byte[] CTRUNC = ascii("\tctrunc\t-\t-\t-\t");
    private static final byte[] MISMATCH = ascii("\tmismatch\t");
    private static final byte[] MISMATCH_MIDDLE = ascii("\t-\t-\t");
    private static final byte[] EVICTION = ascii("\teviction\t");
    private static final byte[] EVICTION_TAIL = ascii("\t-\t-\t-\n");
    private static final byte[][] STATUS_LABELS = statusLabels();

    /** Creates the live file; a seam so tests can make re-creation after rotation fail. */
    @FunctionalInterface
    interface LiveFileCreator
    {
        FileChannel createNew(Path path) throws IOException;
    }

    private final Path path;
    private final Path[] generations;
    private final long maxBytes;
    private final long syncEvery;
    private final Diagnostics diagnostics;
    private final LiveFileCreator creator;
    private final LineBuffer buffer;

    private FileChannel channel;
    private long bytesWritten;
    private long linesSinceSync;
    private boolean recreatePending;
    private long lineStart;
    private long linesWritten;
    private long writeErrors;
    private long rotations;
    private boolean closed;

    FileExporter(
        final Path path,
        final FileChannel channel,
        final long maxBytes,
        final long syncEvery,
        final Diagnostics diagnostics,
        final LiveFileCreator creator) throws IOException
    {
        this.path = Objects.requireNonNull(path, "path");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.maxBytes = maxBytes;
        this.syncEvery = syncEvery;
        this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
        this.creator = Objects.requireNonNull(creator, "creator");
        this.generations = new Path[GENERATIONS + 1];
        for (int g = 1; g <= GENERATIONS; g++)
        {
            generations[g] = generationPath(path, g);
        }
        this.buffer = new LineBuffer(BUFFER_BYTES, this::drain);
        this.bytesWritten = channel.size();
    }

    /**
     * Opens or creates the export file (see {@link ExportFiles} for the safety rules) and fsyncs its
     * directory. Any thread; the returned exporter then belongs to one observer thread.
     *
     * @param path {@code --export-file}
     * @param maxBytes {@code --export-file-max-bytes}; empty = never rotate
     * @param syncEvery {@code --export-file-sync-every}; 0 = write out only when the buffer is full
     * @param diagnostics where write errors are logged
     * @return the exporter
     * @throws IOException with a user-facing message, e.g. {@code <path>: must not be a symlink} or
     *     {@code <path>: export file must have exactly one hard link} (a startup failure, exit 1)
     */
    public static FileExporter open(
        final Path path,
        final OptionalLong maxBytes,
        final long syncEvery,
        final Diagnostics diagnostics) throws IOException
    {
        if (syncEvery < 0)
        {
            throw new IllegalArgumentException("syncEvery must not be negative: " + syncEvery);
        }
        final FileChannel channel = ExportFiles.openOrCreate(path);
        final FileExporter exporter;
        try
        {
            exporter = new FileExporter(path, channel, maxBytes.orElse(0), syncEvery, diagnostics,
                ExportFiles::createNew);
        }
        catch (final IOException | RuntimeException e)
        {
            channel.close();
            throw e;
        }
        exporter.syncDirectory();
        return exporter;
    }

    /**
     * Writes a {@code beat} line. Observer thread.
     *
     * @param observerNs observer-clock timestamp of the event (unsigned)
     * @param pid sender pid (unsigned)
     * @param nonce frame nonce (unsigned)
     * @param status frame status
     * @param payload frame payload (unsigned)
     */
    public void beat(final long observerNs, final long pid, final long nonce, final Status status, final long payload)
    {
        beat(observerNs, pid, nonce, status.code(), payload);
    }

    /**
     * Writes a {@code beat} line with the status given by its wire code. Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param pid sender pid (unsigned)
     * @param nonce frame nonce (unsigned)
     * @param statusCode 0 ok, 1 degraded, 2 critical, 3 stall
     * @param payload frame payload (unsigned)
     * @throws IllegalArgumentException for a status code outside 0..3
     */
    public void beat(final long observerNs, final long pid, final long nonce, final int statusCode, final long payload)
    {
        if (statusCode < 0 || statusCode >= STATUS_LABELS.length)
        {
            throw new IllegalArgumentException("no status with code " + statusCode);
        }
        if (!beginLine(MAX_FIXED_LINE))
        {
            return;
        }
        buffer.putUnsigned(observerNs);
        buffer.put(BEAT);
        buffer.putUnsigned(pid);
        buffer.put(TAB);
        buffer.putUnsigned(nonce);
        buffer.put(TAB);
        buffer.put(STATUS_LABELS[statusCode]);
        buffer.put(TAB);
        buffer.putUnsigned(payload);
        buffer.put(NEWLINE);
        endLine();
    }

    /**
     * Writes a {@code stall} line: {@code <ns>\tstall\t<pid>\t<lastNonce>\tstall\t-}. Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param pid stalled pid (unsigned)
     * @param lastNonce nonce of the pid's last beat (unsigned)
     */
    public void stall(final long observerNs, final long pid, final long lastNonce)
    {
        if (!beginLine(MAX_FIXED_LINE))
        {
            return;
        }
        buffer.putUnsigned(observerNs);
        buffer.put(STALL);
        buffer.putUnsigned(pid);
        buffer.put(TAB);
        buffer.putUnsigned(lastNonce);
        buffer.put(STALL_TAIL);
        endLine();
    }

    /**
     * Writes a {@code decode} line naming the error as the reference prints it ({@code BadMagic}, ...).
     * Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param error the decode failure
     */
    public void decode(final long observerNs, final DecodeError error)
    {
        decode(observerNs, error.wireName());
    }

    /**
     * Writes a {@code decode} line with free text that starts with the error name, e.g.
     * {@code BadCrc { expected: 0x1, actual: 0x2 }}. Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param errorText error text; escaped on output
     */
    public void decode(final long observerNs, final CharSequence errorText)
    {
        textLine(observerNs, DECODE, errorText);
    }

    /**
     * Writes an {@code io} line (socket receive error). Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param errorText error text; escaped on output
     */
    public void io(final long observerNs, final CharSequence errorText)
    {
        textLine(observerNs, IO, errorText);
    }

    /**
     * Writes a {@code ctrunc} line (control data of a datagram was truncated). Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param errorText error text; escaped on output
     */
    public void ctrunc(final long observerNs, final CharSequence errorText)
    {
        textLine(observerNs, CTRUNC, errorText);
    }

    /**
     * Writes a {@code mismatch} line: {@code <ns>\tmismatch\t<claimedPid>\t-\t-\t<reason>}. Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param claimedPid pid the refused frame claimed (unsigned)
     * @param reason why it was refused
     */
    public void mismatch(final long observerNs, final long claimedPid, final MismatchReason reason)
    {
        if (!beginLine(MAX_FIXED_LINE))
        {
            return;
        }
        buffer.putUnsigned(observerNs);
        buffer.put(MISMATCH);
        buffer.putUnsigned(claimedPid);
        buffer.put(MISMATCH_MIDDLE);
        buffer.put(reason.bytes());
        buffer.put(NEWLINE);
        endLine();
    }

    /**
     * Writes an {@code eviction} line: {@code <ns>\teviction\t<pid>\t-\t-\t-}. Observer thread.
     *
     * @param observerNs observer-clock timestamp (unsigned)
     * @param pid pid whose tracker slot was removed (unsigned)
     */
    public void eviction(final long observerNs, final long pid)
    {
        if (!beginLine(MAX_FIXED_LINE))
        {
            return;
        }
        buffer.putUnsigned(observerNs);
        buffer.put(EVICTION);
        buffer.putUnsigned(pid);
        buffer.put(EVICTION_TAIL);
        endLine();
    }

    /**
     * Writes buffered lines to the file (no fdatasync). Errors are logged, not thrown. Observer thread.
     */
    public void flush()
    {
        if (!closed)
        {
            drain();
        }
    }

    /**
     * Writes buffered lines and {@code fdatasync}s the file, for clean shutdown. Errors are logged, not
     * thrown. Observer thread.
     */
    public void flushAndSync()
    {
        if (closed)
        {
            return;
        }
        if (drain())
        {
            try
            {
                channel.force(false);
                linesSinceSync = 0;
            }
            catch (final IOException e)
            {
                report(e);
            }
        }
    }

    /**
     * {@link #flushAndSync()}, then closes the file. Idempotent. Observer thread.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        flushAndSync();
        closed = true;
        try
        {
            channel.close();
        }
        catch (final IOException e)
        {
            report(e);
        }
    }

    /**
     * Lines accepted since open (including any later lost to a write error). Observer thread.
     *
     * @return line count
     */
    public long linesWritten()
    {
        return linesWritten;
    }

    /**
     * I/O failures since open (write, sync, rotation, re-create). Observer thread.
     *
     * @return error count
     */
    public long writeErrors()
    {
        return writeErrors;
    }

    /**
     * Completed rotations since open. Observer thread.
     *
     * @return rotation count
     */
    public long rotations()
    {
        return rotations;
    }

    /**
     * Path of rotated generation {@code g} ({@code PATH.g}). Any thread.
     *
     * @param path the live export file
     * @param generation 1..{@link #GENERATIONS}
     * @return the sibling path
     */
    public static Path generationPath(final Path path, final int generation)
    {
        return path.resolveSibling(path.getFileName().toString() + "." + generation);
    }

    private void textLine(final long observerNs, final byte[] kind, final CharSequence text)
    {
        if (!beginLine(MAX_FIXED_LINE))
        {
            return;
        }
        buffer.putUnsigned(observerNs);
        buffer.put(kind);
        buffer.putEscaped(text);
        buffer.put(NEWLINE);
        endLine();
    }

    private boolean beginLine(final int room)
    {
        if (closed)
        {
            return false;
        }
        buffer.ensureRoom(room);
        lineStart = buffer.appendedTotal();
        return true;
    }

    private void endLine()
    {
        final long lineLength = buffer.appendedTotal() - lineStart;
        linesWritten++;
        if (syncEvery > 0 && ++linesSinceSync >= syncEvery)
        {
            flushAndSync();
        }
        if (maxBytes <= 0)
        {
            return;
        }
        if (recreatePending)
        {
            recreateLiveFile();
            return;
        }
        bytesWritten += lineLength;
        if (bytesWritten >= maxBytes)
        {
            rotate();
        }
    }

    /** Writes the buffer out; on failure logs and drops it so the buffer never wedges. */
    private boolean drain()
    {
        if (buffer.pending() == 0)
        {
            return true;
        }
        try
        {
            buffer.writeTo(channel);
            return true;
        }
        catch (final IOException e)
        {
            buffer.discard();
            report(e);
            return false;
        }
    }

    private void rotate()
    {
        if (!drain())
        {
            return;
        }
        try
        {
            shiftGenerations();
        }
        catch (final IOException e)
        {
            report(e);
            return;
        }
        rotations++;
        recreateLiveFile();
    }

    private void shiftGenerations() throws IOException
    {
        Files.deleteIfExists(generations[GENERATIONS]);
        for (int g = GENERATIONS - 1; g >= 1; g--)
        {
            moveIfPresent(generations[g], generations[g + 1]);
        }
        try
        {
            moveIfPresent(path, generations[1]);
        }
        catch (final AtomicMoveNotSupportedException crossDevice)
        {
            copyLiveToFirstGeneration();
        }
    }

    private static void moveIfPresent(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final NoSuchFileException absent)
        {
            // generation not there yet
        }
    }

    /** EXDEV fallback: the live file cannot be renamed next to itself (e.g. a bind-mounted leaf). */
    private void copyLiveToFirstGeneration() throws IOException
    {
        final Path first = generations[1];
        try (FileChannel source = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            FileChannel target = ExportFiles.createNew(first))
        {
            long copied = 0;
            final long size = source.size();
            while (copied < size)
            {
                copied += source.transferTo(copied, size - copied, target);
            }
            target.force(false);
        }
        Files.delete(path);
    }

    private void recreateLiveFile()
    {
        final FileChannel fresh;
        try
        {
            fresh = creator.createNew(path);
        }
        catch (final IOException e)
        {
            // keep writing into the renamed file; the next line retries only this create
            recreatePending = true;
            syncDirectory();
            report(e);
            return;
        }
        drain();
        final FileChannel old = channel;
        channel = fresh;
        bytesWritten = 0;
        linesSinceSync = 0;
        recreatePending = false;
        try
        {
            old.close();
        }
        catch (final IOException e)
        {
            report(e);
        }
        syncDirectory();
    }

    private void syncDirectory()
    {
        try
        {
            ExportFiles.syncParentDirectory(path);
        }
        catch (final IOException e)
        {
            report(e);
        }
    }

    private void report(final IOException e)
    {
        writeErrors++;
        diagnostics.rateLimited(LogKind.FILE_EXPORT_IO, LogLevel.WARN, "file export error: " + ExportFiles.describe(e));
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] statusLabels()
    {
        final Status[] all = Status.values();
        final byte[][] labels = new byte[all.length][];
        for (final Status status : all)
        {
            labels[status.code()] = ascii(status.label());
        }
        return labels;
    }
}
