package io.varta.watch.observer;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.ingress.Receiver;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.ThreadScheduling;
import io.varta.watch.tracker.ObserverClock;
import io.varta.watch.tracker.ProcessIdentity;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerCounter;
import io.varta.watch.tracker.TrackerListener;

import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * The observer thread's loop: drain the ring in batches through {@link Admission} (which turns each record
 * into exactly one outcome), raise due stalls, give the sinks their tick ({@link ObserverEvents#onTick}, with a
 * {@link StallFreshness} view of the tracker), publish state for other threads, and sleep until the next stall
 * deadline, the next record, or the time a sink asked to be ticked again.
 *
 * <p>Threading: {@link #run()} is the body of the observer thread, the only thread that touches this
 * object's state; {@link #requestStop()} may be called from any thread.
 */
public final class ObserverLoop implements Runnable, TrackerListener
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
    private final Admission admission;
    private final StallFreshness stallFreshness;
    private final long[] trackerCounters = new long[TrackerCounter.COUNT];
    private final DurationHistogram iterationHistogram = new DurationHistogram();
    private final PidSnapshotPublisher pidSnapshots = new PidSnapshotPublisher();
    private final long iterationBudgetNanos;
    private long ringHighWater;
    /** Observer time by which a sink asked for the next iteration ({@link ObserverEvents#onTick}). */
    private long sinkWakeNanos = Long.MAX_VALUE;

    private volatile boolean stopRequested;
    private volatile String fatalError;
    private long nowNanos;

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
        this.tracker = new Tracker(config.trackerCapacity(), TimeUnit.MILLISECONDS.toNanos(config.thresholdMillis()),
            config.evictionPolicy(), config.evictionScanWindow(), this);
        final ProcessIdentity identity = new ProcessIdentity();
        this.tracker.setStartTimeProbe(identity.startTimeProbe());
        this.admission = new Admission(config, tracker, identity, events, counters, observerUid);
        this.stallFreshness = new TrackedStallFreshness(tracker, identity.startTimeProbe());
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
            sinkWakeNanos = events.onTick(nowNanos, stallFreshness);
            publishTrackerState();
            pidSnapshots.publishIfRequested(tracker);
            endIteration(started);
            if (0 == drained)
            {
                sleepUntilNextDeadline();
            }
        }
        while (drainOnce() > 0)
        {
            // every record the (stopped) receiver published is accounted for before shutdown
        }
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
        final long deadline = Math.min(tracker.nextDeadlineNanos(), sinkWakeNanos);
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
        admission.beginBatch(nowNanos);
        final long waiting = ring.available();
        if (waiting > ringHighWater)
        {
            ringHighWater = waiting;
            counters.set(IngestCounter.RING_OCCUPANCY_HIGH_WATER, waiting);
        }
        final int drained = ring.drain(admission, BATCH_LIMIT);
        if (null != admission.fatalError() && null == fatalError)
        {
            fatalError = admission.fatalError();
            stopRequested = true;
        }
        if (drained > 0)
        {
            counters.publishReceiveWindow(admission.batchFirstRecvNanos(), admission.batchLastRecvNanos());
            counters.increment(IngestCounter.BATCHES);
            events.onBatchEnd(nowNanos);
        }
        return drained;
    }

    // TrackerListener: called by the tracker on this thread during beat() and pollStalls().

    @Override
    public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
        final long stallNanos)
    {
        counters.increment(IngestCounter.STALLS);
        final long nsInode = tracker.nsInode(slot);
        events.onStall(new Stall(stallNanos, pid, lastNonce, lastBeatNanos, tracker.origin(slot),
            tracker.startTime(slot), nsInode, admission.crossesNamespace(nsInode)));
    }

    @Override
    public void onEviction(final long pid)
    {
        events.onEviction(admission.eventNanos(), pid);
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
