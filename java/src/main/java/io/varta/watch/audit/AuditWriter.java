package io.varta.watch.audit;

import io.varta.watch.files.PrivateFile;
import io.varta.watch.files.RotatingAppendFile;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogKind;
import io.varta.watch.log.LogLevel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The writing half of the audit log: owns the {@link RotatingAppendFile}, numbers the records, chains them, declares
 * gaps, syncs on the configured cadence and starts every new generation after rotation.
 *
 * <p><b>Sequence numbers are allocated in file order, when a line is written</b>: a record gets the next number as
 * it is written; a {@link GapDeclaration} allocates the numbers of the records it stands for as it is written. So
 * the numbers in a file only ever increase, and every missing number is declared right before the line that follows
 * it. Records that do not reach the file:
 * <ul>
 *   <li>dropped because the ring was full: declared {@code ring_full} where they would have been;</li>
 *   <li>whose write failed (cut back out of the file by {@link RotatingAppendFile}): the chain is rolled back to the
 *       last record that reached the file and the record is declared {@code write_failed} before the next line
 *       that does;</li>
 *   <li>{@code boot} records and the v2 header are never given up: while their write fails they stay pending and
 *       are written before anything else.</li>
 * </ul>
 *
 * <p><b>Durability</b>: each line is handed to {@code write(2)} at once; {@code fdatasync} runs after every
 * {@code syncEvery} lines, or once {@code syncIntervalMillis} passed since the last sync with lines unsynced, and
 * always after a {@code boot} record. An fdatasync slower than {@code fsyncBudgetMillis} is counted and defers the
 * remaining cadence syncs of the current drain: they run at {@link #idle()} once the ring is empty.
 *
 * <p><b>Rotation</b> happens inside {@link RotatingAppendFile} when a line brings the file to {@code maxBytes}: the
 * old file is written out and fdatasynced ({@link RotatingAppendFile.Options#syncBeforeRotate}), renamed to
 * {@code PATH.1}, a new file is created; then this writer appends the v2 header and a {@code boot} record with reason
 * {@code rotation} whose {@code prev_chain} is the old file's last chain and which chains from it, and syncs. The whole
 * rotation completes within the one call that triggered it, on the writer thread; its duration is compared with
 * {@code rotationBudgetMillis} and counted when over ({@link #rotationBudgetExceeded()}).
 *
 * <p>Threading: {@link #open} on the thread that opens the log (it writes the opening boot record there); every
 * other method except the counters on the writer thread only (the thread start hands the writer over); the counters
 * ({@link #lastSeq()}, {@link #lastChainHex()}, {@link #fsyncBudgetExceeded()}, {@link #rotationBudgetExceeded()},
 * {@link #recordsLost()}, {@link #ioErrors()}, {@link #rotations()}) from any thread.
 */
final class AuditWriter implements RotatingAppendFile.Listener
{
    /** The role named in the link-count message: {@code <path>: recovery audit file must have exactly one hard link}. */
    static final String FILE_ROLE = "recovery audit file";

    private static final byte[] HEADER_LINE = (AuditSchema.HEADER_V2 + "\n").getBytes(StandardCharsets.US_ASCII);

    private final AuditConfig config;
    private final Diagnostics log;
    private final AuditChain chain = new AuditChain();
    private final long fsyncBudgetNanos;
    private final long syncIntervalNanos;
    private final long rotationBudgetNanos;
    /** Pending gaps in file order: {count, reason ordinal}. */
    private final ArrayDeque<long[]> gaps = new ArrayDeque<>();
    private RotatingAppendFile file;
    private long nextSeq;
    private byte[] prev;
    private long unsynced;
    private long lastSyncNanos;
    private boolean deferSyncs;
    private boolean newGeneration;
    private boolean headerPending;
    private boolean rotationBootPending;
    private long rotationStartNanos;
    private String lastError = "unknown error";
    private boolean closed;

    private volatile long lastSeq;
    private volatile String lastChainHex = AuditSchema.NONE;
    private volatile long fsyncBudgetExceeded;
    private volatile long rotationBudgetExceeded;
    private volatile long recordsLost;

    private AuditWriter(final AuditConfig config, final Diagnostics log)
    {
        this.config = config;
        this.log = log;
        this.fsyncBudgetNanos = TimeUnit.MILLISECONDS.toNanos(config.fsyncBudgetMillis());
        this.syncIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.syncIntervalMillis());
        this.rotationBudgetNanos = TimeUnit.MILLISECONDS.toNanos(config.rotationBudgetMillis());
    }

    /**
     * Opens or creates the file (mode 0600; not a symlink, a regular file owned by the real uid with one hard link
     * and mode 0600 or stricter), decides how to continue it ({@link AuditResume}), logs the startup warnings, writes
     * the v2 header when needed and the {@code boot} record, and fdatasyncs. The calling thread; the writer then
     * belongs to the writer thread.
     *
     * @param config the audit configuration
     * @param log where warnings and I/O errors go
     * @return the writer
     * @throws IOException {@link PrivateFile}'s messages (e.g. {@code <path>: must not be a symlink}), or
     *     {@code <path>: <strerror>} when the file cannot be read or the boot record cannot be written
     */
    static AuditWriter open(final AuditConfig config, final Diagnostics log) throws IOException
    {
        final AuditWriter writer = new AuditWriter(config, log);
        final RotatingAppendFile file = RotatingAppendFile.open(config.path(),
            PrivateFile.Rules.appendLog(FILE_ROLE).withPrivateMode(),
            RotatingAppendFile.Options.defaults().maxBytes(config.maxBytes()).syncEvery(0)
                .tornTail(RotatingAppendFile.TornTail.CUT).syncBeforeRotate(true),
            writer);
        try
        {
            writer.start(file);
        }
        catch (final IOException | RuntimeException e)
        {
            file.close();
            throw e;
        }
        return writer;
    }

    private void start(final RotatingAppendFile opened) throws IOException
    {
        this.file = opened;
        final AuditResume resume = AuditResume.probe(opened);
        for (final String warning : resume.warnings())
        {
            log.warn(warning);
        }
        nextSeq = resume.nextSeq();
        prev = resume.prev();
        lastSeq = nextSeq - 1;
        lastChainHex = resume.prevColumn();
        lastSyncNanos = config.nanoClock().getAsLong();
        boolean ok = !resume.needsHeader() || appendLine(HEADER_LINE);
        if (ok && !rotationBootPending)
        {
            // a rotation while the header was written starts the new file with a rotation boot record instead
            ok = writeBoot(resume.reason(), resume.prevColumn());
        }
        ok = ok && startGeneration();
        if (!ok)
        {
            throw new IOException("cannot write the recovery audit file: " + lastError);
        }
    }

    /**
     * Writes one record from the ring (declaring any drops before it first), then syncs when due. Writer thread.
     *
     * @param entry a record, or a drop marker ({@link AuditRing.Entry#kind()} {@code null})
     */
    void write(final AuditRing.Entry entry)
    {
        if (entry.dropsBefore() > 0)
        {
            addGap(entry.dropsBefore(), GapDeclaration.Reason.RING_FULL);
        }
        if (null == entry.kind())
        {
            declareGaps();
            syncIfDue();
            return;
        }
        if (!startGeneration() || !declareGaps())
        {
            lose();
            return;
        }
        final byte[] columns = entry.columns();
        final byte[] seqBytes = Long.toString(nextSeq).getBytes(StandardCharsets.US_ASCII);
        final byte[] line = new byte[seqBytes.length + 1 + columns.length + 1 + AuditChain.HEX_CHARS + 1];
        System.arraycopy(seqBytes, 0, line, 0, seqBytes.length);
        line[seqBytes.length] = '\t';
        System.arraycopy(columns, 0, line, seqBytes.length + 1, columns.length);
        final int bodyLength = seqBytes.length + 1 + columns.length;
        if (!appendRecord(entry.kind(), line, bodyLength))
        {
            lose();
            return;
        }
        startGeneration();
        syncIfDue();
    }

    /**
     * The ring is empty: start a pending generation, declare pending gaps, run deferred and interval syncs. Writer
     * thread.
     */
    void idle()
    {
        startGeneration();
        declareGaps();
        deferSyncs = false;
        syncIfDue();
        deferSyncs = false;
    }

    /**
     * Writer thread.
     *
     * @return nanoseconds until the interval sync of the unsynced lines is due (at least 1), or 0 when no sync is
     *     waiting on time
     */
    long nanosUntilSyncDue()
    {
        if (syncIntervalNanos <= 0 || unsynced == 0)
        {
            return 0;
        }
        return Math.max(1, lastSyncNanos + syncIntervalNanos - config.nanoClock().getAsLong());
    }

    /**
     * Declares pending gaps, fdatasyncs and closes the file; logs the last {@code seq} and chain (an anchor an
     * operator can compare later) and a loss summary when writes failed. Idempotent. Writer thread (or the thread
     * that owns the writer when the writer thread never started).
     */
    void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        startGeneration();
        declareGaps();
        syncNow();
        file.close();
        log.info("recovery audit: closed " + config.path() + " at seq " + lastSeq + ", chain " + lastChainHex);
        if (file.ioErrors() > 0 || recordsLost > 0)
        {
            log.warn("recovery audit: records_lost=" + recordsLost + " write_errors=" + file.ioErrors());
        }
    }

    /**
     * Logs an I/O failure of the file rate-limited ({@code recovery audit IO error: <path>: <reason>}, kind
     * {@code audit_io}); the file already counted it. Writer thread (the opening thread during {@link #open}), from
     * inside the file's call.
     *
     * @param description {@code <path>: <strerror>}
     */
    @Override
    public void onIoError(final String description)
    {
        lastError = description;
        log.rateLimited(LogKind.AUDIT_IO, LogLevel.WARN, "recovery audit IO error: " + description);
    }

    /**
     * Rotation created a new file: its header and rotation boot record are written once the append that triggered the
     * rotation returned ({@link #startGeneration()}). Writer thread (the opening thread during {@link #open}).
     */
    @Override
    public void onNewGeneration()
    {
        newGeneration = true; // the header and the rotation boot are written once the triggering append returned
    }

    /** Any thread: the last {@code seq} written (a record or a declared gap). */
    long lastSeq()
    {
        return lastSeq;
    }

    /** Any thread: the chain of the last record written, or {@code -} before the first. */
    String lastChainHex()
    {
        return lastChainHex;
    }

    /** Any thread: fdatasyncs slower than the budget. */
    long fsyncBudgetExceeded()
    {
        return fsyncBudgetExceeded;
    }

    /** Any thread: rotations slower than the budget. */
    long rotationBudgetExceeded()
    {
        return rotationBudgetExceeded;
    }

    /** Any thread: records whose write failed (declared {@code write_failed}). */
    long recordsLost()
    {
        return recordsLost;
    }

    /** Any thread: I/O failures of the file since open. */
    long ioErrors()
    {
        return null == file ? 0 : file.ioErrors();
    }

    /** Any thread: completed rotations since open. */
    long rotations()
    {
        return null == file ? 0 : file.rotations();
    }

    private void lose()
    {
        recordsLost = recordsLost + 1;
        addGap(1, GapDeclaration.Reason.WRITE_FAILED);
    }

    private void addGap(final long count, final GapDeclaration.Reason reason)
    {
        final long[] lastGap = gaps.peekLast();
        if (null != lastGap && lastGap[1] == reason.ordinal())
        {
            lastGap[0] += count;
        }
        else
        {
            gaps.addLast(new long[] {count, reason.ordinal()});
        }
    }

    /** Writes every pending gap declaration; false when one could not be written (it stays pending). */
    private boolean declareGaps()
    {
        while (!gaps.isEmpty())
        {
            if (!startGeneration())
            {
                return false;
            }
            final long[] gap = gaps.peekFirst();
            final GapDeclaration declaration = new GapDeclaration(nextSeq, nextSeq + gap[0] - 1,
                GapDeclaration.Reason.values()[(int)gap[1]]);
            if (!appendLine((declaration.line() + "\n").getBytes(StandardCharsets.US_ASCII)))
            {
                return false;
            }
            gaps.pollFirst();
            nextSeq = declaration.last() + 1;
            lastSeq = declaration.last();
        }
        return startGeneration();
    }

    /** Writes the header and the rotation boot record a new generation still lacks; false if a write failed. */
    private boolean startGeneration()
    {
        if (headerPending)
        {
            if (!appendLine(HEADER_LINE))
            {
                return false;
            }
            headerPending = false;
        }
        if (rotationBootPending)
        {
            if (!writeBoot(BootReason.ROTATION, AuditChain.hex(prev)))
            {
                return false;
            }
            rotationBootPending = false;
            if (config.nanoClock().getAsLong() - rotationStartNanos > rotationBudgetNanos)
            {
                rotationBudgetExceeded = rotationBudgetExceeded + 1;
            }
        }
        return true;
    }

    /** Writes and fdatasyncs a boot record (its seq is only used if the write succeeds); false if the write failed. */
    private boolean writeBoot(final BootReason reason, final String prevColumn)
    {
        final String body = nextSeq + "\t" + config.wallClockMillis().getAsLong() + "\t" + AuditSchema.BOOT_OBSERVER_NS
            + "\t" + RecordKind.BOOT.label() + "\t" + config.daemonPid() + "\t" + prevColumn + "\t" + reason.label();
        final byte[] bodyBytes = body.getBytes(StandardCharsets.US_ASCII);
        final byte[] line = new byte[bodyBytes.length + 1 + AuditChain.HEX_CHARS + 1];
        System.arraycopy(bodyBytes, 0, line, 0, bodyBytes.length);
        if (!appendRecord(RecordKind.BOOT, line, bodyBytes.length))
        {
            return false;
        }
        syncNow();
        return true;
    }

    /**
     * Completes {@code line} (body already in place, room for tab, chain and newline) and appends it; on success the
     * record's seq and chain become the current ones.
     */
    private boolean appendRecord(final RecordKind kind, final byte[] line, final int bodyLength)
    {
        final byte[] next = chain.next(prev, kind, line, 0, bodyLength);
        final byte[] hex = AuditChain.hex(next).getBytes(StandardCharsets.US_ASCII);
        line[bodyLength] = '\t';
        System.arraycopy(hex, 0, line, bodyLength + 1, hex.length);
        line[line.length - 1] = '\n';
        if (!appendLine(line))
        {
            return false;
        }
        prev = next;
        lastSeq = nextSeq;
        lastChainHex = AuditChain.hex(next);
        nextSeq++;
        return true;
    }

    /** Appends one line and hands it to write(2); true if it reached the file. */
    private boolean appendLine(final byte[] line)
    {
        final long lostBefore = file.recordsLost();
        final long startNanos = config.nanoClock().getAsLong();
        file.append(line);
        file.flush();
        final boolean written = file.recordsLost() == lostBefore;
        if (written)
        {
            unsynced++;
        }
        if (newGeneration)
        {
            newGeneration = false;
            headerPending = true;
            rotationBootPending = true;
            rotationStartNanos = startNanos;
            unsynced = 0; // the old generation was synced before it was renamed
        }
        return written;
    }

    private void syncIfDue()
    {
        if (deferSyncs || unsynced == 0)
        {
            return;
        }
        if (unsynced >= config.syncEvery()
            || (syncIntervalNanos > 0 && config.nanoClock().getAsLong() - lastSyncNanos >= syncIntervalNanos))
        {
            syncNow();
        }
    }

    private void syncNow()
    {
        final long start = config.nanoClock().getAsLong();
        file.flushAndSync();
        final long end = config.nanoClock().getAsLong();
        final long took = end - start;
        config.fsyncObserver().accept(took);
        if (took > fsyncBudgetNanos)
        {
            fsyncBudgetExceeded = fsyncBudgetExceeded + 1;
            deferSyncs = true;
        }
        unsynced = 0;
        lastSyncNanos = end;
    }
}
