package io.varta.client;

import io.varta.vlp.Frame;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Frames to the observer's Unix datagram socket through the client's native library: a non-blocking
 * {@code AF_UNIX SOCK_DGRAM} socket connected to the path, one {@code send} per beat from a direct buffer whose
 * address the library learnt once. The kernel attaches this process's credentials; the observer checks them against
 * the frame's pid.
 *
 * <p>Outcomes: {@code EAGAIN} (the observer's queue is full) is {@link DropReason#QUEUE_FULL}, {@code ENOBUFS}
 * {@link DropReason#NO_BUFFER_SPACE}; any other errno is {@link BeatOutcome.Failed} and drops the socket. A socket
 * whose observer went away ({@code ECONNREFUSED}, {@code ENOTCONN}, {@code ECONNRESET}, {@code EPIPE}) is
 * reconnected at once and the frame sent again, so the first beat after an observer restart gets through; while there
 * is none, every beat tries to connect and fails with {@code ENOENT} (no socket file) or {@code ECONNREFUSED} (a
 * stale one).
 *
 * <p>Used under the client's lock (see {@link Transport}).
 */
final class UdsTransport implements Transport
{
    /** {@code sizeof(sun_path) - 1}: the longest path a sockaddr_un holds with its NUL. */
    static final int MAX_PATH_BYTES = 107;

    private final byte[] path;
    private final String display;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(Frame.BYTES);
    private final long address;
    private int fd = -1;
    private boolean closed;

    private UdsTransport(final byte[] path, final String display)
    {
        this.path = path;
        this.display = display;
        this.address = UdsNatives.address(buffer);
    }

    /**
     * Loads the native library and connects; an observer that is not there yet is not an error (the first beat says
     * so and connects again).
     *
     * @throws IllegalArgumentException for an empty path, one with a NUL byte, or one longer than 107 bytes
     * @throws UnsatisfiedLinkError if the native library cannot be loaded
     */
    static UdsTransport connect(final Path socket)
    {
        final byte[] bytes = socket.toString().getBytes(fileNameCharset());
        if (bytes.length == 0)
        {
            throw new IllegalArgumentException("empty socket path");
        }
        for (final byte b : bytes)
        {
            if (b == 0)
            {
                throw new IllegalArgumentException("socket path contains a NUL byte");
            }
        }
        if (bytes.length > MAX_PATH_BYTES)
        {
            throw new IllegalArgumentException("socket path is " + bytes.length + " bytes, a Unix socket address holds "
                + MAX_PATH_BYTES + ": " + socket);
        }
        ClientNativeLibrary.ensureLoaded();
        final UdsTransport transport = new UdsTransport(bytes, socket.toString());
        transport.open();
        return transport;
    }

    /** @return 0, or the errno of a failed connect */
    private int open()
    {
        final int rc = UdsNatives.open(path);
        if (rc < 0)
        {
            return -rc;
        }
        fd = rc;
        return 0;
    }

    @Override
    public BeatOutcome send(final byte[] frame)
    {
        if (closed)
        {
            return BeatOutcome.Failed.CLOSED;
        }
        buffer.put(0, frame, 0, Frame.BYTES);
        boolean fresh = false;
        if (fd < 0)
        {
            final int errno = open();
            if (0 != errno)
            {
                return BeatOutcome.Failed.of(errno);
            }
            fresh = true;
        }
        final int errno = sendOnce();
        if (0 == errno)
        {
            return BeatOutcome.SENT;
        }
        final BeatOutcome outcome = classify(errno);
        if (!fresh && outcome.isFailed() && observerWentAway(errno))
        {
            // the observer this socket was connected to is gone; a new one may be bound at the path already
            final int reopen = open();
            if (0 != reopen)
            {
                return BeatOutcome.Failed.of(reopen);
            }
            final int again = sendOnce();
            return 0 == again ? BeatOutcome.SENT : classify(again);
        }
        return outcome;
    }

    /** @return 0 when the whole frame went out, else the errno */
    private int sendOnce()
    {
        final int rc = UdsNatives.send(fd, address, Frame.BYTES);
        if (rc == Frame.BYTES)
        {
            return 0;
        }
        return rc < 0 ? -rc : Errno.EMSGSIZE;
    }

    /** A drop keeps the socket; a failure drops it, and the next beat connects again. */
    private BeatOutcome classify(final int errno)
    {
        if (Errno.EAGAIN == errno)
        {
            return BeatOutcome.Dropped.of(DropReason.QUEUE_FULL);
        }
        if (Errno.ENOBUFS == errno)
        {
            return BeatOutcome.Dropped.of(DropReason.NO_BUFFER_SPACE);
        }
        closeSocket();
        return BeatOutcome.Failed.of(errno);
    }

    private static boolean observerWentAway(final int errno)
    {
        return Errno.ECONNREFUSED == errno || Errno.ENOTCONN == errno || Errno.ECONNRESET == errno
            || Errno.EPIPE == errno;
    }

    private void closeSocket()
    {
        if (fd >= 0)
        {
            UdsNatives.close(fd);
            fd = -1;
        }
    }

    @Override
    public void close()
    {
        closed = true;
        closeSocket();
    }

    @Override
    public String toString()
    {
        return "uds " + display;
    }

    private static Charset fileNameCharset()
    {
        final String name = System.getProperty("sun.jnu.encoding");
        try
        {
            return null == name ? StandardCharsets.UTF_8 : Charset.forName(name);
        }
        catch (final IllegalArgumentException e)
        {
            return StandardCharsets.UTF_8;
        }
    }
}
