package io.varta.watch.nativeio;

import java.nio.ByteBuffer;

/**
 * The native methods of {@code libvarta_watch.so} (all but the constant table of {@link NativeConstants}),
 * registered by {@code JNI_OnLoad} (no {@code Java_*} symbols). Natives return a value {@code >= 0} on
 * success and {@code -errno} or one of the library's negative codes ({@code uds.h}, {@code secret_file.h};
 * read them by name with {@link NativeConstants#value}) on failure; they never throw and are never called
 * per frame. The typed wrappers ({@code ingress.UdsListener}, {@code ingress.Receiver}, {@link SecretFile},
 * {@link NativeClock}) turn the codes into {@link NativeIoException}s.
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

    /**
     * Loads and checks the library (this class's initialiser, {@link NativeLibrary}) if that has not happened
     * yet; throws its {@link UnsatisfiedLinkError} if the library is refused. Any thread.
     */
    static void ensureLoaded()
    {
        // the work is in the static initialiser; touching the class runs it once
    }

    /**
     * Binds; returns the fd or a negative code; {@code out} gets dev, ino, granted rcvbuf, and the errno behind
     * {@code UDS_ERR_PROBE_FAILED} / {@code UDS_ERR_LOCK_FAILED}.
     */
    public static native int udsBind(byte[] path, int mode, int rcvbufBytes, long[] out);

    /** Unlinks path if it is still (dev, ino); 0 also when it is missing or foreign. */
    public static native int udsUnlinkIfOurs(byte[] path, long dev, long ino);

    /** close(2). */
    public static native int closeFd(int fd);

    /** Process-wide count of failed parent-directory fsyncs after bind. */
    public static native long udsBindDirFsyncFailures();

    /** strerror(3) text of an errno. */
    public static native String strerror(int errno);

    /**
     * Starts the receiver thread over {@code fds.length} listener sockets (with their {@code RingDescriptor}
     * transports and origins, and the handle of each listener's native state or 0, index for index); returns a
     * handle {@code > 0} or {@code -errno}.
     */
    public static native long receiverStart(int[] fds, int[] transports, int[] origins, long[] contexts,
        ByteBuffer region, int capacity, int observerUid);

    /** Consumer sleep on the wake eventfd: 1 woken, 0 timed out, {@code -errno}. */
    public static native int receiverWait(long handle, long timeoutNanos);

    /** Wakes a consumer sleeping in {@link #receiverWait}. */
    public static native void receiverKick(long handle);

    /** CLOCK_MONOTONIC time through which every queued datagram was read and published (recv.h). */
    public static native long receiverDrainedThrough(long handle);

    /** Stops and joins the receiver thread and frees the handle (once). */
    public static native void receiverStop(long handle);

    /** getuid(2). */
    public static native int realUid();

    /** CLOCK_BOOTTIME in nanoseconds. */
    public static native long boottimeNanos();

    /** prctl(PR_SET_TIMERSLACK) for the calling thread; 0 or -errno. */
    public static native int setThreadTimerSlack(long nanos);

    /** setpriority(PRIO_PROCESS, gettid(), nice) for the calling thread; 0 or -errno. */
    public static native int setThreadNice(int nice);
}
