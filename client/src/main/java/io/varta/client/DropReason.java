package io.varta.client;

/**
 * Why a beat was {@link BeatOutcome.Dropped dropped}: the kernel could not take the datagram right now, and the client
 * did not wait. A dropped beat is not an error; the observer reports a stall only when beats stay away for longer than
 * its threshold.
 */
public enum DropReason
{
    /**
     * {@code EAGAIN}: the send would block. Over UDS the observer's receive queue is full (it is not reading fast
     * enough, or it is stopped) or this socket's send buffer is; over UDP the socket's send buffer is full.
     */
    QUEUE_FULL(Errno.EAGAIN),
    /** {@code ENOBUFS}: the kernel is short of buffer memory. */
    NO_BUFFER_SPACE(Errno.ENOBUFS);

    private final int errno;

    DropReason(final int errno)
    {
        this.errno = errno;
    }

    /** @return the errno the kernel said it with */
    public int errno()
    {
        return errno;
    }
}
