package io.varta.watch.log;

import io.varta.watch.event.MismatchReason;
import io.varta.watch.event.ObserverEvents;
import io.varta.vlp.DecodeError;

/**
 * Logs refused frames on stderr, rate-limited per kind (one line per second per kind, then
 * {@code (suppressed N)}): decode errors, credential and receive errors, identity mismatches. Beats and
 * stalls are not logged (the reference logs no line for a stall either).
 *
 * <p>Threading: observer thread only. Decode-error lines are prebuilt, so a flood of corrupt frames
 * allocates nothing here; mismatch and I/O lines carry a pid or a text and are built per event.
 */
public final class DiagnosticsSink implements ObserverEvents
{
    private static final String[] DECODE_LINES = new String[DecodeError.values().length + 1];

    static
    {
        for (final DecodeError error : DecodeError.values())
        {
            DECODE_LINES[error.code()] = "dropped a frame that failed VLP decoding: " + error.wireName();
        }
    }

    private final Diagnostics log;

    /** @param log where lines go */
    public DiagnosticsSink(final Diagnostics log)
    {
        this.log = log;
    }

    @Override
    public void onDecodeError(final long nowNanos, final int errorCode, final int detailA, final int detailB)
    {
        log.rateLimited(LogKind.DECODE, LogLevel.WARN, DECODE_LINES[errorCode]);
    }

    @Override
    public void onIoError(final long nowNanos, final String text)
    {
        log.rateLimited(LogKind.IO, LogLevel.WARN, "uds receive: " + text);
    }

    @Override
    public void onControlTruncated(final long nowNanos, final String text)
    {
        log.rateLimited(LogKind.IO, LogLevel.WARN, "uds receive: " + text);
    }

    @Override
    public void onMismatch(final long nowNanos, final long claimedPid, final MismatchReason reason)
    {
        log.rateLimited(LogKind.AUTH, LogLevel.WARN, "dropped a frame claiming pid " + claimedPid + ": "
            + reason.label());
    }
}
