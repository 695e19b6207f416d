package io.varta.watch.supervision;

import io.varta.watch.files.DirectoryEntries;
import io.varta.watch.files.OpenFile;
import io.varta.watch.files.PrivateFile;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogKind;
import io.varta.watch.log.LogLevel;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.nativeio.SupervisionNatives;
import io.varta.watch.observer.LoopProgress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code --heartbeat-file PATH}: one line {@code "<loop_count> <observer_ns>\n"} (completed observer-loop
 * iterations, and the observer clock of the latest one), replaced atomically.
 *
 * <p>How it is written: a new private temporary file {@code PATH.<pid>.<seq>.tmp} is created (mode 0600,
 * {@code O_EXCL}, never through a symlink, never an existing file; up to {@value #NAME_ATTEMPTS} names are
 * tried), the line is written to it and it is renamed over {@code PATH}; a reader sees the old line or the new
 * one, never part of one. On any failure the temporary file is removed and the error is logged rate-limited
 * ({@code heartbeat file write error: <reason>}, kind {@code heartbeat_io}). Nothing is fsynced: the file says
 * "alive", it is not a record that must survive a power loss.
 *
 * <p>When: the reference observer rewrites the file on every loop iteration, which under load is thousands of
 * create-write-rename cycles a second. Here a thread of its own ({@code varta-heartbeat}) rewrites it at most
 * every {@value #INTERVAL_MILLIS} ms, and only when the loop has completed an iteration since the last write.
 * The observer thread does no file I/O for it, and a loop that stops moving stops the file's updates (its
 * {@code loop_count} and mtime freeze), which is what a reader watching the file needs to see.
 *
 * <p>Threading: {@link #start} and {@link #close} from the controlling thread; {@link #writeOnce} is for the
 * heartbeat thread (and tests), one caller at a time.
 */
public final class HeartbeatFile implements AutoCloseable
{
    /** At most one rewrite per this many milliseconds. */
    public static final long INTERVAL_MILLIS = 500;
    /** Temporary names tried per write before giving up. */
    public static final int NAME_ATTEMPTS = 16;

    /** How long {@link #close()} waits for a write in progress. */
    static final long JOIN_MILLIS = 1000;

    private static final int EEXIST = SupervisionNatives.constants()[12];

    private final PathBytes path;
    private final Diagnostics log;
    private final long pid = ProcessHandle.current().pid();
    private final ByteBuffer line = ByteBuffer.allocateDirect(64);
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;
    private long sequence;

    /**
     * Any thread; nothing is written until {@link #start} or {@link #writeOnce}.
     *
     * @param path {@code --heartbeat-file}
     * @param log where write errors go (rate-limited)
     */
    public HeartbeatFile(final PathBytes path, final Diagnostics log)
    {
        this.path = path;
        this.log = log;
    }

    /**
     * Starts the {@code varta-heartbeat} thread. Controlling thread; once.
     *
     * @param progress the loop's published progress
     */
    public void start(final LoopProgress progress)
    {
        thread = new Thread(() -> run(progress), "varta-heartbeat");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(final LoopProgress progress)
    {
        long written = 0;
        try
        {
            while (!stop.await(INTERVAL_MILLIS, TimeUnit.MILLISECONDS))
            {
                final long iterations = progress.iterations();
                if (iterations == written)
                {
                    continue; // the loop has not moved: neither does the file
                }
                try
                {
                    writeOnce(iterations, progress.observerNanos());
                    written = iterations;
                }
                catch (final NativeIoException e)
                {
                    log.rateLimited(LogKind.HEARTBEAT_IO, LogLevel.WARN, "heartbeat file write error: " + e.getMessage());
                }
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Replaces the file's content with {@code "<loopCount> <observerNanos>\n"}. Heartbeat thread (or a test); one
     * caller at a time.
     *
     * @param loopCount completed loop iterations
     * @param observerNanos the observer clock of the latest one
     * @throws NativeIoException naming the path and the reason; the temporary file is gone
     */
    public void writeOnce(final long loopCount, final long observerNanos) throws NativeIoException
    {
        final byte[] text = (loopCount + " " + observerNanos + "\n").getBytes(StandardCharsets.US_ASCII);
        line.clear();
        line.put(text);
        PathBytes temporary = null;
        OpenFile file = null;
        NativeIoException taken = null;
        for (int attempt = 0; attempt < NAME_ATTEMPTS && null == file; attempt++)
        {
            temporary = path.withSuffix("." + pid + "." + sequence++ + ".tmp");
            try
            {
                file = PrivateFile.createNew(temporary, PrivateFile.Rules.appendLog("heartbeat file"));
            }
            catch (final NativeIoException e)
            {
                if (EEXIST != e.errno())
                {
                    throw e;
                }
                taken = e; // something is at that name (maybe a planted symlink): never touch it, try the next
            }
        }
        if (null == file)
        {
            throw new NativeIoException(path + ": no free temporary name in " + NAME_ATTEMPTS + " attempts (last: "
                + taken.getMessage() + ")", EEXIST);
        }
        try
        {
            int done = 0;
            while (done < text.length)
            {
                final long n = file.write(line, done, text.length - done);
                if (n < 0)
                {
                    throw file.failure(n);
                }
                if (0 == n)
                {
                    throw new NativeIoException(temporary + ": nothing written", 0);
                }
                done += (int)n;
            }
            final int closed = file.closeWithResult();
            if (closed < 0)
            {
                throw file.failure(closed);
            }
            DirectoryEntries.moveIfPresent(temporary, path);
        }
        catch (final NativeIoException e)
        {
            file.close();
            try
            {
                DirectoryEntries.unlinkIfPresent(temporary);
            }
            catch (final NativeIoException ignored)
            {
                // the write error is the one worth reporting
            }
            throw e;
        }
    }

    /**
     * Stops the heartbeat thread and waits up to {@value #JOIN_MILLIS} ms for it (a write stuck on a dead disk
     * must not hold up shutdown; the thread is a daemon). The file stays. Controlling thread; idempotent.
     */
    @Override
    public void close()
    {
        stop.countDown();
        if (null != thread)
        {
            try
            {
                thread.join(JOIN_MILLIS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
