package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeConstants;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.nativeio.RingDescriptor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The observer's Unix-domain datagram socket, bound the way the reference observer binds it: the file gets
 * exactly {@code socketMode}, a stale socket file left by a dead observer is replaced, a live observer or a
 * non-socket file at the path is never touched, and close removes the file only if it is still ours (same
 * device and inode). The socket is non-blocking with {@code SO_PASSCRED} and {@code SO_TIMESTAMPNS} on
 * (since before the bind, so even the first datagram carries credentials and its arrival time), ready for a
 * {@link Receiver}.
 *
 * <p>Several observers starting at once over the same stale socket are serialised by a flock on
 * {@code <path>.lock} (created 0600 when first needed, left in place; native {@code uds.c}): exactly one binds,
 * the others fail with "another varta-watch is already running at ...".
 *
 * <pre>{@code
 * try (UdsListener listener = UdsListener.bind(Path.of("/run/varta/observer.sock"), 0600, 0)) {
 *     // hand listener to Receiver.start(listener, ring)
 * }
 * }</pre>
 *
 * <p>Immutable after {@link #bind}; any thread may call any method; {@link #close()} is idempotent.
 */
public final class UdsListener implements Listener
{
    /** Default {@code --socket-mode}: owner read and write only. */
    public static final int DEFAULT_SOCKET_MODE = 0600;
    /** Default {@code --uds-rcvbuf-bytes}: 1 MiB requested ({@code SO_RCVBUF}; the kernel doubles and clamps it). */
    public static final int DEFAULT_RCVBUF_BYTES = 1 << 20;

    /** Native VARTA_UDS_LOCK_SUFFIX, for the message only. */
    private static final String LOCK_SUFFIX = ".lock";

    private static final int EADDRINUSE = NativeConstants.value("EADDRINUSE");
    private static final int EPERM = NativeConstants.value("EPERM");
    private static final int ERR_NOT_A_SOCKET = NativeConstants.value("UDS_ERR_NOT_A_SOCKET");
    private static final int ERR_LIVE_OBSERVER = NativeConstants.value("UDS_ERR_LIVE_OBSERVER");
    private static final int ERR_PATH_CHANGED = NativeConstants.value("UDS_ERR_PATH_CHANGED");
    private static final int ERR_PROBE_FAILED = NativeConstants.value("UDS_ERR_PROBE_FAILED");
    private static final int ERR_MODE_MISMATCH = NativeConstants.value("UDS_ERR_MODE_MISMATCH");
    private static final int ERR_LOCK_FAILED = NativeConstants.value("UDS_ERR_LOCK_FAILED");

    private final PathBytes path;
    private final byte[] pathBytes;
    private final int fd;
    private final int grantedRcvbufBytes;
    private final long device;
    private final long inode;
    private final AtomicBoolean closed = new AtomicBoolean();

    private UdsListener(final PathBytes path, final byte[] pathBytes, final int fd, final long[] bound)
    {
        this.path = path;
        this.pathBytes = pathBytes;
        this.fd = fd;
        this.device = bound[0];
        this.inode = bound[1];
        this.grantedRcvbufBytes = (int) bound[2];
    }

    /**
     * Binds the observer socket. Any thread (binds are serialized process-wide in native code).
     *
     * @param path        socket file path (at most 107 bytes)
     * @param socketMode  exact file mode, e.g. {@code 0600}
     * @param rcvbufBytes {@code SO_RCVBUF} request, 0 to leave the default
     * @return the bound listener
     * @throws NativeIoException with the reference's message; {@code errno() == EADDRINUSE} when the path is
     *                           taken (not a socket, live observer, changed while probing)
     */
    public static UdsListener bind(final Path path, final int socketMode, final int rcvbufBytes) throws IOException
    {
        return bind(PathBytes.of(path), socketMode, rcvbufBytes);
    }

    /**
     * {@link #bind(Path, int, int)} for a path given as bytes (a command-line path, taken as given: never
     * re-encoded, a trailing {@code /} kept). Any thread.
     *
     * @param path        socket file path (at most 107 bytes)
     * @param socketMode  exact file mode, e.g. {@code 0600}
     * @param rcvbufBytes {@code SO_RCVBUF} request, 0 to leave the default
     * @return the bound listener
     * @throws NativeIoException with the reference's message
     */
    public static UdsListener bind(final PathBytes path, final int socketMode, final int rcvbufBytes)
        throws IOException
    {
        final byte[] bytes = path.bytes();
        final long[] bound = new long[4];
        final int rc = Natives.udsBind(bytes, socketMode, rcvbufBytes, bound);
        if (rc < 0)
        {
            throw bindFailure(path, rc, (int) bound[3], socketMode);
        }
        return new UdsListener(path, bytes, rc, bound);
    }

    private static NativeIoException bindFailure(final PathBytes path, final int rc, final int detailErrno, final int mode)
    {
        if (rc == ERR_NOT_A_SOCKET)
        {
            return new NativeIoException("cannot bind observer socket at " + path
                + ": path exists and is not a socket", EADDRINUSE);
        }
        if (rc == ERR_LIVE_OBSERVER)
        {
            return new NativeIoException("another varta-watch is already running at " + path, EADDRINUSE);
        }
        if (rc == ERR_PATH_CHANGED)
        {
            return new NativeIoException("observer socket path changed while probing " + path + "; retry bind",
                EADDRINUSE);
        }
        if (rc == ERR_PROBE_FAILED)
        {
            return new NativeIoException("cannot probe socket at " + path + ": " + Natives.strerror(detailErrno),
                detailErrno);
        }
        if (rc == ERR_MODE_MISMATCH)
        {
            return new NativeIoException("cannot bind observer socket at " + path + ": socket file mode is not "
                + String.format("%04o", mode) + " after chmod", EPERM);
        }
        if (rc == ERR_LOCK_FAILED)
        {
            final String why = 0 == detailErrno ? "not a regular file" : Natives.strerror(detailErrno);
            return new NativeIoException("cannot bind observer socket at " + path + ": cannot lock " + path
                + LOCK_SUFFIX + " to replace the stale socket: " + why, detailErrno);
        }
        return new NativeIoException("cannot bind observer socket at " + path + ": " + Natives.strerror(-rc), -rc);
    }

    /**
     * Any thread.
     *
     * @return the path given to {@link #bind}
     */
    public PathBytes path()
    {
        return path;
    }

    /**
     * Any thread.
     *
     * @return the socket's file descriptor (owned by this listener)
     */
    @Override
    public int fd()
    {
        return fd;
    }

    /**
     * Any thread.
     *
     * @return {@code RingDescriptor.TRANSPORT_UDS}
     */
    @Override
    public int transport()
    {
        return RingDescriptor.TRANSPORT_UDS;
    }

    /**
     * Any thread.
     *
     * @return {@code RingDescriptor.ORIGIN_KERNEL_ATTESTED}: every datagram carries kernel credentials (a
     *     record without a kernel pid is lowered to SOCKET_MODE_ONLY natively)
     */
    @Override
    public int origin()
    {
        return RingDescriptor.ORIGIN_KERNEL_ATTESTED;
    }

    /**
     * Any thread.
     *
     * @return {@code uds <path>}
     */
    @Override
    public String description()
    {
        return "uds " + path;
    }

    /**
     * Any thread.
     *
     * @return {@code SO_RCVBUF} as the kernel granted it (Linux doubles and clamps the request), 0 if not set
     */
    public int grantedRcvbufBytes()
    {
        return grantedRcvbufBytes;
    }

    /**
     * Any thread.
     *
     * @return {@code st_dev} of the socket file as bound
     */
    public long device()
    {
        return device;
    }

    /**
     * Any thread.
     *
     * @return {@code st_ino} of the socket file as bound
     */
    public long inode()
    {
        return inode;
    }

    /**
     * Unlinks the socket file if the path still has our device and inode (a replacement is never removed;
     * a missing file is fine), then closes the descriptor. Idempotent; any thread, but stop a
     * {@link Receiver} reading this socket first.
     */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            Natives.udsUnlinkIfOurs(pathBytes, device, inode);
            Natives.closeFd(fd);
        }
    }

    /**
     * Any thread.
     *
     * @return how many parent-directory fsyncs after a bind failed in this process (durability degraded)
     */
    public static long bindDirFsyncFailures()
    {
        return Natives.udsBindDirFsyncFailures();
    }
}
