package io.varta.watch.nativeio;

import java.io.IOException;

/**
 * An I/O failure reported by the native library, with the errno behind it and the message fragments the
 * reference observer prints (for example {@code "another varta-watch is already running at /run/varta.sock"}).
 * Semantic bind failures (path is not a socket, live observer, path changed) carry {@code EADDRINUSE}.
 *
 * <p>Immutable; any thread.
 */
public class NativeIoException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * Any thread.
     *
     * @param message the user-visible message
     * @param errno   the errno behind it (positive), 0 if none
     */
    public NativeIoException(final String message, final int errno)
    {
        super(message);
        this.errno = errno;
    }

    /**
     * Any thread.
     *
     * @return the errno behind this failure (e.g. 98 = EADDRINUSE), 0 if none
     */
    public int errno()
    {
        return errno;
    }
}
