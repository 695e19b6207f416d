package io.varta.watch.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Raises {@code net.unix.max_dgram_qlen} for the sockets created while it is raised, and puts the machine's value
 * back.
 *
 * <p>The kernel copies the limit into each Unix datagram socket when the socket is created
 * ({@code sk_max_ack_backlog}, checked by {@code unix_recvq_full}); changing the sysctl later does not change
 * sockets that exist. So a test raises it, starts the observer, waits for its socket to be bound and calls
 * {@link #restore()} at once: the observer's socket keeps the higher limit, and every other socket on the machine
 * (in this network namespace) created from then on gets the usual one again. Needs root.
 *
 * <p>Not thread-safe: one test thread.
 */
public final class DgramQueueLimit implements AutoCloseable
{
    private static final Path SYSCTL = Path.of("/proc/sys/net/unix/max_dgram_qlen");

    private final String before;
    private final String raised;
    private boolean changed;

    private DgramQueueLimit(final String before, final String raised, final boolean changed)
    {
        this.before = before;
        this.raised = raised;
        this.changed = changed;
    }

    /** @return true when this process may write the sysctl */
    public static boolean writable()
    {
        return Files.isWritable(SYSCTL);
    }

    /**
     * Raises the limit to at least {@code datagrams} (leaves a higher value alone).
     *
     * @return the handle whose {@link #restore()} puts the value back
     */
    public static DgramQueueLimit raiseTo(final long datagrams) throws IOException
    {
        final String before = read();
        if (Long.parseLong(before) >= datagrams)
        {
            return new DgramQueueLimit(before, before, false);
        }
        final String raised = Long.toString(datagrams);
        write(raised);
        return new DgramQueueLimit(before, raised, true);
    }

    /**
     * Puts the value seen before back (once; later calls do nothing), unless someone else set another value in the
     * meantime (the machine is shared: their value stays).
     */
    public void restore() throws IOException
    {
        if (changed)
        {
            changed = false;
            if (raised.equals(read()))
            {
                write(before);
            }
        }
    }

    /**
     * The value, read in one {@code read} at offset 0: a sysctl file answers a read at any other offset with end of
     * file, and {@link Files#readString} reads one byte first, so it would return only the first digit.
     */
    private static String read() throws IOException
    {
        try (InputStream in = Files.newInputStream(SYSCTL))
        {
            final byte[] buffer = new byte[64];
            final int n = in.read(buffer);
            final String value = new String(buffer, 0, Math.max(0, n), StandardCharsets.US_ASCII).strip();
            if (!value.matches("[0-9]+"))
            {
                throw new IOException(SYSCTL + " reads '" + value + "'");
            }
            return value;
        }
    }

    /** Writes {@code value} in one {@code write} and checks that it reads back. */
    private static void write(final String value) throws IOException
    {
        Files.writeString(SYSCTL, value, StandardCharsets.US_ASCII);
        final String now = read();
        if (!value.equals(now))
        {
            throw new IOException("wrote " + value + " to " + SYSCTL + " but it reads " + now);
        }
    }

    @Override
    public void close() throws IOException
    {
        restore();
    }
}
