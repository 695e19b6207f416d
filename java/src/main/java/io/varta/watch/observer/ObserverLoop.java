package io.varta.watch.observer;

import io.varta.watch.export.MismatchReason;
import io.varta.watch.nativeio.Receiver;
import io.varta.watch.nativeio.RecordHandler;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingDescriptor;
import io.varta.watch.nativeio.RingRecord;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The observer thread's loop: drain the ring in batches, turn each record into exactly one outcome,
 * hand events to the sink, and sleep when there is nothing to do.
 *
 * <p>Threading: {@link #run()} is the body of the observer thread, the only thread that touches this
 * object's state; {@link #requestStop()} may be called from any thread.
 */
final class ObserverLoop implements Runnable, RecordHandler
{
    /** Records handed over per drain call: bounds the time between stall checks under load. */
    static final int BATCH_LIMIT = 1024;
    /** Longest sleep with nothing armed: bounds how late a stop request is noticed if a wake is missed. */
    private static final long MAX_IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Ring ring;
    private final Receiver receiver;
    private final ObserverEvents events;
    private final IngestCounters counters;
    private final LongSupplier clock;
    private final long observerUid;

    private volatile boolean stopRequested;
    private long batchNowNanos;
    private long batchFirstRecvNanos;
    private long batchLastRecvNanos;

    ObserverLoop(final Ring ring, final Receiver receiver, final ObserverEvents events,
        final IngestCounters counters, final LongSupplier clock, final long observerUid)
    {
        this.ring = ring;
        this.receiver = receiver;
        this.events = events;
        this.counters = counters;
        this.clock = clock;
        this.observerUid = observerUid;
    }

    /**
     * Any thread: asks the loop to finish its current batch and return. Call after the receiver was
     * closed: {@link Receiver#awaitRecords} then returns at once, so the loop sees the request promptly
     * and its final drain accounts for every record the receiver published.
     */
    void requestStop()
    {
        stopRequested = true;
    }

    @Override
    public void run()
    {
        while (!stopRequested)
        {
            if (0 == drainOnce())
            {
                receiver.awaitRecords(MAX_IDLE_SLEEP_NANOS);
            }
        }
        drainOnce(); // what the receiver already published is accounted for before shutdown
        events.onShutdown(clock.getAsLong());
    }

    /** Observer thread: drains one batch; returns the number of records handled. */
    int drainOnce()
    {
        batchNowNanos = clock.getAsLong();
        batchFirstRecvNanos = 0;
        final int drained = ring.drain(this, BATCH_LIMIT);
        if (drained > 0)
        {
            counters.publishReceiveWindow(batchFirstRecvNanos, batchLastRecvNanos);
            counters.increment(IngestCounter.BATCHES);
            events.onBatchEnd(batchNowNanos);
        }
        return drained;
    }

    /** Observer thread, inside {@link Ring#drain}: one record, one outcome. */
    @Override
    public void onRecord(final RingRecord record)
    {
        counters.increment(IngestCounter.RECORDS_DRAINED);
        final int kind = record.kind();
        if (RingDescriptor.KIND_IO_ERROR == kind)
        {
            counters.increment(IngestCounter.IO_ERRORS);
            events.onIoError(batchNowNanos, "uds receive failed: errno " + record.detailA());
            return;
        }
        counters.increment(IngestCounter.DATAGRAMS);
        if (0 == batchFirstRecvNanos)
        {
            batchFirstRecvNanos = record.recvNanos();
        }
        batchLastRecvNanos = record.recvNanos();

        switch (kind)
        {
            case RingDescriptor.KIND_BEAT:
                onFrame(record);
                break;
            case RingDescriptor.KIND_DECODE_ERROR:
                counters.increment(IngestCounter.ofDecodeError(record.decodeErrorCode()));
                events.onDecodeError(batchNowNanos, record.decodeErrorCode(), record.detailA(), record.detailB());
                break;
            case RingDescriptor.KIND_WRONG_LENGTH:
                counters.increment(IngestCounter.WRONG_LENGTH);
                break;
            case RingDescriptor.KIND_NO_CREDENTIALS:
                counters.increment(IngestCounter.NO_CREDENTIALS);
                events.onIoError(batchNowNanos, "kernel did not attach peer credentials");
                break;
            case RingDescriptor.KIND_UID_MISMATCH:
                counters.increment(IngestCounter.UID_MISMATCH);
                events.onIoError(batchNowNanos, "peer credential UID mismatch: kernel reports uid "
                    + record.peerUid() + ", expected uid " + observerUid);
                break;
            case RingDescriptor.KIND_CTRUNC:
                counters.increment(IngestCounter.CONTROL_TRUNCATED);
                events.onControlTruncated(batchNowNanos, "control message truncated (MSG_CTRUNC)");
                break;
            default:
                throw new IllegalStateException("unknown ring record kind " + kind);
        }
    }

    private void onFrame(final RingRecord record)
    {
        final long pid = record.framePid();
        if (pid != Integer.toUnsignedLong(record.peerPid()))
        {
            counters.increment(IngestCounter.AUTH_FAILURES);
            events.onMismatch(batchNowNanos, pid, MismatchReason.AUTH_FAILURE);
            return;
        }
        counters.increment(IngestCounter.BEATS);
        events.onBeat(batchNowNanos, pid, record.nonce(), record.status(), record.payload());
    }
}
