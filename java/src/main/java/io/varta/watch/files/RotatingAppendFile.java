package io.varta.watch.files;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.PathBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An append-only file of records (a record is bytes ending in {@code \n}, with no other {@code \n}) that is
 * opened under {@link PrivateFile}'s rules, buffered, optionally synced, rotated to {@code PATH.1 .. PATH.5}, and
 * never left with a partial record that a later one would join. The export file writes its lines through it; the
 * audit log can too ({@link #tail()}, {@link #tornTailBytes()}, {@link Listener#onNewGeneration()}).
 *
 * <p><b>Writing</b> allocates nothing per record: the caller formats a record straight into the direct
 * {@link #buffer()} between {@link #beginRecord(int)} and {@link #endRecord()}, calling {@link #ensureRoom(int)}
 * when it needs more room; the buffer is handed to a native {@code write(2)} when full, at {@link #flush()}, and
 * every {@code syncEvery} records (then also {@code fdatasync}). A record longer than the buffer is written in
 * pieces.
 *
 * <p><b>Write failures never tear the file.</b> After a failed or short write (disk full, {@code EFBIG} past
 * {@code RLIMIT_FSIZE}, an I/O error) the file is cut back ({@code ftruncate}) to the end of the last complete
 * record that reached it; if that cut fails, the next write starts with a {@code \n}, so the partial record stays
 * a line of its own. Buffered records that did not reach the file are dropped (the buffer never wedges) and
 * counted in {@link #recordsLost()}, the record being written included.
 *
 * <p><b>Rotation</b> ({@code maxBytes > 0}): the size starts at the file's size; once a record brings the file and
 * the buffer to {@code maxBytes} or more, the buffer is written out (and {@code fdatasync}ed under
 * {@link Options#syncBeforeRotate(boolean)}), {@code PATH.5} deleted, {@code PATH.4 .. 1}
 * shifted up, {@code PATH} renamed to {@code PATH.1} (copied, synced and unlinked across devices), a new
 * {@code PATH} created (mode 0600), the directory fsynced and {@link Listener#onNewGeneration()} called. If
 * creating {@code PATH} fails, records keep going to the renamed file and each later record retries only the
 * create.
 *
 * <p><b>Opening</b>: created new (0600) or opened for appending ({@link PrivateFile#openOrCreate}); a last line
 * without {@code \n} (a crash mid-write) is either closed with a {@code \n} before the first new record
 * ({@link TornTail#NEW_LINE}) or cut away ({@link TornTail#CUT}); then the last {@value #TAIL_BYTES} bytes are
 * read ({@link #tail()}) and the directory is fsynced.
 *
 * <p><b>Errors</b> after opening are never thrown: each is counted ({@link #ioErrors()}) and described to the
 * {@link Listener} as {@code <path>: <strerror>}.
 *
 * <pre>{@code
 * RotatingAppendFile file = RotatingAppendFile.open(path, PrivateFile.Rules.appendLog("export file"),
 *     RotatingAppendFile.Options.defaults().maxBytes(1 << 20).syncEvery(1), listener);
 * ByteBuffer out = file.buffer();
 * file.beginRecord(64);
 * out.put(bytes).put((byte)'\n');
 * file.endRecord();
 * file.close();
 * }</pre>
 *
 * <p>Not thread-safe: {@link #open} on any thread, then one owner thread calls everything except the counters
 * {@link #ioErrors()}, {@link #rotations()} and {@link #recordsLost()}, which any thread may read.
 */
public final class RotatingAppendFile implements AutoCloseable
{
    /** Rotated generations kept: {@code PATH.1} .. {@code PATH.5}. */
    public static final int GENERATIONS = 5;
    /** How much of the file's end {@link #tail()} holds. */
    public static final int TAIL_BYTES = 4096;
    /** Buffer size unless {@link Options#bufferBytes(int)} says otherwise. */
    public static final int DEFAULT_BUFFER_BYTES = 8192;

    private static final byte NEWLINE = '\n';
    private static final int NO_RECORD_START = -1;

    /** What {@link #open} does with a last line that has no {@code \n}. */
    public enum TornTail
    {
        /** Keep it and write a {@code \n} before the first new record, so no record joins it. */
        NEW_LINE,
        /** Cut the file back to the end of its last complete line. */
        CUT
    }

    /** What the file tells its owner. Called on the owner thread, from inside the call that caused it. */
    public interface Listener
    {
        /**
         * An I/O failure after opening (already counted in {@link #ioErrors()}). Must not append: it is called from
         * inside a write.
         *
         * @param description {@code <path>: <strerror>} or {@code <from> -> <to>: <strerror>}
         */
        void onIoError(String description);

        /**
         * Rotation created a new, empty {@code PATH}: records appended now are its first (a header, say).
         * Appending here never starts another rotation.
         */
        default void onNewGeneration()
        {
        }
    }

    /** Creates the live file after rotation; {@link PrivateFile#createNew} unless a test injects failures. */
    @FunctionalInterface
    public interface Creator
    {
        /**
         * Owner thread.
         *
         * @param path the live file's path
         * @param rules the rules it was opened with
         * @return the new, empty file
         * @throws IOException when it cannot be created; its message is reported
         */
        OpenFile createNew(PathBytes path, PrivateFile.Rules rules) throws IOException;
    }

    private final PathBytes path;
    private final PathBytes[] generations;
    private final PrivateFile.Rules rules;
    private final Options options;
    private final Listener listener;
    private final ByteBuffer buffer;
    private final ByteBuffer newline = ByteBuffer.allocateDirect(1);

    private OpenFile live;
    /** Bytes in the live file. */
    private long fileSize;
    /** Offset just after the last complete record; bytes past it (up to fileSize) are a failed write's leftovers. */
    private long recordsEnd;
    /** The content up to recordsEnd does not end with '\n' (a torn tail kept at open). */
    private boolean contentEndsMidLine;
    /** Bytes past recordsEnd that could not be cut away (not the current record's written part). */
    private boolean leftovers;
    private boolean inRecord;
    /** Buffer index where the current record starts, or NO_RECORD_START once part of it was written out. */
    private int recordStart = NO_RECORD_START;
    /** The current record lost bytes to a failed write: the rest of it is discarded. */
    private boolean dropping;
    private long sinceSync;
    private boolean periodicSyncDeferred;
    private boolean recreatePending;
    private boolean inNewGenerationHook;
    private boolean closed;
    private long records;
    private byte[] tail = new byte[0];
    private long tornTailBytes;

    private volatile long ioErrors;
    private volatile long rotations;
    private volatile long recordsLost;

    private RotatingAppendFile(final PathBytes path, final PrivateFile.Rules rules, final Options options,
        final Listener listener, final OpenFile live)
    {
        this.path = path;
        this.rules = rules;
        this.options = options;
        this.listener = listener;
        this.live = live;
        this.buffer = ByteBuffer.allocateDirect(options.bufferBytes);
        this.generations = new PathBytes[GENERATIONS + 1];
        for (int g = 1; g <= GENERATIONS; g++)
        {
            generations[g] = generationPath(path, g);
        }
    }

    /**
     * Opens or creates the file (see the class comment). Any thread; the file then belongs to one owner thread.
     *
     * @param path the live file
     * @param rules what it (and every new generation) must satisfy, e.g. {@link PrivateFile.Rules#appendLog}
     * @param options rotation, sync, buffer, torn-tail policy
     * @param listener receives errors and new generations
     * @return the open file
     * @throws IOException with {@link PrivateFile}'s messages, or {@code <path>: <strerror>} if the tail cannot
     *     be read or cut
     */
    public static RotatingAppendFile open(final PathBytes path, final PrivateFile.Rules rules, final Options options,
        final Listener listener) throws IOException
    {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        final OpenFile live = PrivateFile.openOrCreate(path, rules);
        try
        {
            final RotatingAppendFile file = new RotatingAppendFile(path, rules, options, listener, live);
            file.resumeAfterTail();
            file.syncDirectory();
            return file;
        }
        catch (final IOException | RuntimeException e)
        {
            live.close();
            throw e;
        }
    }

    /**
     * {@link #open(PathBytes, PrivateFile.Rules, Options, Listener)} for a {@link Path} (converted by
     * {@link PathBytes#of(Path)}). Any thread.
     *
     * @param path the live file
     * @param rules what it (and every new generation) must satisfy
     * @param options rotation, sync, buffer, torn-tail policy
     * @param listener receives errors and new generations
     * @return the open file
     * @throws IOException as the other {@code open}
     */
    public static RotatingAppendFile open(final Path path, final PrivateFile.Rules rules, final Options options,
        final Listener listener) throws IOException
    {
        return open(PathBytes.of(path), rules, options, listener);
    }

    /**
     * Path of rotated generation {@code g}. Any thread.
     *
     * @param path the live file
     * @param generation 1..{@link #GENERATIONS}
     * @return {@code PATH.g}
     */
    public static PathBytes generationPath(final PathBytes path, final int generation)
    {
        return path.withSuffix("." + generation);
    }

    /**
     * The direct buffer records are formatted into, at its position, between {@link #beginRecord} and
     * {@link #endRecord}. The same object for the file's life. Owner thread.
     *
     * @return the buffer
     */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /**
     * Starts a record with at least {@code room} bytes free in {@link #buffer()}. Owner thread.
     *
     * @param room bytes the caller will put before asking for more (at most the buffer's capacity)
     */
    public void beginRecord(final int room)
    {
        if (inRecord)
        {
            throw new IllegalStateException("the previous record was not ended");
        }
        ensureRoom(room);
        inRecord = true;
        recordStart = buffer.position();
    }

    /**
     * Makes {@code n} bytes free in {@link #buffer()}, writing out what it holds if needed (part of the current
     * record included). Owner thread.
     *
     * @param n bytes needed (at most the buffer's capacity)
     */
    public void ensureRoom(final int n)
    {
        if (buffer.remaining() < n)
        {
            if (n > buffer.capacity())
            {
                throw new IllegalArgumentException(n + " bytes do not fit a " + buffer.capacity() + "-byte buffer");
            }
            drain();
        }
    }

    /**
     * Stops the per-{@code syncEvery} fdatasync until {@link #close()}, which still syncs everything: for a final
     * burst of records (the observer accounting for every datagram it received before it stops) that must not
     * cost one fdatasync each. Owner thread.
     */
    public void deferPeriodicSync()
    {
        periodicSyncDeferred = true;
    }

    /**
     * Ends the current record; its last byte, just put, must be {@code \n}. Then syncs every {@code syncEvery}
     * records and rotates when the size is reached. Owner thread.
     */
    public void endRecord()
    {
        if (!inRecord)
        {
            throw new IllegalStateException("no record was begun");
        }
        inRecord = false;
        if (dropping)
        {
            dropping = false;
            buffer.clear();
            recordsLost = recordsLost + 1;
            return;
        }
        final int end = buffer.position();
        if (end == 0 || NEWLINE != buffer.get(end - 1))
        {
            throw new IllegalStateException("a record must end with \\n");
        }
        records++;
        if (options.syncEvery > 0 && ++sinceSync >= options.syncEvery && !periodicSyncDeferred)
        {
            flushAndSync();
        }
        if (options.maxBytes <= 0 || closed || inNewGenerationHook)
        {
            return;
        }
        if (recreatePending)
        {
            recreateLive();
            return;
        }
        if (fileSize + buffer.position() >= options.maxBytes)
        {
            rotate();
        }
    }

    /**
     * Appends one whole record (for callers that have it as bytes already; it is copied). Owner thread.
     *
     * @param record bytes ending in {@code \n}
     */
    public void append(final byte[] record)
    {
        beginRecord(Math.min(record.length, buffer.capacity()));
        int at = 0;
        while (at < record.length)
        {
            ensureRoom(1);
            final int n = Math.min(buffer.remaining(), record.length - at);
            buffer.put(record, at, n);
            at += n;
        }
        endRecord();
    }

    /** Writes the buffered records to the file (no fdatasync). Owner thread. */
    public void flush()
    {
        drain();
    }

    /** Writes the buffered records and {@code fdatasync}s the file. Owner thread. */
    public void flushAndSync()
    {
        sinceSync = 0;
        if (drain())
        {
            final int rc = live.datasync();
            if (rc < 0)
            {
                report(live.describe(rc));
            }
        }
    }

    /**
     * {@link #flushAndSync()}, then closes the file. Idempotent. Records appended later are not written: each
     * write fails with {@code EBADF} and is counted. Owner thread.
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
        final int rc = live.closeWithResult();
        if (rc < 0)
        {
            report(live.describe(rc));
        }
    }

    /**
     * Owner thread.
     *
     * @return the last {@value #TAIL_BYTES} bytes (or fewer) of the file as opened, after its torn tail was handled
     */
    public byte[] tail()
    {
        return tail.clone();
    }

    /**
     * Owner thread.
     *
     * @return bytes after the last {@code \n} when the file was opened (0: it ended with a whole line or was empty);
     *     cut away under {@link TornTail#CUT}, closed with a {@code \n} under {@link TornTail#NEW_LINE}
     */
    public long tornTailBytes()
    {
        return tornTailBytes;
    }

    /**
     * Owner thread.
     *
     * @return bytes in the live file: its size at open (after a cut torn tail) plus what was written since; the
     *     buffer is not counted
     */
    public long size()
    {
        return fileSize;
    }

    /**
     * Reads bytes of the live file (for an owner that inspects more than {@link #tail()}, e.g. the audit log looking
     * for its last header). Owner thread.
     *
     * @param position file offset
     * @param length bytes wanted
     * @return the bytes read, fewer at the end of the file
     * @throws IOException {@code <path>: <strerror>}
     */
    public byte[] read(final long position, final int length) throws IOException
    {
        return live.read(position, length);
    }

    /**
     * Owner thread.
     *
     * @return records ended since open (including any later lost)
     */
    public long records()
    {
        return records;
    }

    /**
     * Any thread.
     *
     * @return I/O failures since open (write, sync, truncate, rotation, re-create, directory sync, close)
     */
    public long ioErrors()
    {
        return ioErrors;
    }

    /**
     * Any thread.
     *
     * @return completed rotations (live file moved to {@code PATH.1}) since open
     */
    public long rotations()
    {
        return rotations;
    }

    /**
     * Any thread.
     *
     * @return records that did not reach the file because a write failed
     */
    public long recordsLost()
    {
        return recordsLost;
    }

    private void resumeAfterTail() throws NativeIoException
    {
        long size = live.sizeAtOpen();
        final long end = endOfLastLine(size);
        tornTailBytes = size - end;
        if (tornTailBytes > 0 && TornTail.CUT == options.tornTail)
        {
            final int rc = live.truncate(end);
            if (rc < 0)
            {
                throw live.failure(rc);
            }
            size = end;
        }
        fileSize = size;
        recordsEnd = size;
        contentEndsMidLine = tornTailBytes > 0 && TornTail.NEW_LINE == options.tornTail;
        final int n = (int)Math.min(size, TAIL_BYTES);
        tail = live.read(size - n, n);
    }

    /** Offset just after the last '\n' of the first {@code size} bytes, 0 if there is none. */
    private long endOfLastLine(final long size) throws NativeIoException
    {
        long blockEnd = size;
        while (blockEnd > 0)
        {
            final long start = Math.max(0, blockEnd - TAIL_BYTES);
            final byte[] block = live.read(start, (int)(blockEnd - start));
            for (int i = block.length - 1; i >= 0; i--)
            {
                if (NEWLINE == block[i])
                {
                    return start + i + 1;
                }
            }
            blockEnd = start;
        }
        return 0;
    }

    /** Writes the buffer out; on failure counts and drops what did not reach the file. */
    private boolean drain()
    {
        final int pending = buffer.position();
        if (pending == 0)
        {
            return true;
        }
        if (dropping)
        {
            buffer.clear(); // the middle of a record already lost
            return true;
        }
        if ((contentEndsMidLine || leftovers) && !startFreshLine())
        {
            lose(fileSize, 0, pending);
            return false;
        }
        final long before = fileSize;
        int written = 0;
        while (written < pending)
        {
            final long n = live.write(buffer, written, pending - written);
            if (n <= 0)
            {
                report(n == 0 ? path + ": write made no progress" : live.describe(n));
                lose(before, written, pending);
                return false;
            }
            written += (int)n;
            fileSize += n;
        }
        buffer.clear();
        if (!inRecord)
        {
            recordsEnd = fileSize;
        }
        else if (recordStart != NO_RECORD_START)
        {
            recordsEnd = before + recordStart;
            recordStart = NO_RECORD_START;
        }
        return true;
    }

    /** A '\n' after content that does not end with one (a kept torn tail, or leftovers that could not be cut). */
    private boolean startFreshLine()
    {
        newline.put(0, NEWLINE);
        final long n = live.write(newline, 0, 1);
        if (n == 1)
        {
            fileSize++;
            recordsEnd = fileSize;
            contentEndsMidLine = false;
            leftovers = false;
            return true;
        }
        report(n == 0 ? path + ": write made no progress" : live.describe(n));
        return false;
    }

    /**
     * A write of the buffer's first {@code pending} bytes stopped after {@code written}: keep the complete records
     * that reached the file, cut the file back to their end, count and drop the rest.
     */
    private void lose(final long before, final int written, final int pending)
    {
        final int complete = inRecord ? Math.max(recordStart, 0) : pending;
        final int kept = endOfLastRecord(Math.min(written, complete));
        if (kept > 0)
        {
            recordsEnd = before + kept;
        }
        recordsLost = recordsLost + countRecords(kept, complete);
        if (fileSize != recordsEnd)
        {
            final int rc = live.truncate(recordsEnd);
            leftovers = rc != 0; // if so, the next write starts a fresh line
            if (rc == 0)
            {
                fileSize = recordsEnd;
            }
            else
            {
                report(live.describe(rc));
            }
        }
        buffer.clear();
        if (inRecord)
        {
            dropping = true;
            recordStart = NO_RECORD_START;
        }
    }

    /** Buffer index just after the last '\n' before {@code limit}, 0 if none. */
    private int endOfLastRecord(final int limit)
    {
        for (int i = limit - 1; i >= 0; i--)
        {
            if (NEWLINE == buffer.get(i))
            {
                return i + 1;
            }
        }
        return 0;
    }

    private long countRecords(final int from, final int to)
    {
        long n = 0;
        for (int i = from; i < to; i++)
        {
            if (NEWLINE == buffer.get(i))
            {
                n++;
            }
        }
        return n;
    }

    private void rotate()
    {
        if (!drain())
        {
            return;
        }
        if (options.syncBeforeRotate)
        {
            final int rc = live.datasync();
            if (rc < 0)
            {
                report(live.describe(rc));
            }
        }
        try
        {
            DirectoryEntries.unlinkIfPresent(generations[GENERATIONS]);
            for (int g = GENERATIONS - 1; g >= 1; g--)
            {
                DirectoryEntries.moveIfPresent(generations[g], generations[g + 1]);
            }
            DirectoryEntries.moveIfPresent(path, generations[1]);
        }
        catch (final NativeIoException e)
        {
            report(e.getMessage());
            return;
        }
        rotations = rotations + 1;
        recreateLive();
    }

    private void recreateLive()
    {
        final OpenFile fresh;
        try
        {
            fresh = options.creator.createNew(path, rules);
        }
        catch (final IOException e)
        {
            // keep writing into the renamed file; the next record retries only this create
            recreatePending = true;
            report(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            syncDirectory();
            return;
        }
        drain(); // what is buffered belongs to the old generation
        if (options.syncBeforeRotate && recreatePending)
        {
            final int rc = live.datasync(); // records kept going to the renamed file while the create failed
            if (rc < 0)
            {
                report(live.describe(rc));
            }
        }
        final OpenFile old = live;
        live = fresh;
        fileSize = 0;
        recordsEnd = 0;
        contentEndsMidLine = false;
        leftovers = false;
        sinceSync = 0;
        recreatePending = false;
        final int rc = old.closeWithResult();
        if (rc < 0)
        {
            report(old.describe(rc));
        }
        syncDirectory();
        inNewGenerationHook = true;
        try
        {
            listener.onNewGeneration();
        }
        finally
        {
            inNewGenerationHook = false;
        }
    }

    private void syncDirectory()
    {
        try
        {
            DirectoryEntries.syncParentDirectory(path);
        }
        catch (final NativeIoException e)
        {
            report(e.getMessage());
        }
    }

    private void report(final String description)
    {
        ioErrors = ioErrors + 1;
        listener.onIoError(description);
    }

    /**
     * How a {@link RotatingAppendFile} buffers, syncs, rotates and treats a torn tail. Immutable; any thread.
     */
    public static final class Options
    {
        private final long maxBytes;
        private final long syncEvery;
        private final int bufferBytes;
        private final TornTail tornTail;
        private final Creator creator;
        private final boolean syncBeforeRotate;

        private Options(final long maxBytes, final long syncEvery, final int bufferBytes, final TornTail tornTail,
            final Creator creator, final boolean syncBeforeRotate)
        {
            this.maxBytes = maxBytes;
            this.syncEvery = syncEvery;
            this.bufferBytes = bufferBytes;
            this.tornTail = tornTail;
            this.creator = creator;
            this.syncBeforeRotate = syncBeforeRotate;
        }

        /**
         * Any thread.
         *
         * @return never rotate, never sync on a count, {@value #DEFAULT_BUFFER_BYTES}-byte buffer,
         *     {@link TornTail#NEW_LINE}, live files created by {@link PrivateFile#createNew}, no sync before rotation
         */
        public static Options defaults()
        {
            return new Options(0, 0, DEFAULT_BUFFER_BYTES, TornTail.NEW_LINE, PrivateFile::createNew, false);
        }

        /**
         * Any thread.
         *
         * @param bytes rotate once the file reaches this size; 0 = never
         * @return options with that limit
         */
        public Options maxBytes(final long bytes)
        {
            if (bytes < 0)
            {
                throw new IllegalArgumentException("maxBytes must not be negative: " + bytes);
            }
            return new Options(bytes, syncEvery, bufferBytes, tornTail, creator, syncBeforeRotate);
        }

        /**
         * Any thread.
         *
         * @param records write out and fdatasync after every this many records; 0 = only when the buffer is full
         * @return options with that cadence
         */
        public Options syncEvery(final long records)
        {
            if (records < 0)
            {
                throw new IllegalArgumentException("syncEvery must not be negative: " + records);
            }
            return new Options(maxBytes, records, bufferBytes, tornTail, creator, syncBeforeRotate);
        }

        /**
         * Any thread.
         *
         * @param bytes buffer capacity (at least 64)
         * @return options with that buffer
         */
        public Options bufferBytes(final int bytes)
        {
            if (bytes < 64)
            {
                throw new IllegalArgumentException("bufferBytes must be at least 64: " + bytes);
            }
            return new Options(maxBytes, syncEvery, bytes, tornTail, creator, syncBeforeRotate);
        }

        /**
         * Any thread.
         *
         * @param policy what {@link #open} does with a last line that has no {@code \n}
         * @return options with that policy
         */
        public Options tornTail(final TornTail policy)
        {
            return new Options(maxBytes, syncEvery, bufferBytes, Objects.requireNonNull(policy, "policy"), creator,
                syncBeforeRotate);
        }

        /**
         * A seam for tests that make re-creating the live file after rotation fail. Any thread.
         *
         * @param liveFileCreator creates the live file after rotation
         * @return options with that creator
         */
        public Options creator(final Creator liveFileCreator)
        {
            return new Options(maxBytes, syncEvery, bufferBytes, tornTail,
                Objects.requireNonNull(liveFileCreator, "liveFileCreator"), syncBeforeRotate);
        }

        /**
         * Any thread.
         *
         * @param sync {@code fdatasync} the live file after its buffer is written out and before it is renamed to
         *     {@code PATH.1}, so a rotated generation is durable before the next one starts (the audit log)
         * @return options with that choice
         */
        public Options syncBeforeRotate(final boolean sync)
        {
            return new Options(maxBytes, syncEvery, bufferBytes, tornTail, creator, sync);
        }
    }
}
