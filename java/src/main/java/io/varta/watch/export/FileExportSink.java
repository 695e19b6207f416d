package io.varta.watch.export;

import io.varta.watch.event.MismatchReason;
import io.varta.watch.event.Stall;

import io.varta.watch.event.ObserverEvents;
import io.varta.vlp.DecodeError;

/**
 * Writes every observer event to the TSV export file ({@link FileExporter}).
 *
 * <p>Threading: called on the observer thread only (see {@link ObserverEvents}).
 */
public final class FileExportSink implements ObserverEvents
{
    private final FileExporter exporter;

    /** @param exporter the open export file, owned by the caller (closed after the observer stopped) */
    public FileExportSink(final FileExporter exporter)
    {
        this.exporter = exporter;
    }

    @Override
    public void onBeat(final long nowNanos, final long pid, final long nonce, final int status, final long payload)
    {
        exporter.beat(nowNanos, pid, nonce, status, payload);
    }

    @Override
    public void onStall(final Stall stall)
    {
        exporter.stall(stall.stallNanos(), stall.pid(), stall.lastNonce());
    }

    @Override
    public void onDecodeError(final long nowNanos, final int errorCode, final int detailA, final int detailB)
    {
        final DecodeError error = DecodeError.ofCode(errorCode);
        if (DecodeError.BAD_CRC == error)
        {
            exporter.decode(nowNanos, String.format("BadCrc { expected: 0x%08x, actual: 0x%08x }", detailA, detailB));
        }
        else
        {
            exporter.decode(nowNanos, error);
        }
    }

    @Override
    public void onIoError(final long nowNanos, final String text)
    {
        exporter.io(nowNanos, text);
    }

    @Override
    public void onControlTruncated(final long nowNanos, final String text)
    {
        exporter.ctrunc(nowNanos, text);
    }

    @Override
    public void onMismatch(final long nowNanos, final long claimedPid, final MismatchReason reason)
    {
        exporter.mismatch(nowNanos, claimedPid, reason);
    }

    @Override
    public void onEviction(final long nowNanos, final long pid)
    {
        exporter.eviction(nowNanos, pid);
    }

    @Override
    public void onStopping(final long nowNanos)
    {
        exporter.deferPeriodicSync();
    }

    @Override
    public void onShutdown(final long nowNanos)
    {
        exporter.flushAndSync();
    }
}
