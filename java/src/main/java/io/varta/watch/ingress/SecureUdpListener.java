package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.RingDescriptor;

import java.net.InetSocketAddress;

/**
 * The secure UDP listener: 60-byte shared-key and 64-byte master-key datagrams sealed with ChaCha20-Poly1305,
 * authenticated by the native receiver with OpenSSL's libcrypto (every loaded key tried on every datagram),
 * decoded, and checked against replay per sender pid (native {@code ingress_secure_udp.c}, {@code replay.h}).
 * Datagrams no key opens, replays and senders refused by a full replay table are counted and dropped without an
 * event; an authentic datagram that fails VLP decoding is a decode error like any other.
 *
 * <p>Its records carry origin {@code NETWORK_UNVERIFIED}, or {@code OPERATOR_ATTESTED_TRANSPORT} with
 * {@code --secure-udp-i-accept-recovery-on-unauthenticated-transport}. The listener owns its {@link SecureUdpKeys}
 * and frees (wipes) them on {@link #close()}.
 *
 * <pre>{@code
 * SecureUdpKeys keys = SecureUdpKeys.load(Optional.of(keyFile), Optional.empty(), Optional.empty(), gapNanos);
 * try (SecureUdpListener udp = SecureUdpListener.bind(new InetSocketAddress("127.0.0.1", 9001), keys, false)) {
 *     // hand it to Receiver.start(List.of(uds, udp), ring)
 * }
 * }</pre>
 *
 * <p>Immutable after {@link #bind}; any thread may call any method; {@link #close()} is idempotent and must come
 * after the receiver reading this listener stopped.
 */
public final class SecureUdpListener implements Listener
{
    /** Default {@code --udp-bind-addr} when a key is configured: loopback, as the reference binds it. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

    private final UdpSocket socket;
    private final SecureUdpKeys keys;
    private final int origin;

    private SecureUdpListener(final UdpSocket socket, final SecureUdpKeys keys, final int origin)
    {
        this.socket = socket;
        this.keys = keys;
        this.origin = origin;
    }

    /**
     * Binds the secure listener, which then owns {@code keys} (they are closed here if the bind fails). Any
     * thread.
     *
     * @param address where to listen (port 0 = ephemeral)
     * @param keys the loaded keys
     * @param acceptedForRecovery the operator's accept flag: stamps the beats {@code OPERATOR_ATTESTED_TRANSPORT}
     * @return the bound listener
     * @throws NativeIoException {@code cannot bind secure UDP listener at IP:PORT: <strerror>}
     */
    public static SecureUdpListener bind(final InetSocketAddress address, final SecureUdpKeys keys,
        final boolean acceptedForRecovery) throws NativeIoException
    {
        try
        {
            return new SecureUdpListener(UdpSocket.bind(address, "secure UDP listener"), keys, acceptedForRecovery
                ? RingDescriptor.ORIGIN_OPERATOR_ATTESTED_TRANSPORT : RingDescriptor.ORIGIN_NETWORK_UNVERIFIED);
        }
        catch (final NativeIoException | RuntimeException e)
        {
            keys.close();
            throw e;
        }
    }

    /** @return the bound address with the real port; any thread */
    public InetSocketAddress boundAddress()
    {
        return socket.boundAddress();
    }

    /** @return the keys this listener authenticates with (counts only; no key bytes); any thread */
    public SecureUdpKeys keys()
    {
        return keys;
    }

    @Override
    public int fd()
    {
        return socket.fd();
    }

    /** @return {@code RingDescriptor.TRANSPORT_SECURE_UDP}; any thread */
    @Override
    public int transport()
    {
        return RingDescriptor.TRANSPORT_SECURE_UDP;
    }

    /** @return {@code ORIGIN_NETWORK_UNVERIFIED}, or {@code ORIGIN_OPERATOR_ATTESTED_TRANSPORT} with the accept flag */
    @Override
    public int origin()
    {
        return origin;
    }

    /** @return {@code secure-udp IP:PORT}; any thread */
    @Override
    public String description()
    {
        return "secure-udp " + IpPort.format(socket.boundAddress());
    }

    /** @return the native key set the classifier reads; any thread while this listener is open */
    @Override
    public long nativeContext()
    {
        return keys.handle();
    }

    /** @return AEAD trials so far ({@link SecureUdpKeys#attempts()}); any thread, no allocation */
    @Override
    public long aeadAttempts()
    {
        return keys.attempts();
    }

    /** Closes the socket, then wipes and frees the keys. Idempotent; any thread, after the receiver stopped. */
    @Override
    public void close()
    {
        socket.close();
        keys.close();
    }
}
