package io.varta.watch.event;

import java.util.List;

/**
 * Hands every event to several sinks in order (export file, diagnostics, later recovery and the audit log).
 *
 * <p>Threading: observer thread only, like every {@link ObserverEvents}. Allocates nothing per event.
 */
public final class EventFanOut implements ObserverEvents
{
    private final ObserverEvents[] sinks;

    /** @param sinks the sinks, called in this order */
    public EventFanOut(final List<ObserverEvents> sinks)
    {
        this.sinks = sinks.toArray(new ObserverEvents[0]);
    }

    @Override
    public void onBeat(final long nowNanos, final long pid, final long nonce, final int status, final long payload)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onBeat(nowNanos, pid, nonce, status, payload);
        }
    }

    @Override
    public void onStall(final Stall stall)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onStall(stall);
        }
    }

    @Override
    public void onDecodeError(final long nowNanos, final int errorCode, final int detailA, final int detailB)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onDecodeError(nowNanos, errorCode, detailA, detailB);
        }
    }

    @Override
    public void onIoError(final long nowNanos, final String text)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onIoError(nowNanos, text);
        }
    }

    @Override
    public void onControlTruncated(final long nowNanos, final String text)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onControlTruncated(nowNanos, text);
        }
    }

    @Override
    public void onMismatch(final long nowNanos, final long claimedPid, final MismatchReason reason)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onMismatch(nowNanos, claimedPid, reason);
        }
    }

    @Override
    public void onEviction(final long nowNanos, final long pid)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onEviction(nowNanos, pid);
        }
    }

    /** @return the earliest time any sink asked for */
    @Override
    public long onTick(final long nowNanos, final StallFreshness freshness)
    {
        long wake = Long.MAX_VALUE;
        for (final ObserverEvents sink : sinks)
        {
            wake = Math.min(wake, sink.onTick(nowNanos, freshness));
        }
        return wake;
    }

    @Override
    public void onBatchEnd(final long nowNanos)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onBatchEnd(nowNanos);
        }
    }

    @Override
    public void onStopping(final long nowNanos)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onStopping(nowNanos);
        }
    }

    @Override
    public void onShutdown(final long nowNanos)
    {
        for (final ObserverEvents sink : sinks)
        {
            sink.onShutdown(nowNanos);
        }
    }
}
