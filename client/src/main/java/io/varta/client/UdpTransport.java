package io.varta.client;

import io.varta.vlp.Frame;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * Frames as plaintext UDP datagrams through the JDK: a non-blocking {@link DatagramChannel} connected to the observer,
 * one {@code write} per beat from a reused direct buffer (no copy, no allocation). {@link SecureUdpTransport} writes
 * its sealed datagrams through one of these.
 *
 * <p>UDP has no connection: a send is {@link BeatOutcome#SENT} whether or not an observer listens. When nothing listens
 * on the port, the ICMP port-unreachable that comes back makes a later write fail with {@code ECONNREFUSED}
 * ({@link PortUnreachableException}); a write the socket buffer cannot take is {@link DropReason#QUEUE_FULL}. Other
 * failures carry the errno whose text the JDK's exception has ({@link Errno#ofMessage}).
 *
 * <p>Used under the client's lock (see {@link Transport}).
 */
final class UdpTransport implements Transport
{
    /** Room for the largest datagram: a master-key secure frame. */
    private static final int BUFFER_BYTES = 64;

    private final InetSocketAddress observer;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private DatagramChannel channel;
    private boolean closed;

    private UdpTransport(final InetSocketAddress observer, final DatagramChannel channel)
    {
        this.observer = observer;
        this.channel = channel;
    }

    /**
     * @throws IOException if the address is unresolved or no socket can be opened and connected to it
     */
    static UdpTransport connect(final InetSocketAddress observer) throws IOException
    {
        if (observer.isUnresolved())
        {
            throw new IOException("cannot resolve the observer's address " + observer);
        }
        return new UdpTransport(observer, open(observer));
    }

    private static DatagramChannel open(final InetSocketAddress observer) throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open(observer.getAddress() instanceof Inet6Address
            ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try
        {
            channel.configureBlocking(false);
            channel.connect(observer);
            return channel;
        }
        catch (final IOException | RuntimeException e)
        {
            channel.close();
            throw e;
        }
    }

    @Override
    public BeatOutcome send(final byte[] frame)
    {
        return write(frame, 0, Frame.BYTES);
    }

    /** Sends {@code bytes[offset .. offset + length)} as one datagram (at most 64 bytes). */
    BeatOutcome write(final byte[] bytes, final int offset, final int length)
    {
        if (closed)
        {
            return BeatOutcome.Failed.CLOSED;
        }
        if (null == channel)
        {
            try
            {
                channel = open(observer);
            }
            catch (final IOException e)
            {
                return failure(e);
            }
        }
        buffer.clear();
        buffer.put(bytes, offset, length).flip();
        try
        {
            return 0 == channel.write(buffer) ? BeatOutcome.Dropped.of(DropReason.QUEUE_FULL) : BeatOutcome.SENT;
        }
        catch (final PortUnreachableException e)
        {
            return BeatOutcome.Failed.of(Errno.ECONNREFUSED);
        }
        catch (final ClosedChannelException e)
        {
            channel = null; // closed under us: a new socket on the next beat
            return BeatOutcome.Failed.of(Errno.EBADF);
        }
        catch (final IOException e)
        {
            return failure(e);
        }
    }

    private static BeatOutcome failure(final IOException e)
    {
        final int errno = Errno.ofMessage(e.getMessage());
        if (Errno.EAGAIN == errno)
        {
            return BeatOutcome.Dropped.of(DropReason.QUEUE_FULL);
        }
        if (Errno.ENOBUFS == errno)
        {
            return BeatOutcome.Dropped.of(DropReason.NO_BUFFER_SPACE);
        }
        return 0 != errno ? BeatOutcome.Failed.of(errno) : new BeatOutcome.Failed(0, e.toString());
    }

    /** The local port this socket sends from (tests). */
    int localPort() throws IOException
    {
        return ((InetSocketAddress)channel.getLocalAddress()).getPort();
    }

    @Override
    public void close()
    {
        closed = true;
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // nothing was buffered: a datagram socket has nothing to flush
            }
        }
    }

    @Override
    public String toString()
    {
        return "udp " + observer.getAddress().getHostAddress() + ":" + observer.getPort();
    }
}
