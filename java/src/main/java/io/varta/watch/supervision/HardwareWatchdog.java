package io.varta.watch.supervision;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.nativeio.SupervisionNatives;


/**
 * {@code --hw-watchdog PATH}: a Linux hardware watchdog device ({@code /dev/watchdog*}). Opened after
 * {@code READY=1}, write-only; it must be a character device that answers {@code WDIOC_GETTIMEOUT}; a timeout
 * below {@value #MIN_TIMEOUT_SECS} s is raised with {@code WDIOC_SETTIMEOUT}. It is kicked by the native
 * self-watchdog thread only while the observer loop shows progress ({@link SelfWatchdog}), never by a thread
 * that would go on kicking for a wedged loop. The magic close ({@code V}) is written on a clean exit only (and
 * when the start fails right after the device was opened, since nothing would kick it): after a crash, an abort
 * or a failed shutdown the machine reboots unless a restarted observer takes the device over within the
 * timeout.
 *
 * <p>Every refusal says why, as {@code --hw-watchdog PATH: <reason>} (exit 1):
 * <pre>
 * --hw-watchdog /tmp/f: /tmp/f: hardware watchdog must be a character device
 * --hw-watchdog /dev/null: WDIOC_GETTIMEOUT failed: Inappropriate ioctl for device
 * --hw-watchdog /dev/watchdog: WDIOC_SETTIMEOUT failed: Invalid argument
 * --hw-watchdog /dev/watchdog: timeout 10 s is still below the 30 s minimum after WDIOC_SETTIMEOUT
 * --hw-watchdog /dev/watchdog9: No such file or directory
 * </pre>
 * A refused device that is a real watchdog is disarmed with {@code V} before it is closed; a device that is not
 * a watchdog (such as {@code /dev/null}) is never written to.
 *
 * <p>Threading: the controlling (main) thread; the descriptor is written by the self-watchdog thread meanwhile.
 */
public final class HardwareWatchdog implements AutoCloseable
{
    /** The timeout floor, in seconds. */
    public static final int MIN_TIMEOUT_SECS = 30;

    private static final int NOT_CHAR;
    private static final int GETTIMEOUT;
    private static final int SETTIMEOUT;
    private static final int TIMEOUT_TOO_LOW;

    static
    {
        final int[] c = SupervisionNatives.constants();
        NOT_CHAR = c[8];
        GETTIMEOUT = c[9];
        SETTIMEOUT = c[10];
        TIMEOUT_TOO_LOW = c[11];
    }

    private final int timeoutSecs;
    private int fd;

    private HardwareWatchdog(final int fd, final int timeoutSecs)
    {
        this.fd = fd;
        this.timeoutSecs = timeoutSecs;
    }

    /**
     * Opens and checks the device; from here on it is armed. Main thread.
     *
     * @param path {@code --hw-watchdog}
     * @return the armed device
     * @throws NativeIoException {@code --hw-watchdog PATH: <reason>}
     */
    public static HardwareWatchdog open(final PathBytes path) throws NativeIoException
    {
        final PathBytes bytes = path;
        final int[] info = new int[SupervisionNatives.HW_INFO_INTS];
        final int rc = SupervisionNatives.hwWatchdogOpen(bytes.bytes(), MIN_TIMEOUT_SECS, info);
        if (rc >= 0)
        {
            return new HardwareWatchdog(rc, info[0]);
        }
        final String reason;
        if (NOT_CHAR == rc)
        {
            reason = bytes + ": hardware watchdog must be a character device";
        }
        else if (GETTIMEOUT == rc)
        {
            reason = "WDIOC_GETTIMEOUT failed: " + Natives.strerror(info[1]);
        }
        else if (SETTIMEOUT == rc)
        {
            reason = "WDIOC_SETTIMEOUT failed: " + Natives.strerror(info[1]);
        }
        else if (TIMEOUT_TOO_LOW == rc)
        {
            reason = "timeout " + info[0] + " s is still below the " + MIN_TIMEOUT_SECS
                + " s minimum after WDIOC_SETTIMEOUT";
        }
        else
        {
            reason = Natives.strerror(-rc);
        }
        throw new NativeIoException("--hw-watchdog " + bytes + ": " + reason, rc < 0 && rc > -4096 ? -rc : 0);
    }

    /**
     * Main thread.
     *
     * @return the device's descriptor, for the self-watchdog thread's kicks
     */
    int fd()
    {
        return fd;
    }

    /**
     * Any thread.
     *
     * @return the device's timeout in seconds (&ge; {@value #MIN_TIMEOUT_SECS})
     */
    public int timeoutSecs()
    {
        return timeoutSecs;
    }

    /**
     * Closes the device, disarming it with the magic {@code V} only when {@code clean}. Idempotent. Main thread,
     * after the self-watchdog thread stopped.
     *
     * @param clean true on a clean exit (status 0)
     * @return 0 or the {@code -errno} of the magic write or the close
     */
    public int close(final boolean clean)
    {
        if (fd < 0)
        {
            return 0;
        }
        final int rc = SupervisionNatives.hwWatchdogClose(fd, clean);
        fd = -1;
        return rc;
    }

    /** Closes without the magic close: the watchdog stays armed. */
    @Override
    public void close()
    {
        close(false);
    }
}
