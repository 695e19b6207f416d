package io.varta.watch.nativeio;

import java.nio.ByteBuffer;

/**
 * The natives behind {@code io.varta.watch.files}: opening a file under the private-file rules
 * ({@code native/include/varta/private_file.h}) and the descriptor and directory-entry operations of
 * {@code native/include/varta/file_ops.h}. Registered by {@code JNI_OnLoad} from {@code native/src/jni_files.c}.
 *
 * <p>Every method returns a value {@code >= 0} on success and {@code -errno} or one of the rule codes of
 * {@code files.FileCodes} (read by name from {@link NativeConstants}) on failure; none throws. Paths are {@link PathBytes#bytes()}.
 *
 * <p>All methods are static and thread-safe; a descriptor is used by one thread at a time (its owner's).
 */
public final class FileNatives
{
    /** Length of the {@code info} array of {@link #privateOpen} and {@link #privateRead}. */
    public static final int INFO_LONGS = 8;
    /** Length of the {@code out} array of {@link #stat}. */
    public static final int STAT_LONGS = 4;

    static
    {
        NativeLibrary.ensureLoaded();
    }

    private FileNatives()
    {
    }

    /**
     * Opens {@code path} ({@code how}: an open mode) and applies the rules ({@code checks}: check bits) to the
     * descriptor. {@code info} (length {@link #INFO_LONGS}) gets mode, owner uid, expected uid, link count, size,
     * dev, ino and 1 if the call created the file. Returns the descriptor or a negative code.
     */
    public static native int privateOpen(byte[] path, int how, int checks, int expectedUid, long maxBytes,
        long[] info);

    /**
     * Opens {@code path} read-only under the rules and reads it whole into {@code out} (a file longer than
     * {@code out} is refused as too large); {@code info} as for {@link #privateOpen}. Returns the byte count or a
     * negative code. The native copy of the content is wiped.
     */
    public static native int privateRead(byte[] path, int checks, int expectedUid, byte[] out, long[] info);

    /** One write(2) of {@code length} bytes at {@code offset} of a direct buffer: bytes written (maybe short). */
    public static native long write(int fd, ByteBuffer direct, int offset, int length);

    /** pread(2) into {@code out} from {@code position} until full or end of file: bytes read. */
    public static native long pread(int fd, byte[] out, long position);

    /** fdatasync(2). */
    public static native int datasync(int fd);

    /** fstat(2): {@code out} (length {@link #STAT_LONGS}) gets size, dev, ino, link count. */
    public static native int stat(int fd, long[] out);

    /** ftruncate(2). */
    public static native int truncate(int fd, long size);

    /** close(2). */
    public static native int close(int fd);

    /** rename(2). */
    public static native int rename(byte[] from, byte[] to);

    /** The EXDEV fallback of a rename: create {@code to} new (0600), copy, fdatasync, unlink {@code from}. */
    public static native int moveByCopy(byte[] from, byte[] to);

    /** unlink(2). */
    public static native int unlink(byte[] path);

    /** fsync(2) of the directory holding {@code path}. */
    public static native int syncParentDir(byte[] path);
}
