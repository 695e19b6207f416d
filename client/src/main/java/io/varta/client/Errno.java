package io.varta.client;

/**
 * The Linux errno values a beat can end with, their names and glibc's texts. Send and connect failures come back
 * as {@link BeatOutcome.Failed} carrying one of these numbers; the UDS path gets them from the kernel through the
 * client's native library (which checks, when it loads, that its values are these), the UDP paths from the JDK's
 * exception texts ({@link #ofMessage(String)}).
 *
 * <p>Immutable; any thread.
 */
public final class Errno
{
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory: no observer socket at the path. */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Bad file descriptor (also: the client is closed). */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable: a full queue, the send would block. */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied: the socket's mode does not let this user send. */
    public static final int EACCES = 13;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** File name too long: the socket path does not fit a sockaddr_un (107 bytes). */
    public static final int ENAMETOOLONG = 36;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol wrong type for socket: a stream socket at the path. */
    public static final int EPROTOTYPE = 91;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Connection refused: a socket file with no observer behind it, or an ICMP port-unreachable for UDP. */
    public static final int ECONNREFUSED = 111;
    /** Host is down. */
    public static final int EHOSTDOWN = 112;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;

    /** The largest errno this table knows. */
    static final int MAX = 133;

    private static final String[] NAMES = new String[MAX + 1];
    private static final String[] MESSAGES = new String[MAX + 1];

    static
    {
        row(EPERM, "EPERM", "Operation not permitted");
        row(ENOENT, "ENOENT", "No such file or directory");
        row(EINTR, "EINTR", "Interrupted system call");
        row(EBADF, "EBADF", "Bad file descriptor");
        row(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        row(ENOMEM, "ENOMEM", "Cannot allocate memory");
        row(EACCES, "EACCES", "Permission denied");
        row(ENOTDIR, "ENOTDIR", "Not a directory");
        row(EINVAL, "EINVAL", "Invalid argument");
        row(ENFILE, "ENFILE", "Too many open files in system");
        row(EMFILE, "EMFILE", "Too many open files");
        row(EPIPE, "EPIPE", "Broken pipe");
        row(ENAMETOOLONG, "ENAMETOOLONG", "File name too long");
        row(ELOOP, "ELOOP", "Too many levels of symbolic links");
        row(ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket");
        row(EDESTADDRREQ, "EDESTADDRREQ", "Destination address required");
        row(EMSGSIZE, "EMSGSIZE", "Message too long");
        row(EPROTOTYPE, "EPROTOTYPE", "Protocol wrong type for socket");
        row(EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol");
        row(EADDRINUSE, "EADDRINUSE", "Address already in use");
        row(EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address");
        row(ENETDOWN, "ENETDOWN", "Network is down");
        row(ENETUNREACH, "ENETUNREACH", "Network is unreachable");
        row(ECONNRESET, "ECONNRESET", "Connection reset by peer");
        row(ENOBUFS, "ENOBUFS", "No buffer space available");
        row(EISCONN, "EISCONN", "Transport endpoint is already connected");
        row(ENOTCONN, "ENOTCONN", "Transport endpoint is not connected");
        row(ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        row(EHOSTDOWN, "EHOSTDOWN", "Host is down");
        row(EHOSTUNREACH, "EHOSTUNREACH", "No route to host");
    }

    private Errno()
    {
    }

    private static void row(final int value, final String name, final String message)
    {
        NAMES[value] = name;
        MESSAGES[value] = message;
    }

    /** @return the symbolic name ({@code ECONNREFUSED}), or {@code errno N} for a value this table does not name */
    public static String name(final int errno)
    {
        return known(errno) ? NAMES[errno] : "errno " + errno;
    }

    /** @return glibc's text ({@code Connection refused}), or {@code unknown error N} */
    public static String message(final int errno)
    {
        return known(errno) ? MESSAGES[errno] : "unknown error " + errno;
    }

    /** @return true when this table names {@code errno} */
    public static boolean known(final int errno)
    {
        return errno > 0 && errno <= MAX && null != NAMES[errno];
    }

    /**
     * The errno whose glibc text is {@code message} (the JDK's socket exceptions carry that text on Linux).
     *
     * @return the value, or 0 when no row has that text
     */
    static int ofMessage(final String message)
    {
        if (null == message)
        {
            return 0;
        }
        for (int i = 1; i <= MAX; i++)
        {
            if (null != MESSAGES[i] && (message.equals(MESSAGES[i]) || message.endsWith(": " + MESSAGES[i])))
            {
                return i;
            }
        }
        return 0;
    }

    /** The value of the named errno in this table, or -1 (the native library's load-time check). */
    static int valueOf(final String name)
    {
        for (int i = 1; i <= MAX; i++)
        {
            if (name.equals(NAMES[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
