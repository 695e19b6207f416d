package io.varta.watch.nativeio;

import java.nio.ByteBuffer;

/**
 * Every native method of {@code libvarta_watch.so}, registered by {@code JNI_OnLoad} (no {@code Java_*}
 * symbols). Natives return a value {@code >= 0} on success and {@code -errno} or one of the custom negative
 * codes of {@code native/include/varta/uds.h} on failure; they never throw and are never called per frame.
 * The typed wrappers ({@link UdsListener}, {@link Receiver}, {@link Ring}, {@link NativeClock}) turn the
 * codes into {@link NativeIoException}s.
 *
 * <p>All methods are static and may be called from any thread unless a wrapper documents otherwise.
 */
public final class Natives
{
    static
    {
        NativeLibrary.ensureLoaded();
    }

    private Natives()
    {
    }

    /** ring.h constants in the order documented in {@code native/src/jni_ring.c}. Any thread. */
    static native int[] ringLayout();

    /** {EADDRINUSE, NOT_A_SOCKET, LIVE_OBSERVER, PATH_CHANGED, PROBE_FAILED, MODE_MISMATCH}. Any thread. */
    static native int[] udsConstants();

    /** Binds; returns the fd or a negative code; {@code out} gets dev, ino, granted rcvbuf, probe errno. */
    static native int udsBind(byte[] path, int mode, int rcvbufBytes, long[] out);

    /** Unlinks path if it is still (dev, ino); 0 also when it is missing or foreign. */
    static native int udsUnlinkIfOurs(byte[] path, long dev, long ino);

    /** close(2). */
    static native int closeFd(int fd);

    /** Process-wide count of failed parent-directory fsyncs after bind. */
    static native long udsBindDirFsyncFailures();

    /** strerror(3) text of an errno. */
    static native String strerror(int errno);

    /** Test helper: binds a datagram socket at path and closes it without unlink (a stale socket file). */
    static native int bindAbandoned(byte[] path);

    /** Starts the receiver thread; returns a handle {@code > 0} or {@code -errno}. */
    static native long receiverStart(int fd, ByteBuffer region, int capacity, int observerUid);

    /** Consumer sleep on the wake eventfd: 1 woken, 0 timed out, {@code -errno}. */
    static native int receiverWait(long handle, long timeoutNanos);

    /** Wakes a consumer sleeping in {@link #receiverWait}. */
    static native void receiverKick(long handle);

    /** Stops and joins the receiver thread and frees the handle (once). */
    static native void receiverStop(long handle);

    /** getuid(2). */
    static native int realUid();

    /**
     * Reads a private file into {@code out} (secret_file.h); {@code info} gets mode, owner uid, expected uid.
     * Returns the byte count or a negative code ({@link #secretConstants} or {@code -errno}).
     */
    static native int secretFileRead(byte[] path, byte[] out, long[] info);

    /** {SYMLINK, NOT_REGULAR, INSECURE_MODE, WRONG_OWNER, TOO_LARGE, MAX_BYTES} of secret_file.h. */
    static native int[] secretConstants();

    /** CLOCK_BOOTTIME in nanoseconds. */
    static native long boottimeNanos();

    /** prctl(PR_SET_TIMERSLACK) for the calling thread; 0 or -errno. */
    static native int setThreadTimerSlack(long nanos);

    /** setpriority(PRIO_PROCESS, gettid(), nice) for the calling thread; 0 or -errno. */
    static native int setThreadNice(int nice);
}
