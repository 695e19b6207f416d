package io.varta.watch.nativeio;

import java.nio.ByteBuffer;

/**
 * The natives behind {@code io.varta.watch.supervision} and {@code observer.LoopProgress}: sd_notify datagrams
 * ({@code native/include/varta/notify.h}), the hardware watchdog device ({@code hw_watchdog.h}), the loop's
 * progress block ({@code loop_progress.h}) and the native self-watchdog thread that reads it
 * ({@code watchdog_thread.h}). Registered by {@code JNI_OnLoad} from {@code native/src/jni_supervision.c}.
 *
 * <p>Every method returns a value {@code >= 0} on success and {@code -errno} or one of the hardware-watchdog
 * codes of {@link #constants()} on failure; none throws. Paths are {@link PathBytes#bytes()}.
 *
 * <p>All methods are static and thread-safe; a descriptor or a watchdog handle is used by one owner thread.
 */
public final class SupervisionNatives
{
    /** Length of the {@code info} array of {@link #hwWatchdogOpen}. */
    public static final int HW_INFO_INTS = 3;
    /** Length of the {@code settings} array of {@link #watchdogStart}. */
    public static final int SETTINGS_LONGS = 7;
    /** Length of the {@code out} array of {@link #watchdogStats}. */
    public static final int STATS_LONGS = 7;

    static
    {
        NativeLibrary.ensureLoaded();
    }

    private SupervisionNatives()
    {
    }

    /**
     * In this order: the progress block's offsets of stage_word, iteration_start_ns, sleep_until_ns, iterations,
     * observer_ns; its size in bytes (also its alignment); the stage bits of stage_word; the longest stage label
     * in bytes (NUL included); the hardware-watchdog codes NOT_CHAR, GETTIMEOUT, SETTIMEOUT, TIMEOUT_TOO_LOW; the
     * errno values EEXIST, ENOENT.
     */
    public static native int[] constants();

    /**
     * Opens a non-blocking datagram socket connected to the value of {@code $NOTIFY_SOCKET} ({@code /path} or
     * {@code @abstract-name}, as bytes). Returns the descriptor or {@code -errno}.
     */
    public static native int notifyOpen(byte[] address);

    /** Sends one message ({@code READY=1\n}, ...) without blocking. Returns 0 or {@code -errno}. */
    public static native int notifySend(int fd, byte[] message);

    /**
     * Opens a hardware watchdog device: write-only, a character device, timeout raised to at least
     * {@code minTimeoutSecs}. {@code info} (length {@link #HW_INFO_INTS}) gets the timeout, the errno of a failed
     * ioctl and 1 if a refusal disarmed a real watchdog with 'V'. Returns the descriptor or a negative code.
     */
    public static native int hwWatchdogOpen(byte[] path, int minTimeoutSecs, int[] info);

    /** Closes the device, first writing the magic 'V' (disarm) when asked. Returns 0 or {@code -errno}. */
    public static native int hwWatchdogClose(int fd, boolean disarm);

    /**
     * Starts the native "varta-watchdog" thread over the progress block {@code progress} (a 64-byte-aligned direct
     * buffer that must outlive it). {@code settings} (length {@link #SETTINGS_LONGS}): deadline ns (0: never
     * abort), freshness window ns, tick ns, pet interval ns, kick interval ns, sleep stage, stopped stage;
     * {@code notifyFd}/{@code hwFd} -1 when absent; {@code labels}: the stage names in stage order, each followed
     * by one NUL byte. Returns a handle {@code > 0} or {@code -errno}.
     */
    public static native long watchdogStart(ByteBuffer progress, long[] settings, int notifyFd, int hwFd,
        byte[] labels);

    /**
     * {@code out} (length {@link #STATS_LONGS}) gets ticks, WATCHDOG=1 sent, WATCHDOG=1 failed, the errno of the
     * latest failure, kicks, failed kicks, the errno of the latest failed kick.
     */
    public static native void watchdogStats(long handle, long[] out);

    /** Stops and joins the thread and frees the handle (once); the descriptors stay open. */
    public static native void watchdogStop(long handle);
}
