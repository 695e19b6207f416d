package io.varta.watch.observer;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.ingress.Receiver;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.ThreadScheduling;
import io.varta.watch.tracker.ObserverClock;
import io.varta.watch.tracker.PidMax;
import io.varta.watch.tracker.ProcessIdentity;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerCounter;
import io.varta.watch.tracker.TrackerListener;

import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * The observer thread's loop: drain the ring in batches through {@link Admission} (which turns each record
 * into exactly one outcome), raise due stalls, give the sinks their tick ({@link ObserverEvents#onTick}, with a
 * {@link StallFreshness} view of the tracker), publish state for other threads, and sleep until the next stall
 * deadline, the next record, or the time a sink asked to be ticked again. Each stage change is published in
 * {@link LoopProgress} (stage, entry time, announced wake-up) for the self-watchdog.
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
    /**
     * How soon the loop asks again whether the receiver has read everything queued before a due deadline, when
     * it had not (a starved receiver): a held verdict is re-examined at least this often.
     */
    static final long HELD_VERDICT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** No listener authenticates datagrams. */
    private static final LongSupplier NO_AEAD_ATTEMPTS = () -> 0;
    /**
     * The earliest re-examination of a held verdict. A receiver that keeps up is only behind by its queue's latency
     * plus the watermark's 50 µs clock tolerance (a flood keeps every socket busy, so the watermark comes from the
     * kernel stamps it has read): the verdict is held until the receiver has read what arrived up to the deadline,
     * which it does after about (deadline − watermark) more. The loop asks again then, between this and
     * {@link #HELD_VERDICT_RETRY_NANOS}, instead of waiting for the next batch of records (at most one wake-up per
     * millisecond while they flow, {@link Receiver#awaitRecords}).
     */
    static final long HELD_VERDICT_MIN_RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Ring ring;
    private final LongPredicate awaitRecords;
    private final LongSupplier drainedThrough;
    private final LongSupplier monotonic;
    /** Set before {@link #run()} (the thread start publishes it); observer thread afterwards. */
    private LongSupplier aeadAttempts = NO_AEAD_ATTEMPTS;
    private final ObserverEvents events;
    private final IngestCounters counters;
    private final ObserverClock clock;
    private final Tracker tracker;
    private final Admission admission;
    private final StallFreshness stallFreshness;
    private final long[] trackerCounters = new long[TrackerCounter.COUNT];
    private final DurationHistogram iterationHistogram = new DurationHistogram();
    private final PidSnapshotPublisher pidSnapshots = new PidSnapshotPublisher();
    private final LoopProgress progress = new LoopProgress();
    private final long iterationBudgetNanos;
    private long ringHighWater;
    /** Observer time by which a sink asked for the next iteration ({@link ObserverEvents#onTick}). */
    private long sinkWakeNanos = Long.MAX_VALUE;

    private volatile boolean stopRequested;
    private volatile String fatalError;
    private long nowNanos;
    /** Observer time minus CLOCK_MONOTONIC, sampled at the start of the latest batch. */
    private long monotonicToObserver;
    /**
     * A stall deadline is due but the receiver has not yet read everything queued before it: how far its watermark
     * was short of that deadline, observer ns; 0 when no verdict is held.
     */
    private long heldShortfallNanos;

    /**
     * Any thread may construct; {@link #run()} then belongs to one observer thread.
     *
     * @param config tracker, rate-limit, threshold and namespace settings
     * @param ring the ring to drain (filled by a native {@link Receiver} or, in benchmarks, a
     *     {@link io.varta.watch.nativeio.RingWriter})
     * @param awaitRecords sleeps up to the given nanoseconds or until records arrive (normally
     *     {@link Receiver#awaitRecords}); must return at once after the producer stopped
     * @param drainedThrough a CLOCK_MONOTONIC time T such that every datagram queued before T has been
     *     published into the ring (normally {@link Receiver#drainedThroughNanos}; {@code System::nanoTime} for a
     *     producer that writes the ring directly)
     * @param events where outcomes go
     * @param counters published counters
     * @param clock observer time
     * @param observerUid this process's uid (for messages)
     * @param listenerNames a name per listener index of the records (for messages)
     */
    public ObserverLoop(final TrackingConfig config, final Ring ring, final LongPredicate awaitRecords,
        final LongSupplier drainedThrough, final ObserverEvents events, final IngestCounters counters,
        final ObserverClock clock, final long observerUid, final String[] listenerNames)
    {
        this(config, ring, awaitRecords, drainedThrough, events, counters, clock, observerUid, listenerNames,
            System::nanoTime);
    }

    /** As the public constructor, with the CLOCK_MONOTONIC source the ring's times are on (tests drive it). */
    ObserverLoop(final TrackingConfig config, final Ring ring, final LongPredicate awaitRecords,
        final LongSupplier drainedThrough, final ObserverEvents events, final IngestCounters counters,
        final ObserverClock clock, final long observerUid, final String[] listenerNames,
        final LongSupplier monotonic)
    {
        this.monotonic = monotonic;
        this.ring = ring;
        this.awaitRecords = awaitRecords;
        this.drainedThrough = drainedThrough;
        this.events = events;
        this.counters = counters;
        this.clock = clock;
        this.tracker = new Tracker(config.trackerCapacity(), TimeUnit.MILLISECONDS.toNanos(config.thresholdMillis()),
            config.evictionPolicy(), config.evictionScanWindow(), this);
        final ProcessIdentity identity = new ProcessIdentity(NativeIdentitySource.INSTANCE);
        this.tracker.setStartTimeProbe(identity.startTimeProbe());
        this.admission = new Admission(config, tracker, identity, events, counters, observerUid, listenerNames,
            new PidMax(clock.nowNanos()));
        this.stallFreshness = new TrackedStallFreshness(tracker, identity.startTimeProbe());
        this.iterationBudgetNanos = TimeUnit.MILLISECONDS.toNanos(config.iterationBudgetMillis());
    }

    /**
     * Where the loop reads the listeners' AEAD trial count, which it publishes every iteration as
     * {@link IngestCounter#AEAD_ATTEMPTS} (default: none). Controlling thread, before the observer thread starts.
     *
     * @param attempts the trials so far ({@link io.varta.watch.ingress.Listener#aeadAttempts}); read on the observer
     *     thread once per iteration, must not allocate
     */
    public void aeadAttemptsFrom(final LongSupplier attempts)
    {
        this.aeadAttempts = attempts;
    }

    /** Any thread: work time per loop iteration ({@code varta_observer_iteration_seconds}). */
    public DurationHistogram iterationHistogram()
    {
        return iterationHistogram;
    }

    /** Any thread: the loop's published stage and iteration count (self-watchdog, heartbeat file). */
    public LoopProgress progress()
    {
        return progress;
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
        try
        {
            while (!stopRequested)
            {
                // A batch shorter than the limit emptied the ring as far as it was published: sleep (awaitRecords
                // returns at once if more came meanwhile) instead of a second iteration that finds nothing.
                if (iterate() < BATCH_LIMIT)
                {
                    sleepUntilNextDeadline();
                }
            }
            events.onStopping(clock.nowNanos());
            while (drainOnce() > 0)
            {
                // every record the (stopped) receiver published is accounted for before shutdown
            }
            tracker.pollStalls(stallHorizon());
            publishTrackerState();
            events.onShutdown(clock.nowNanos());
        }
        finally
        {
            progress.stopped();
        }
    }

    /**
     * One loop iteration without the sleep: drain a batch, judge due stalls, publish state. Observer thread.
     *
     * @return records drained by the first batch
     */
    int iterate()
    {
        final long started = progress.beginIteration();
        final int drained = drainOnce();
        progress.enter(LoopStage.STALL_CHECK);
        tracker.pollStalls(stallHorizon());
        sinkWakeNanos = events.onTick(nowNanos, stallFreshness);
        progress.enter(LoopStage.PUBLISH);
        publishTrackerState();
        pidSnapshots.publishIfRequested(tracker);
        endIteration(started);
        return drained;
    }

    /**
     * The observer time up to which stall deadlines may be judged now: a stall for deadline D is declared only
     * once every datagram the kernel queued before D has been read and handled, so a lagging receiver delays a
     * verdict instead of inventing one. When a deadline is due this asks the receiver how far it has read
     * ({@code drainedThrough}), drains what it published up to then, and returns the earlier of now and that
     * time; otherwise (nothing due) now. Observer thread.
     */
    private long stallHorizon()
    {
        final long now = nowNanos;
        heldShortfallNanos = 0;
        final long due = tracker.nextDeadlineNanos();
        if (due > now)
        {
            return now;
        }
        final long drainedThroughMonotonic = drainedThrough.getAsLong();
        long published = ring.available(); // includes every record for a datagram queued before that time
        while (published > 0)
        {
            final int drained = drainOnce();
            if (0 == drained)
            {
                break;
            }
            published -= drained;
        }
        final long horizon = Math.min(now, drainedThroughMonotonic + monotonicToObserver);
        heldShortfallNanos = Math.max(0, due - horizon);
        return horizon;
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
        progress.endIteration(nowNanos);
    }

    private void sleepUntilNextDeadline()
    {
        final long deadline = Math.min(tracker.nextDeadlineNanos(), sinkWakeNanos);
        final long timeout = heldShortfallNanos > 0
            ? Math.max(HELD_VERDICT_MIN_RETRY_NANOS, Math.min(HELD_VERDICT_RETRY_NANOS, heldShortfallNanos))
            : Long.MAX_VALUE == deadline ? MAX_IDLE_SLEEP_NANOS
            : Math.min(MAX_IDLE_SLEEP_NANOS, deadline - clock.nowNanos());
        if (timeout > 0)
        {
            progress.enterSleep(timeout);
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
        monotonicToObserver = nowNanos - monotonic.getAsLong();
        admission.beginBatch(nowNanos, monotonicToObserver);
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
            progress.enter(LoopStage.FLUSH);
            events.onBatchEnd(nowNanos);
        }
        return drained;
    }

    // TrackerListener: called by the tracker on this thread during beat() and pollStalls().

    @Override
    public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
        final long stallNanos, final boolean agentResumed)
    {
        counters.increment(IngestCounter.STALLS);
        if (agentResumed)
        {
            counters.increment(IngestCounter.STALLS_FOUND_LATE);
        }
        final long nsInode = tracker.nsInode(slot);
        events.onStall(new Stall(stallNanos, pid, lastNonce, lastBeatNanos, tracker.origin(slot),
            tracker.startTime(slot), nsInode, admission.crossesNamespace(nsInode), agentResumed));
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
        counters.set(IngestCounter.DATAGRAMS_READ, ring.datagramsRead());
        counters.set(IngestCounter.AEAD_ATTEMPTS, aeadAttempts.getAsLong());
        counters.set(IngestCounter.PID_MAX, admission.pidMaxCurrent());
    }
}
