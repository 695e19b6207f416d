package io.varta.watch.export;

import io.varta.watch.event.MismatchReason;

import io.varta.watch.files.PrivateFile;
import io.varta.watch.files.RotatingAppendFile;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogKind;
import io.varta.watch.log.LogLevel;
import io.varta.vlp.DecodeError;
import io.varta.vlp.Status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * <p>The file itself (safe open, 8 KiB buffer, {@code syncEvery}, rotation to {@code PATH.1..5}, cutting back a
 * failed write so no line is ever torn or joined) is a {@link RotatingAppendFile} under
 * {@link PrivateFile.Rules#appendLog(String) appendLog("export file")}. With {@code syncEvery = N > 0} every N lines
 * are written out and {@code fdatasync}ed; otherwise lines are written when the buffer is full, at
 * {@link #flush()} and at {@link #flushAndSync()}.
 *
 * <p>Errors after opening never reach the caller: they are counted ({@link #writeErrors()},
 * {@link #linesLost()}) and logged rate-limited as {@code file export error: <path>: <reason>} (kind
 * {@code file_export_io}); {@link #close()} logs {@code file export: lines_lost=N write_errors=M} once when there
 * were any.
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
    public static final int GENERATIONS = RotatingAppendFile.GENERATIONS;
    /** Default {@code --export-file-sync-every}: 0 = write out only when the buffer is full. */
    public static final long DEFAULT_SYNC_EVERY = 0;
    /**
     * Smallest {@code --export-file-max-bytes}: a tiny cap would rotate on every line and shred the stream.
     */
    public static final long MIN_MAX_BYTES = 4096;

    /** In-memory buffer size, as the reference's default writer buffer. */
    static final int BUFFER_BYTES = RotatingAppendFile.DEFAULT_BUFFER_BYTES;

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

    private static final String FILE_ROLE = "export file";

    private final RotatingAppendFile file;
    private final LineBuffer buffer;
    private final Diagnostics diagnostics;
    private boolean closed;

    private FileExporter(final RotatingAppendFile file, final Diagnostics diagnostics)
    {
        this.file = file;
        this.buffer = new LineBuffer(file);
        this.diagnostics = diagnostics;
    }

    /**
     * Opens or creates the export file ({@link PrivateFile}'s rules: not a symlink, a regular file owned by the
     * real uid with exactly one hard link; created 0600) and fsyncs its directory. Any thread; the returned
     * exporter then belongs to one observer thread.
     *
     * @param path {@code --export-file}
     * @param maxBytes {@code --export-file-max-bytes}; empty = never rotate
     * @param syncEvery {@code --export-file-sync-every}; 0 = write out only when the buffer is full
     * @param diagnostics where write errors are logged
     * @return the exporter
     * @throws IOException with a user-facing message, e.g. {@code <path>: must not be a symlink},
     *     {@code <path>: export file must have exactly one hard link} or {@code <path>: No such file or directory}
     *     (a startup failure, exit 1)
     */
    public static FileExporter open(
        final Path path,
        final OptionalLong maxBytes,
        final long syncEvery,
        final Diagnostics diagnostics) throws IOException
    {
        return open(PathBytes.of(path), maxBytes, syncEvery, diagnostics);
    }

    /**
     * Opens or creates the export file ({@link PrivateFile}'s rules: not a symlink, a regular file owned by the
     * real uid with exactly one hard link; created 0600) and fsyncs its directory. Any thread; the returned
     * exporter then belongs to one observer thread.
     *
     * @param path {@code --export-file}, as given (bytes)
     * @param maxBytes {@code --export-file-max-bytes}; empty = never rotate
     * @param syncEvery {@code --export-file-sync-every}; 0 = write out only when the buffer is full
     * @param diagnostics where write errors are logged
     * @return the exporter
     * @throws IOException with a user-facing message, e.g. {@code <path>: must not be a symlink},
     *     {@code <path>: export file must have exactly one hard link} or {@code <path>: No such file or directory}
     *     (a startup failure, exit 1)
     */
    public static FileExporter open(
        final PathBytes path,
        final OptionalLong maxBytes,
        final long syncEvery,
        final Diagnostics diagnostics) throws IOException
    {
        if (syncEvery < 0)
        {
            throw new IllegalArgumentException("syncEvery must not be negative: " + syncEvery);
        }
        return open(path, RotatingAppendFile.Options.defaults().bufferBytes(BUFFER_BYTES)
            .maxBytes(Math.max(0, maxBytes.orElse(0))).syncEvery(syncEvery), diagnostics);
    }

    /**
     * {@link #open(Path, OptionalLong, long, Diagnostics)} with explicit file options (tests inject a creator).
     * Any thread.
     */
    static FileExporter open(final PathBytes path, final RotatingAppendFile.Options options,
        final Diagnostics diagnostics)
        throws IOException
    {
        Objects.requireNonNull(diagnostics, "diagnostics");
        final RotatingAppendFile file = RotatingAppendFile.open(path,
            PrivateFile.Rules.appendLog(FILE_ROLE), options, description -> diagnostics.rateLimited(
                LogKind.FILE_EXPORT_IO, LogLevel.WARN, "file export error: " + description));
        return new FileExporter(file, diagnostics);
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
            file.flush();
        }
    }

    /**
     * Stops the per-{@code --export-file-sync-every} fdatasync until {@link #flushAndSync()} at shutdown, which
     * makes every line durable at once: the observer's final drain may hand over thousands of lines, which must
     * not cost one fdatasync each and overrun the shutdown grace period. Observer thread.
     */
    public void deferPeriodicSync()
    {
        if (!closed)
        {
            file.deferPeriodicSync();
        }
    }

    /**
     * Writes buffered lines and {@code fdatasync}s the file, for clean shutdown. Errors are logged, not
     * thrown. Observer thread.
     */
    public void flushAndSync()
    {
        if (!closed)
        {
            file.flushAndSync();
        }
    }

    /**
     * {@link #flushAndSync()}, then closes the file; logs {@code file export: lines_lost=N write_errors=M} if
     * anything failed since open. Idempotent. Observer thread.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        file.close();
        if (file.ioErrors() > 0)
        {
            diagnostics.warn("file export: lines_lost=" + file.recordsLost() + " write_errors=" + file.ioErrors());
        }
    }

    /**
     * Lines accepted since open (including any later lost to a write error). Observer thread.
     *
     * @return line count
     */
    public long linesWritten()
    {
        return file.records();
    }

    /**
     * I/O failures since open (write, sync, truncate, rotation, re-create, directory sync). Any thread (a metric).
     *
     * @return error count
     */
    public long writeErrors()
    {
        return file.ioErrors();
    }

    /**
     * Lines that never reached the file because a write failed (disk full, file-size limit, I/O error). Any
     * thread (a metric).
     *
     * @return lost line count
     */
    public long linesLost()
    {
        return file.recordsLost();
    }

    /**
     * Completed rotations since open. Any thread (a metric).
     *
     * @return rotation count
     */
    public long rotations()
    {
        return file.rotations();
    }

    /** The file underneath, for tests. Observer thread. */
    RotatingAppendFile file()
    {
        return file;
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
        file.beginRecord(room);
        return true;
    }

    private void endLine()
    {
        file.endRecord();
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
