package io.varta.watch.ingress;

/**
 * A bound datagram socket the native {@link Receiver} reads beats from: {@link UdsListener},
 * {@link UdpListener} (plaintext) or {@link SecureUdpListener}. The listener owns the descriptor; the receiver only reads it, with the classifier of
 * {@link #transport()} (native {@code ingress.h}), and stamps every record with the listener's index in the
 * list it was started with.
 *
 * <p>Threading: implementations are immutable after binding; any thread may call any method. Close a
 * listener only after the receiver reading it has stopped.
 */
public interface Listener extends AutoCloseable
{
    /**
     * Any thread.
     *
     * @return the socket's file descriptor (owned by this listener; non-blocking, {@code SO_TIMESTAMPNS} on
     *     since before it was bound)
     */
    int fd();

    /**
     * Any thread.
     *
     * @return how its datagrams are read: a {@code RingDescriptor.TRANSPORT_*} value
     */
    int transport();

    /**
     * Any thread.
     *
     * @return the best trust this listener can vouch for, a {@code RingDescriptor.ORIGIN_*} rank (the records'
     *     origin; the native classifier may lower it per datagram, e.g. UDS without a kernel pid)
     */
    int origin();

    /**
     * Any thread.
     *
     * @return a short text naming the transport and address for messages, e.g. {@code uds /run/varta.sock}
     */
    String description();

    /**
     * The native state the transport's classifier reads (secure UDP: the listener's key set), handed to the
     * receiver with the descriptor; it lives as long as the listener. Any thread.
     *
     * @return the handle, 0 for none (the default)
     */
    default long nativeContext()
    {
        return 0;
    }

    /**
     * Any thread; cheap (no allocation), so the observer thread may read it every iteration.
     *
     * @return AEAD trials this listener's classifier made so far ({@code varta_secure_aead_attempts_total}); 0 for
     *     a transport without authentication (the default)
     */
    default long aeadAttempts()
    {
        return 0;
    }

    /** Releases the socket (and removes what bind created, where that is safe). Idempotent; any thread. */
    @Override
    void close();
}
