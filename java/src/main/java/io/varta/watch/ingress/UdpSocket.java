package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.UdpNatives;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The UDP socket both UDP listeners read (native {@code udp.c}): IPv4 or IPv6 by the address, non-blocking,
 * {@code SO_TIMESTAMPNS} on since before the bind, {@link #RCVBUF_BYTES} requested, the bound port read back
 * (port 0 asks for an ephemeral one).
 *
 * <p>Immutable after {@link #bind}; any thread; {@link #close()} is idempotent.
 */
final class UdpSocket
{
    /**
     * {@code SO_RCVBUF} requested for a UDP listener (the kernel doubles and clamps it to {@code rmem_max}): a burst
     * of datagrams waits in the queue while the receiver is busy, instead of being dropped by the kernel.
     */
    static final int RCVBUF_BYTES = 1 << 20;

    private final int fd;
    private final InetSocketAddress bound;
    private final AtomicBoolean closed = new AtomicBoolean();

    private UdpSocket(final int fd, final InetSocketAddress bound)
    {
        this.fd = fd;
        this.bound = bound;
    }

    /**
     * Binds. Any thread.
     *
     * @param requested address and port (0 = ephemeral)
     * @param role what the socket is, for the message, e.g. {@code "secure UDP listener"}
     * @return the bound socket
     * @throws NativeIoException {@code cannot bind <role> at IP:PORT: <strerror>}
     */
    static UdpSocket bind(final InetSocketAddress requested, final String role) throws NativeIoException
    {
        final byte[] address = requested.getAddress().getAddress();
        final byte[] boundAddress = new byte[UdpNatives.ADDRESS_BYTES];
        final int[] out = new int[UdpNatives.OUT_INTS];
        final int fd = UdpNatives.udpBind(address, requested.getPort(), RCVBUF_BYTES, boundAddress, out);
        if (fd < 0)
        {
            throw new NativeIoException("cannot bind " + role + " at " + IpPort.format(requested) + ": "
                + Natives.strerror(-fd), -fd);
        }
        try
        {
            final InetAddress ip = InetAddress.getByAddress(Arrays.copyOf(boundAddress, address.length));
            return new UdpSocket(fd, new InetSocketAddress(ip, out[0]));
        }
        catch (final UnknownHostException e)
        {
            Natives.closeFd(fd);
            throw new IllegalStateException("bound address of length " + address.length, e);
        }
    }

    /** @return the descriptor (owned by this socket); any thread */
    int fd()
    {
        return fd;
    }

    /** @return the address and port the kernel bound (the ephemeral port filled in); any thread */
    InetSocketAddress boundAddress()
    {
        return bound;
    }

    /** Closes the descriptor once; any thread, after the receiver reading it stopped. */
    void close()
    {
        if (closed.compareAndSet(false, true))
        {
            Natives.closeFd(fd);
        }
    }
}
