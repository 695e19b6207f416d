package io.varta.watch.supervision;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.nativeio.SupervisionNatives;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The service manager's notification socket ({@code sd_notify(3)}): {@code $NOTIFY_SOCKET} as a path or a Linux
 * abstract name written {@code @name}. This class sends {@code READY=1} and {@code STOPPING=1}; {@code WATCHDOG=1}
 * comes only from the native self-watchdog thread ({@link SelfWatchdog}), which is handed {@link #fd()}.
 *
 * <p>Nothing here is ever fatal: a socket that cannot be opened is reported once
 * ({@code sd_notify: could not open "<value>": <reason>}) and the observer runs on without notifications; the
 * first failed send is reported once too.
 *
 * <p>Threading: the controlling (main) thread.
 */
public final class SystemdNotify implements AutoCloseable
{
    /** The environment variable naming the socket. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    static final String READY = "READY=1\n";
    static final String STOPPING = "STOPPING=1\n";

    private final String address;
    private final Diagnostics log;
    private int fd;
    private boolean sendFailureReported;

    private SystemdNotify(final String address, final int fd, final Diagnostics log)
    {
        this.address = address;
        this.fd = fd;
        this.log = log;
    }

    /**
     * Opens {@code $NOTIFY_SOCKET} if it is set. Main thread.
     *
     * @param environment the process environment ({@link System#getenv()})
     * @param log where the one warning goes
     * @return the socket, {@linkplain #isOpen() closed} when the variable is unset or the socket cannot be opened
     */
    public static SystemdNotify fromEnvironment(final Map<String, String> environment, final Diagnostics log)
    {
        final String value = environment.get(NOTIFY_SOCKET);
        if (null == value || value.isEmpty())
        {
            return new SystemdNotify(null, -1, log);
        }
        final int rc;
        try
        {
            rc = SupervisionNatives.notifyOpen(PathBytes.of(Path.of(value)).bytes());
        }
        catch (final IllegalArgumentException e)
        {
            log.warn("sd_notify: could not open \"" + value + "\": " + e.getMessage());
            return new SystemdNotify(value, -1, log);
        }
        if (rc < 0)
        {
            log.warn("sd_notify: could not open \"" + value + "\": " + Natives.strerror(-rc));
            return new SystemdNotify(value, -1, log);
        }
        return new SystemdNotify(value, rc, log);
    }

    /**
     * Main thread.
     *
     * @return true when notifications are sent
     */
    public boolean isOpen()
    {
        return fd >= 0;
    }

    /**
     * The connected socket, for the native self-watchdog thread's {@code WATCHDOG=1}. Main thread.
     *
     * @return the descriptor, or -1
     */
    int fd()
    {
        return fd;
    }

    /** {@code READY=1}: sockets, sinks and the endpoint are up. Main thread. */
    public void ready()
    {
        send(READY);
    }

    /** {@code STOPPING=1}: shutdown has begun. Main thread. */
    public void stopping()
    {
        send(STOPPING);
    }

    private void send(final String message)
    {
        if (fd < 0)
        {
            return;
        }
        final int rc = SupervisionNatives.notifySend(fd, message.getBytes(StandardCharsets.US_ASCII));
        if (rc < 0 && !sendFailureReported)
        {
            sendFailureReported = true;
            log.warn("sd_notify: could not send " + message.trim() + " to \"" + address + "\": "
                + Natives.strerror(-rc));
        }
    }

    /** Closes the socket; idempotent. Main thread, after the self-watchdog thread stopped. */
    @Override
    public void close()
    {
        if (fd >= 0)
        {
            Natives.closeFd(fd);
            fd = -1;
        }
    }
}
