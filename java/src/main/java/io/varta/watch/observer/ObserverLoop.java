package io.varta.watch.observer;

import io.varta.watch.event.ObserverEvents;

import io.varta.watch.event.MismatchReason;
import io.varta.watch.ingress.Receiver;
import io.varta.watch.nativeio.RecordHandler;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingDescriptor;
import io.varta.watch.nativeio.RingRecord;
import io.varta.watch.nativeio.ThreadScheduling;
import io.varta.watch.tracker.BeatOrigin;
import io.varta.watch.tracker.BeatOutcome;
import io.varta.watch.tracker.ObserverClock;
import io.varta.watch.tracker.PidIndex;
import io.varta.watch.tracker.ProcessIdentity;
import io.varta.watch.tracker.RateLimiter;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerCounter;
import io.varta.watch.tracker.TrackerListener;

import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * The observer thread's loop: drain the ring in batches, turn each record into exactly one outcome
 * (decode error, credential refusal, pid mismatch, rate limit, namespace conflict, or a tracker
 * decision), raise due stalls, and sleep until the next stall deadline or the next record.
 *
 * <p>Per valid frame, in order: kernel pid check (frame pid must equal the sender's pid), per-pid and
 * global rate limits, identity of a pid seen for the first time (its {@code /proc} start time and pid
 * namespace; cross-namespace senders are refused unless allowed), then the tracker's nonce rules.
 * {@code /proc} is read when a pid is first seen and again only when a known pid's frame is out of
 * order (a restarted process reusing the pid starts again at nonce 1), never per frame.
 *
 * <p>Threading: {@link #run()} is the body of the observer thread, the only thread that touches this
 * object's state; {@link #requestStop()} may be called from any thread.
 */
public final class ObserverLoop implements Runnable, RecordHandler, TrackerListener
{
    /** Records handed over per drain call: bounds the time between stall checks under load. */
    static final int BATCH_LIMIT = 1024;
    /** Longest sleep with nothing armed: bounds how late a missed wake-up could be noticed. */
    private static final long MAX_IDLE_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Ring ring;
    private final LongPredicate awaitRecords;
    private final ObserverEvents events;
    private final IngestCounters counters;
    private final ObserverClock clock;
    private final Tracker tracker;
    private final RateLimiter rateLimiter;
    private final ProcessIdentity identity;
    private final long ownNsInode;
    private final boolean allowCrossNamespace;
    private final boolean strictNamespaceCheck;
    private final long observerUid;
    private final long[] trackerCounters = new long[TrackerCounter.COUNT];
    private final DurationHistogram iterationHistogram = new DurationHistogram();
    private final PidSnapshotPublisher pidSnapshots = new PidSnapshotPublisher();
    private final long iterationBudgetNanos;
    private long ringHighWater;

    private volatile boolean stopRequested;
    private volatile String fatalError;
    private long nowNanos;
    private long batchFirstRecvNanos;
    private long batchLastRecvNanos;

    /**
     * Any thread may construct; {@link #run()} then belongs to one observer thread.
     *
     * @param config tracker, rate-limit, threshold and namespace settings
     * @param ring the ring to drain (filled by a native {@link Receiver} or, in benchmarks, a
     *     {@link io.varta.watch.nativeio.RingWriter})
     * @param awaitRecords sleeps up to the given nanoseconds or until records arrive (normally
     *     {@link Receiver#awaitRecords}); must return at once after the producer stopped
     * @param events where outcomes go
     * @param counters published counters
     * @param clock observer time
     * @param observerUid this process's uid (for messages)
     */
    public ObserverLoop(final TrackingConfig config, final Ring ring, final LongPredicate awaitRecords,
        final ObserverEvents events, final IngestCounters counters, final ObserverClock clock,
        final long observerUid)
    {
        this.ring = ring;
        this.awaitRecords = awaitRecords;
        this.events = events;
        this.counters = counters;
        this.clock = clock;
        this.observerUid = observerUid;
        this.tracker = new Tracker(config.trackerCapacity(), TimeUnit.MILLISECONDS.toNanos(config.thresholdMillis()),
            config.evictionPolicy(), config.evictionScanWindow(), this);
        this.rateLimiter = new RateLimiter(tracker, config.maxBeatRate(), config.globalBeatRate(),
            config.globalBeatBurst());
        this.identity = new ProcessIdentity();
        this.tracker.setStartTimeProbe(identity.startTimeProbe());
        this.ownNsInode = identity.ownNsInode();
        this.allowCrossNamespace = config.allowCrossNamespaceAgents();
        this.strictNamespaceCheck = config.strictNamespaceCheck();
        this.iterationBudgetNanos = TimeUnit.MILLISECONDS.toNanos(config.iterationBudgetMillis());
    }

    /** Any thread: work time per loop iteration ({@code varta_observer_iteration_seconds}). */
    public DurationHistogram iterationHistogram()
    {
        return iterationHistogram;
    }

    /** Any thread: where scrapes get the per-pid rows from. */
    public PidSnapshotPublisher pidSnapshots()
    {
        return pidSnapshots;
    }

    /**
     * Any thread: asks the loop to finish its current batch and return. Call after the receiver was
     * closed: {@link Receiver#awaitRecords} then returns at once, so the loop sees the request promptly
     * and its final drain accounts for every record the receiver published.
     */
    public void requestStop()
    {
        stopRequested = true;
    }

    /** Any thread: the reason the loop ended by itself ({@code --strict-namespace-check}), else null. */
    public String fatalError()
    {
        return fatalError;
    }

    /** Timer slack of the observer thread: its sleeps end within this of the next stall deadline. */
    private static final long OBSERVER_TIMER_SLACK_NANOS = 1_000;

    @Override
    public void run()
    {
        ThreadScheduling.setTimerSlack(OBSERVER_TIMER_SLACK_NANOS);
        while (!stopRequested)
        {
            final long started = System.nanoTime();
            final int drained = drainOnce();
            tracker.pollStalls(nowNanos);
            publishTrackerState();
            pidSnapshots.publishIfRequested(tracker);
            endIteration(started);
            if (0 == drained)
            {
                sleepUntilNextDeadline();
            }
        }
        drainOnce(); // what the receiver already published is accounted for before shutdown
        tracker.pollStalls(nowNanos);
        publishTrackerState();
        events.onShutdown(clock.nowNanos());
    }

    /** Observer thread: one histogram observation and the budget check per iteration; allocates nothing. */
    private void endIteration(final long startedNanos)
    {
        final long ended = System.nanoTime();
        final long work = ended - startedNanos;
        iterationHistogram.observe(work);
        if (work > iterationBudgetNanos)
        {
            counters.increment(IngestCounter.ITERATION_BUDGET_EXCEEDED);
        }
        counters.set(IngestCounter.LAST_ITERATION_NANOS, ended);
    }

    private void sleepUntilNextDeadline()
    {
        final long deadline = tracker.nextDeadlineNanos();
        final long timeout = Long.MAX_VALUE == deadline ? MAX_IDLE_SLEEP_NANOS
            : Math.min(MAX_IDLE_SLEEP_NANOS, deadline - clock.nowNanos());
        if (timeout > 0)
        {
            awaitRecords.test(timeout);
        }
    }

    /**
     * Drains one batch (at most {@value #BATCH_LIMIT} records) into the tracker and the sinks, without
     * checking stalls. Observer thread only; {@link #run()} calls it, benchmarks may call it directly
     * instead of running the loop.
     *
     * @return the number of records handled
     */
    public int drainOnce()
    {
        nowNanos = clock.nowNanos();
        batchFirstRecvNanos = 0;
        final long waiting = ring.available();
        if (waiting > ringHighWater)
        {
            ringHighWater = waiting;
            counters.set(IngestCounter.RING_OCCUPANCY_HIGH_WATER, waiting);
        }
        final int drained = ring.drain(this, BATCH_LIMIT);
        if (drained > 0)
        {
            counters.publishReceiveWindow(batchFirstRecvNanos, batchLastRecvNanos);
            counters.increment(IngestCounter.BATCHES);
            events.onBatchEnd(nowNanos);
        }
        return drained;
    }

    /** Observer thread, inside {@link Ring#drain}: one record, one outcome. */
    @Override
    public void onRecord(final RingRecord record)
    {
        final int kind = record.kind();
        if (RingDescriptor.KIND_IO_ERROR == kind)
        {
            counters.increment(IngestCounter.IO_ERRORS);
            events.onIoError(nowNanos, "uds receive failed: errno " + record.detailA());
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
                if (countRejected(IngestCounter.ofDecodeError(record.decodeErrorCode())))
                {
                    events.onDecodeError(nowNanos, record.decodeErrorCode(), record.detailA(), record.detailB());
                }
                break;
            case RingDescriptor.KIND_WRONG_LENGTH:
                counters.increment(IngestCounter.WRONG_LENGTH);
                break;
            case RingDescriptor.KIND_NO_CREDENTIALS:
                if (countRejected(IngestCounter.NO_CREDENTIALS))
                {
                    events.onIoError(nowNanos, "kernel did not attach peer credentials");
                }
                break;
            case RingDescriptor.KIND_UID_MISMATCH:
                if (countRejected(IngestCounter.UID_MISMATCH))
                {
                    events.onIoError(nowNanos, "peer credential UID mismatch: kernel reports uid "
                        + record.peerUid() + ", expected uid " + observerUid);
                }
                break;
            case RingDescriptor.KIND_CTRUNC:
                if (countRejected(IngestCounter.CONTROL_TRUNCATED))
                {
                    events.onControlTruncated(nowNanos, "control message truncated (MSG_CTRUNC)");
                }
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
            if (countRejected(IngestCounter.AUTH_FAILURES))
            {
                events.onMismatch(nowNanos, pid, MismatchReason.AUTH_FAILURE);
            }
            return;
        }
        final long nonce = record.nonce();
        final int admission = rateLimiter.admit(pid, Tracker.NONCE_TERMINAL == nonce, BeatOrigin.KERNEL_ATTESTED,
            nowNanos);
        if (RateLimiter.ADMITTED != admission)
        {
            counters.increment(RateLimiter.PER_PID == admission
                ? IngestCounter.RATE_LIMITED_PER_PID : IngestCounter.RATE_LIMITED_GLOBAL);
            return;
        }

        final int slot = tracker.slotOf(pid);
        final boolean firstSeen = PidIndex.MISSING == slot;
        long startTime = ProcessIdentity.NOT_READ; // a known pid keeps its pinned identity: no /proc read
        long nsInode = ProcessIdentity.NOT_READ;
        if (firstSeen)
        {
            identity.read(pid);
            startTime = identity.startTime();
            nsInode = identity.nsInode();
            if (crossesNamespace(nsInode) && !allowCrossNamespace)
            {
                reportNamespaceConflict(pid);
                return;
            }
        }
        int outcome = tracker.beat(pid, record.status(), record.timestamp(), nonce, nowNanos,
            BeatOrigin.KERNEL_ATTESTED, startTime, nsInode);
        if (!firstSeen && isOutOfOrder(outcome))
        {
            // A restarted process that reuses the pid begins again at nonce 1: check its start time.
            identity.read(pid);
            if (ProcessIdentity.UNKNOWN != identity.startTime() && identity.startTime() != tracker.startTime(slot))
            {
                outcome = tracker.beat(pid, record.status(), record.timestamp(), nonce, nowNanos,
                    BeatOrigin.KERNEL_ATTESTED, identity.startTime(), identity.nsInode());
            }
        }
        countAndReport(outcome, pid, record);
    }

    private static boolean isOutOfOrder(final int outcome)
    {
        final int code = BeatOutcome.code(outcome);
        return BeatOutcome.OUT_OF_ORDER == code || BeatOutcome.TERMINAL_OUT_OF_ORDER == code;
    }

    private void countAndReport(final int outcome, final long pid, final RingRecord record)
    {
        if (BeatOutcome.isAccepted(outcome))
        {
            counters.increment(IngestCounter.BEATS);
            events.onBeat(nowNanos, pid, record.nonce(), record.status(), record.payload());
            return;
        }
        switch (BeatOutcome.code(outcome))
        {
            case BeatOutcome.CAPACITY_REFUSED:
                counters.increment(IngestCounter.CAPACITY_REFUSED);
                break;
            case BeatOutcome.NAMESPACE_CONFLICT:
                reportNamespaceConflict(pid);
                break;
            case BeatOutcome.ORIGIN_CONFLICT:
                // Only UDS beats exist today, all kernel-attested: an origin conflict cannot happen yet.
                throw new IllegalStateException("origin conflict on a kernel-attested beat for pid " + pid);
            default:
                counters.increment(IngestCounter.OUT_OF_ORDER);
                break;
        }
    }

    private boolean crossesNamespace(final long peerNsInode)
    {
        if (ProcessIdentity.UNKNOWN == peerNsInode)
        {
            return false;
        }
        return ProcessIdentity.UNKNOWN == ownNsInode || peerNsInode != ownNsInode;
    }

    /** A frame from another pid namespace, or a pinned pid whose namespace changed: dropped and reported. */
    private void reportNamespaceConflict(final long pid)
    {
        if (countRejected(IngestCounter.NAMESPACE_MISMATCH))
        {
            events.onMismatch(nowNanos, pid, MismatchReason.NAMESPACE_CONFLICT);
        }
        if (strictNamespaceCheck)
        {
            fatalError = "--strict-namespace-check: agent pid " + pid + " is in another pid namespace";
            stopRequested = true;
        }
    }

    /**
     * A refused frame spends a global token like an admitted one. With a token it is counted under its own
     * outcome and reported (export line, log); with the bucket empty it is counted as globally rate limited
     * and dropped without an event, as the reference does, so a flood of bad frames cannot flood the
     * export file either.
     *
     * @return true if the caller should report the event
     */
    private boolean countRejected(final IngestCounter outcome)
    {
        if (rateLimiter.chargeRejected(nowNanos))
        {
            counters.increment(outcome);
            return true;
        }
        counters.increment(IngestCounter.RATE_LIMITED_GLOBAL);
        return false;
    }

    // TrackerListener: called by the tracker on this thread during beat() and pollStalls().

    @Override
    public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
        final long stallNanos)
    {
        counters.increment(IngestCounter.STALLS);
        events.onStall(stallNanos, pid, lastNonce);
    }

    @Override
    public void onEviction(final long pid)
    {
        events.onEviction(nowNanos, pid);
    }

    @Override
    public void onPidRecycled(final long pid, final boolean retired)
    {
        // counted by the tracker (PID_RECYCLES); a retired slot simply disappears
    }

    private void publishTrackerState()
    {
        tracker.copyCounters(trackerCounters);
        counters.set(IngestCounter.EVICTIONS, trackerCounters[TrackerCounter.EVICTIONS]);
        counters.set(IngestCounter.PID_RECYCLES, trackerCounters[TrackerCounter.PID_RECYCLES]);
        counters.set(IngestCounter.NONCE_WRAPS, trackerCounters[TrackerCounter.NONCE_WRAPS]);
        counters.set(IngestCounter.EVICTION_SCAN_TRUNCATED, trackerCounters[TrackerCounter.EVICTION_SCAN_TRUNCATED]);
        counters.set(IngestCounter.CLOCK_REGRESSIONS, clock.regressions());
        counters.set(IngestCounter.CLOCK_FORWARD_JUMPS, clock.forwardJumps());
        counters.set(IngestCounter.PIDS_TRACKED, tracker.size());
    }
}
