package io.varta.watch.observer;

import io.varta.watch.event.MismatchReason;
import io.varta.watch.event.ObserverEvents;
import io.varta.watch.nativeio.RecordHandler;
import io.varta.watch.nativeio.RingDescriptor;
import io.varta.watch.nativeio.RingRecord;
import io.varta.watch.tracker.BeatOrigin;
import io.varta.watch.tracker.BeatOutcome;
import io.varta.watch.tracker.PidIndex;
import io.varta.watch.tracker.ProcessIdentity;
import io.varta.watch.tracker.RateLimiter;
import io.varta.watch.tracker.RejectBudget;
import io.varta.watch.tracker.Tracker;

/**
 * The per-record rules: turns each ring record into exactly one counted outcome, in the reference's order.
 * <ol>
 *   <li>record kind: an I/O error is counted apart (it is not a datagram); decode errors, wrong lengths,
 *       missing credentials, foreign uids and truncated control data are rejections;</li>
 *   <li>a decoded frame: the frame pid must equal the kernel-verified sender pid;</li>
 *   <li>per-pid and global rate limits ({@link RateLimiter});</li>
 *   <li>a pid seen for the first time: its {@code /proc} identity (start time, pid namespace); a sender in
 *       another pid namespace is refused unless allowed;</li>
 *   <li>the tracker's rules (nonces, origin, capacity); an out-of-order frame from a known pid re-reads
 *       {@code /proc} once, since a restarted process reusing the pid starts again at nonce 1.</li>
 * </ol>
 * Every rejection is charged ({@link #countRejected}): first to its sender's own {@link RejectBudget} when the
 * kernel verified the sender's pid, then to the global bucket (the last line), so a flood of bad frames is bounded
 * like good ones and one misbehaving process cannot spend the tokens healthy agents need. {@code /proc} is never read per frame
 * of a known pid.
 *
 * <pre>{@code
 * admission.beginBatch(clock.nowNanos());
 * ring.drain(admission, 1024);
 * }</pre>
 *
 * <p>Threading: observer thread only (the thread draining the ring). Allocation-free for beats of known
 * pids; rejections that are reported build their message text.
 */
final class Admission implements RecordHandler
{
    /** No kernel-verified sender pid (the kernel reports pid 0 when it attached none). */
    private static final int UNVERIFIED = 0;

    private final Tracker tracker;
    private final RateLimiter rateLimiter;
    private final RejectBudget rejectBudget = new RejectBudget();
    private final ProcessIdentity identity;
    private final ObserverEvents events;
    private final IngestCounters counters;
    private final long ownNsInode;
    private final boolean allowCrossNamespace;
    private final boolean strictNamespaceCheck;
    private final long observerUid;

    private long nowNanos;
    private long batchFirstRecvNanos;
    private long batchLastRecvNanos;
    private String fatalError;

    /**
     * Any thread may construct; afterwards observer thread only.
     *
     * @param config      rate limits and namespace policy
     * @param tracker     the tracker records are admitted into
     * @param identity    reads {@code /proc} identities
     * @param events      where reported outcomes go
     * @param counters    where every outcome is counted
     * @param observerUid this process's real uid (for the uid-mismatch message)
     */
    Admission(final TrackingConfig config, final Tracker tracker, final ProcessIdentity identity,
        final ObserverEvents events, final IngestCounters counters, final long observerUid)
    {
        this.tracker = tracker;
        this.rateLimiter = new RateLimiter(tracker, config.maxBeatRate(), config.globalBeatRate(),
            config.globalBeatBurst());
        this.identity = identity;
        this.events = events;
        this.counters = counters;
        this.ownNsInode = identity.ownNsInode();
        this.allowCrossNamespace = config.allowCrossNamespaceAgents();
        this.strictNamespaceCheck = config.strictNamespaceCheck();
        this.observerUid = observerUid;
    }

    /**
     * Starts a batch: the records that follow are handled at observer time {@code nowNanos}. Observer thread.
     *
     * @param nowNanos observer time
     */
    void beginBatch(final long nowNanos)
    {
        this.nowNanos = nowNanos;
        this.batchFirstRecvNanos = 0;
    }

    /** @return observer time of the record being handled (for events raised while handling it); observer thread */
    long eventNanos()
    {
        return nowNanos;
    }

    /** @return CLOCK_MONOTONIC receive time of the batch's first datagram, 0 if none yet; observer thread */
    long batchFirstRecvNanos()
    {
        return batchFirstRecvNanos;
    }

    /** @return CLOCK_MONOTONIC receive time of the batch's latest datagram; observer thread */
    long batchLastRecvNanos()
    {
        return batchLastRecvNanos;
    }

    /**
     * @return why the observer must stop ({@code --strict-namespace-check} saw a foreign namespace), else null;
     *     observer thread
     */
    String fatalError()
    {
        return fatalError;
    }

