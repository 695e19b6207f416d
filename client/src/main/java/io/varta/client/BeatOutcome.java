package io.varta.client;

/**
 * What became of one beat: {@link Sent}, {@link Dropped} (the kernel could not take it without waiting) or
 * {@link Failed} (with the errno). {@link VartaClient#beat} returns one and never throws, whether or not an observer
 * is listening.
 *
 * <pre>{@code
 * BeatOutcome outcome = client.beat(Status.OK, 0);
 * if (outcome instanceof BeatOutcome.Failed failed && failed.errno() == Errno.ENOENT) {
 *     // no observer socket at the path (yet): the next beat connects again
 * }
 * }</pre>
 *
 * <p>Outcomes are immutable and shared: the client hands out the same instance for the same outcome, so a beat
 * allocates nothing whatever becomes of it (a failure with an errno {@link Errno} does not name allocates once).
 */
public sealed interface BeatOutcome permits BeatOutcome.Sent, BeatOutcome.Dropped, BeatOutcome.Failed
{
    /** The kernel took the datagram. */
    BeatOutcome SENT = new Sent();

    /** @return true for {@link Sent} */
    default boolean isSent()
    {
        return this instanceof Sent;
    }

    /** @return true for {@link Dropped} */
    default boolean isDropped()
    {
        return this instanceof Dropped;
    }

    /** @return true for {@link Failed} */
    default boolean isFailed()
    {
        return this instanceof Failed;
    }

    /** The datagram left this process: the kernel took it (over UDP that says nothing about an observer). */
    record Sent() implements BeatOutcome
    {
        @Override
        public String toString()
        {
            return "sent";
        }
    }

    /**
     * Not sent, because the send would have had to wait ({@link DropReason}). Nothing to do: the next beat tries again.
     *
     * @param reason why
     */
    record Dropped(DropReason reason) implements BeatOutcome
    {
        private static final Dropped[] BY_REASON = new Dropped[DropReason.values().length];

        static
        {
            for (final DropReason reason : DropReason.values())
            {
                BY_REASON[reason.ordinal()] = new Dropped(reason);
            }
        }

        /** @return the shared instance for {@code reason} */
        static Dropped of(final DropReason reason)
        {
            return BY_REASON[reason.ordinal()];
        }

        @Override
        public String toString()
        {
            return "dropped: " + reason + " (" + Errno.name(reason.errno()) + ")";
        }
    }

    /**
     * Not sent: the send or the connect failed with {@code errno} ({@link Errno}). Over UDS, {@link Errno#ENOENT} (no
     * socket at the path) and {@link Errno#ECONNREFUSED} (a socket file no observer reads) mean the observer is not
     * there; the client connects again on every later beat until it is. 0 when the JDK reported a failure without a
     * known errno ({@link #detail()} then says what it said).
     *
     * @param errno the errno, or 0
     * @param detail {@code NAME (text)}, or the JDK's text
     */
    record Failed(int errno, String detail) implements BeatOutcome
    {
        private static final Failed[] BY_ERRNO = new Failed[Errno.MAX + 1];
        /** What a closed client answers. */
        static final Failed CLOSED = new Failed(Errno.EBADF, "EBADF (the client is closed)");

        static
        {
            for (int i = 1; i <= Errno.MAX; i++)
            {
                if (Errno.known(i))
                {
                    BY_ERRNO[i] = new Failed(i, Errno.name(i) + " (" + Errno.message(i) + ")");
                }
            }
        }

        /** @return the shared instance for {@code errno} (a new one for an errno the table does not name) */
        static Failed of(final int errno)
        {
            if (errno > 0 && errno <= Errno.MAX && null != BY_ERRNO[errno])
            {
                return BY_ERRNO[errno];
            }
            return new Failed(errno, Errno.name(errno) + " (" + Errno.message(errno) + ")");
        }

        /** @return the errno's name, e.g. {@code ECONNREFUSED} */
        public String errnoName()
        {
            return Errno.name(errno);
        }

        @Override
        public String toString()
        {
            return "failed: " + detail;
        }
    }
}
