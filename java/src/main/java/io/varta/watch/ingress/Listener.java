package io.varta.watch.ingress;

/**
 * A bound datagram socket the native {@link Receiver} reads beats from (UDS today; plaintext and secure UDP
 * next). The listener owns the descriptor; the receiver only reads it, with the classifier of
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

    /** Releases the socket (and removes what bind created, where that is safe). Idempotent; any thread. */
    @Override
    void close();
}
