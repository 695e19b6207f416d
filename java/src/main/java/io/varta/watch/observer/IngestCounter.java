package io.varta.watch.observer;

/**
 * Every outcome a received datagram can have, plus loop-level counts. Each datagram read from a socket
 * ends in exactly one of the outcome counters ({@link #isDatagramOutcome()}), so their sum equals
 * {@link #DATAGRAMS}: nothing received is lost silently.
 */
public enum IngestCounter
{
    /** Datagrams read from the socket (one ring record each, I/O error records excluded). */
    DATAGRAMS(false),
    /** Valid frames from a verified sender, handed on (to the tracker). */
    BEATS(true),
    DECODE_BAD_MAGIC(true),
    DECODE_BAD_VERSION(true),
    DECODE_BAD_CRC(true),
    DECODE_BAD_STATUS(true),
    DECODE_STALL_ON_WIRE(true),
    DECODE_BAD_PID(true),
    DECODE_BAD_TIMESTAMP(true),
    DECODE_BAD_NONCE(true),
    /** Length other than 32 bytes ({@code varta_truncated_datagrams_total}). */
    WRONG_LENGTH(true),
    /** No SCM_CREDENTIALS attached. */
    NO_CREDENTIALS(true),
    /** Sender uid differs from the observer's uid. */
    UID_MISMATCH(true),
    /** Control data truncated (MSG_CTRUNC). */
    CONTROL_TRUNCATED(true),
    /** Frame pid differs from the kernel-verified sender pid ({@code varta_frame_auth_failures_total}). */
    AUTH_FAILURES(true),
    /** recvmmsg failures (not datagrams). */
    IO_ERRORS(false),
    /** Ring records drained by the observer thread. */
    RECORDS_DRAINED(false),
    /** Observer loop iterations that drained at least one record. */
    BATCHES(false);

    private final boolean datagramOutcome;

    IngestCounter(final boolean datagramOutcome)
    {
        this.datagramOutcome = datagramOutcome;
    }

    /** @return true if this counter is one of the mutually exclusive outcomes of a received datagram */
    public boolean isDatagramOutcome()
    {
        return datagramOutcome;
    }

    /**
     * @param decodeErrorCode 1..8 ({@link io.varta.watch.vlp.DecodeError#code()})
     * @return the counter of that decode error
     */
    public static IngestCounter ofDecodeError(final int decodeErrorCode)
    {
        return values()[DECODE_BAD_MAGIC.ordinal() + decodeErrorCode - 1];
    }
}