    /**
     * @param peerNsInode a sender's pid-namespace inode, or {@link ProcessIdentity#UNKNOWN}
     * @return true when it is known and differs from ours (or ours is unknown); observer thread
     */
    boolean crossesNamespace(final long peerNsInode)
    {
        if (ProcessIdentity.UNKNOWN == peerNsInode || ProcessIdentity.NOT_READ == peerNsInode)
        {
            return false;
        }
        return ProcessIdentity.UNKNOWN == ownNsInode || peerNsInode != ownNsInode;
    }

    /** Observer thread, inside {@code Ring.drain}: one record, one outcome. */
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
                if (countRejected(IngestCounter.ofDecodeError(record.decodeErrorCode()), record.peerPid()))
                {
                    events.onDecodeError(nowNanos, record.decodeErrorCode(), record.detailA(), record.detailB());
                }
                break;
            case RingDescriptor.KIND_WRONG_LENGTH:
                counters.increment(IngestCounter.WRONG_LENGTH);
                break;
            case RingDescriptor.KIND_NO_CREDENTIALS:
                if (countRejected(IngestCounter.NO_CREDENTIALS, UNVERIFIED))
                {
                    events.onIoError(nowNanos, "kernel did not attach peer credentials");
                }
                break;
            case RingDescriptor.KIND_UID_MISMATCH:
                if (countRejected(IngestCounter.UID_MISMATCH, record.peerPid()))
                {
                    events.onIoError(nowNanos, "peer credential UID mismatch: kernel reports uid "
                        + record.peerUid() + ", expected uid " + observerUid);
                }
                break;
            case RingDescriptor.KIND_CTRUNC:
                if (countRejected(IngestCounter.CONTROL_TRUNCATED, UNVERIFIED))
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
            if (countRejected(IngestCounter.AUTH_FAILURES, record.peerPid()))
            {
                events.onMismatch(nowNanos, pid, MismatchReason.AUTH_FAILURE);
            }
            return;
        }
        final int origin = BeatOrigin.KERNEL_ATTESTED;
        final long nonce = record.nonce();
        final int admission = rateLimiter.admit(pid, Tracker.NONCE_TERMINAL == nonce, origin, nowNanos);
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
                reportNamespaceConflict(pid, record.peerPid());
                return;
            }
        }
        int outcome = tracker.beat(pid, record.status(), record.timestamp(), nonce, nowNanos, origin, startTime,
            nsInode);
        if (!firstSeen && isOutOfOrder(outcome))
        {
            // A restarted process that reuses the pid begins again at nonce 1: check its start time.
            identity.read(pid);
            if (ProcessIdentity.UNKNOWN != identity.startTime() && identity.startTime() != tracker.startTime(slot))
            {
                outcome = tracker.beat(pid, record.status(), record.timestamp(), nonce, nowNanos, origin,
                    identity.startTime(), identity.nsInode());
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
                reportNamespaceConflict(pid, record.peerPid());
                break;
            case BeatOutcome.ORIGIN_CONFLICT:
                if (countRejected(IngestCounter.ORIGIN_CONFLICT, record.peerPid()))
                {
                    events.onMismatch(nowNanos, pid, MismatchReason.ORIGIN_CONFLICT);
                }
                break;
            default:
                counters.increment(IngestCounter.OUT_OF_ORDER);
                break;
        }
    }

    /** A frame from another pid namespace, or a pinned pid whose namespace changed: dropped and reported. */
    private void reportNamespaceConflict(final long pid, final int verifiedSenderPid)
    {
        if (countRejected(IngestCounter.NAMESPACE_MISMATCH, verifiedSenderPid))
        {
            events.onMismatch(nowNanos, pid, MismatchReason.NAMESPACE_CONFLICT);
        }
        if (strictNamespaceCheck && null == fatalError)
        {
            fatalError = "--strict-namespace-check: agent pid " + pid + " is in another pid namespace";
        }
    }

    /**
     * Charges a refused frame. A frame whose sender pid the kernel verified first spends that sender's
     * {@link RejectBudget}; once the sender has spent it, the frame is counted as
     * {@link IngestCounter#RATE_LIMITED_SENDER} and dropped without an event, and it takes no global token, so one
     * misbehaving process cannot drain the bucket every agent's beats need. Every other refused frame (within a
     * sender's budget, without a verified sender, or from a sender the budget table cannot hold) then spends a
     * global token, the last line: with a token it is counted under its own outcome and reported, with the bucket
     * empty it is counted as globally rate limited and dropped without an event, as the reference does. Either
     * way a flood of bad frames cannot flood the export file or the log.
     *
     * @param verifiedSenderPid the kernel-verified sender pid, or {@link #UNVERIFIED}
     * @return true if the caller should report the event
     */
    private boolean countRejected(final IngestCounter outcome, final int verifiedSenderPid)
    {
        if (UNVERIFIED != verifiedSenderPid
            && RejectBudget.EXHAUSTED == rejectBudget.charge(Integer.toUnsignedLong(verifiedSenderPid), nowNanos))
        {
            counters.increment(IngestCounter.RATE_LIMITED_SENDER);
            return false;
        }
        if (rateLimiter.chargeRejected(nowNanos))
        {
            counters.increment(outcome);
            return true;
        }
        counters.increment(IngestCounter.RATE_LIMITED_GLOBAL);
        return false;
    }
}
