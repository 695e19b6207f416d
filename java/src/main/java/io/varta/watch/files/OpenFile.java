package io.varta.watch.files;

import io.varta.watch.nativeio.FileNatives;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.PathBytes;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A descriptor opened by {@link PrivateFile} after its rules held, with what {@code fstat} saw then. Writes append.
 * The operations a {@link java.nio.channels.FileChannel} cannot do on it are here: a write straight from a direct
 * buffer, {@code fdatasync}, {@code ftruncate}, {@code fstat}.
 *
 * <p>The per-record operations ({@link #write}, {@link #datasync}, {@link #truncate}) return {@code -errno} instead
 * of throwing, so the append path never allocates; {@link #describe(long)} turns such a result into text.
 * After {@link #close()} every operation fails with {@code EBADF}.
 *
 * <p>Not thread-safe: used by one owner thread at a time.
 */
public final class OpenFile implements AutoCloseable
{
    private final PathBytes path;
    private final long sizeAtOpen;
    private final boolean created;
    private final long[] stat = new long[FileNatives.STAT_LONGS];
    private int fd;

    OpenFile(final PathBytes path, final int fd, final long sizeAtOpen, final boolean created)
    {
        this.path = path;
        this.fd = fd;
        this.sizeAtOpen = sizeAtOpen;
        this.created = created;
    }

    /**
     * Any thread.
     *
     * @return the path it was opened by (for messages)
     */
    public PathBytes path()
    {
        return path;
    }

    /**
     * Any thread.
     *
     * @return the file's size when it was opened
     */
    public long sizeAtOpen()
    {
        return sizeAtOpen;
    }

    /**
     * Any thread.
     *
     * @return true if the open created the file
     */
    public boolean created()
    {
        return created;
    }

    /**
     * One {@code write(2)} at the end of the file. Owner thread.
     *
     * @param direct a direct buffer (its position and limit are ignored)
     * @param offset first byte to write
     * @param length bytes to write
     * @return bytes written, fewer than {@code length} when the disk or the file-size limit ran out midway, or
     *     {@code -errno}
     */
    public long write(final ByteBuffer direct, final int offset, final int length)
    {
        return FileNatives.write(fd, direct, offset, length);
    }

    /**
     * Owner thread.
     *
     * @return 0 or {@code -errno} of {@code fdatasync(2)}
     */
    public int datasync()
    {
        return FileNatives.datasync(fd);
    }

    /**
     * Cuts the file to {@code size} bytes; later writes still append at the (new) end. Owner thread.
     *
     * @param size the new length
     * @return 0 or {@code -errno} of {@code ftruncate(2)}
     */
    public int truncate(final long size)
    {
        return FileNatives.truncate(fd, size);
    }

    /**
     * Owner thread.
     *
     * @return the current size ({@code fstat}) or {@code -errno}
     */
    public long size()
    {
        final int rc = FileNatives.stat(fd, stat);
        return rc < 0 ? rc : stat[0];
    }

    /**
     * Reads up to {@code length} bytes from {@code position} (fewer at the end of the file). Owner thread.
     *
     * @param position file offset
     * @param length bytes wanted
     * @return the bytes read
     * @throws NativeIoException {@code <path>: <strerror>}
     */
    public byte[] read(final long position, final int length) throws NativeIoException
    {
        final byte[] into = new byte[length];
        final long n = FileNatives.pread(fd, into, position);
        if (n < 0)
        {
            throw failure(n);
        }
        return n == length ? into : Arrays.copyOf(into, (int)n);
    }

    /**
     * Any thread.
     *
     * @param result a {@code -errno} result of this file's operations
     * @return {@code <path>: <strerror>}
     */
    public String describe(final long result)
    {
        return FileCodes.describe(path, result);
    }

    /**
     * Any thread.
     *
     * @param result a {@code -errno} result of this file's operations
     * @return the failure as an exception with {@link #describe(long)} as its message
     */
    public NativeIoException failure(final long result)
    {
        return new NativeIoException(describe(result), (int)-result);
    }

    /**
     * Closes the descriptor; idempotent. Owner thread.
     *
     * @return 0 or {@code -errno} of {@code close(2)} (the descriptor is released either way)
     */
    public int closeWithResult()
    {
        if (fd < 0)
        {
            return 0;
        }
        final int rc = FileNatives.close(fd);
        fd = -1;
        return rc;
    }

    /**
     * {@link #closeWithResult()}, for try-with-resources (a close error is ignored). Owner thread.
     */
    @Override
    public void close()
    {
        closeWithResult();
    }
}
