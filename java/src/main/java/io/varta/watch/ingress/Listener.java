package io.varta.watch.ingress;

/**
 * A bound datagram socket the native {@link Receiver} reads beats from (the UDS socket today; UDP listeners
 * next). The listener owns the descriptor; the receiver only reads it.
 *
 * <p>Threading: implementations are immutable after binding; any thread may call any method. Close a
 * listener only after the receiver reading it has stopped.
 */
public interface Listener extends AutoCloseable
{
    /**
     * Any thread.
     *
     * @return the socket's file descriptor (owned by this listener; non-blocking)
     */
    int fd();

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
