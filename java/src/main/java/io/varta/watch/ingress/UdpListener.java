package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.RingDescriptor;

import java.net.InetSocketAddress;

/**
 * The plaintext UDP listener (the reference's {@code unsafe-plaintext-udp} listener): exactly 32-byte VLP frames,
 * no authentication and no pid binding. Its records carry origin {@code NETWORK_UNVERIFIED}, or
 * {@code OPERATOR_ATTESTED_TRANSPORT} when the operator accepted this transport for recovery
 * ({@code --plaintext-udp-i-accept-recovery-on-unauthenticated-transport}); the observer drops frames claiming a
 * pid above {@code pid_max} and never lets such a beat replace a pid tracked from a stronger origin. The native
 * classifier is {@code ingress_udp.c}; datagrams of another length are counted as wrong-length.
 *
 * <pre>{@code
 * try (UdpListener udp = UdpListener.bind(new InetSocketAddress("0.0.0.0", 9001), false)) {
 *     // hand it to Receiver.start(List.of(uds, udp), ring)
 * }
 * }</pre>
 *
 * <p>Immutable after {@link #bind}; any thread may call any method; {@link #close()} is idempotent.
 */
public final class UdpListener implements Listener
{
    /** Default {@code --udp-bind-addr} of the plaintext listener: every interface, as the reference binds it. */
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

    private final UdpSocket socket;
    private final int origin;

    private UdpListener(final UdpSocket socket, final int origin)
    {
        this.socket = socket;
        this.origin = origin;
    }

    /**
     * Binds the plaintext listener. Any thread.
     *
     * @param address where to listen (port 0 = ephemeral; {@link #boundAddress()} tells which)
     * @param acceptedForRecovery the operator's accept flag: stamps the beats {@code OPERATOR_ATTESTED_TRANSPORT}
     * @return the bound listener
     * @throws NativeIoException {@code cannot bind UDP listener at IP:PORT: <strerror>}
     */
    public static UdpListener bind(final InetSocketAddress address, final boolean acceptedForRecovery)
        throws NativeIoException
    {
        return new UdpListener(UdpSocket.bind(address, "UDP listener"), acceptedForRecovery
            ? RingDescriptor.ORIGIN_OPERATOR_ATTESTED_TRANSPORT : RingDescriptor.ORIGIN_NETWORK_UNVERIFIED);
    }

    /** @return the bound address with the real port; any thread */
    public InetSocketAddress boundAddress()
    {
        return socket.boundAddress();
    }

    @Override
    public int fd()
    {
        return socket.fd();
    }

    /** @return {@code RingDescriptor.TRANSPORT_UDP}; any thread */
    @Override
    public int transport()
    {
        return RingDescriptor.TRANSPORT_UDP;
    }

    /** @return {@code ORIGIN_NETWORK_UNVERIFIED}, or {@code ORIGIN_OPERATOR_ATTESTED_TRANSPORT} with the accept flag */
    @Override
    public int origin()
    {
        return origin;
    }

    /** @return {@code udp IP:PORT}; any thread */
    @Override
    public String description()
    {
        return "udp " + IpPort.format(socket.boundAddress());
    }

    /** Closes the socket. Idempotent; any thread, after the receiver reading it stopped. */
    @Override
    public void close()
    {
        socket.close();
    }
}
