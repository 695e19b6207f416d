package io.varta.watch.observer;

import io.varta.watch.event.MismatchReason;
import io.varta.watch.event.ObserverEvents;
import io.varta.watch.nativeio.RecordHandler;
import io.varta.watch.nativeio.RingDescriptor;
import io.varta.watch.nativeio.RingRecord;
import io.varta.watch.tracker.BeatOrigin;
import io.varta.watch.tracker.BeatOutcome;
import io.varta.watch.tracker.PidIndex;
import io.varta.watch.tracker.PidMax;
import io.varta.watch.tracker.ProcessIdentity;
import io.varta.watch.tracker.RateLimiter;
import io.varta.watch.tracker.RejectBudget;
import io.varta.watch.tracker.Tracker;

/**
 * The per-record rules: turns each ring record into exactly one counted outcome, in the reference's order.
 * <ol>
 *   <li>record kind: an I/O error is counted apart (it is not a datagram); decode errors, wrong lengths,
 *       missing credentials, foreign uids, truncated control data and secure-UDP refusals (authentication,
 *       replay, full sender table) are rejections;</li>
 *   <li>a decoded frame: with kernel credentials (UDS) the frame pid must equal the verified sender pid;
 *       without (UDP) it must not exceed {@code pid_max};</li>
 *   <li>per-pid and global rate limits ({@link RateLimiter});</li>
 *   <li>a kernel-attested pid seen for the first time: its {@code /proc} identity (start time, pid namespace); a
 *       sender in another pid namespace is refused unless allowed (a network agent's pid names no local
 *       process, so {@code /proc} is never read for it);</li>
 *   <li>the tracker's rules (nonces, origin, capacity); an out-of-order frame from a known pid re-reads
 *       {@code /proc} once, since a restarted process reusing the pid starts again at nonce 1; a new process found
 *       there is judged like a first sighting (another pid namespace is refused unless allowed).</li>
 * </ol>
 * Every rejection is charged ({@link #countRejected}): first to its sender's own {@link RejectBudget} when the
 * kernel verified the sender's pid, then to the global bucket (the last line), so a flood of bad frames is bounded
 * like good ones and one misbehaving process cannot spend the tokens healthy agents need. {@code /proc} is never read per frame
 * of a known pid.
 *
 * <p><b>Time.</b> Each record is handled at its own arrival time: the kernel's receive timestamp the native
 * receiver stamped on it ({@code recv_ns}, CLOCK_MONOTONIC), converted to observer time. So a beat the agent
 * sent on time is judged by when it arrived, not by when a lagging observer thread got to it: rate limits,
 * the last-beat time that stall deadlines count from, and the export line all use it.
 *
 * <pre>{@code
 * long now = clock.nowNanos();
 * admission.beginBatch(now, now - System.nanoTime());
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
    private final PidMax pidMax;
    private final String[] listenerNames;
    private final ProcessIdentity identity;
    private final ObserverEvents events;
    private final IngestCounters counters;
    private final long ownNsInode;
    private final boolean allowCrossNamespace;
    private final boolean strictNamespaceCheck;
    private final long observerUid;

    private long batchNanos;
    private long monotonicToObserver;
    /** Observer time of the record being handled: its arrival time. */
    private long recordNanos;
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
     * @param listenerNames a name per listener index of the records (for messages)
     * @param pidMax       the kernel's pid_max, for frames without kernel pid verification
     */
    Admission(final TrackingConfig config, final Tracker tracker, final ProcessIdentity identity,
        final ObserverEvents events, final IngestCounters counters, final long observerUid,
        final String[] listenerNames, final PidMax pidMax)
    {
        this.listenerNames = listenerNames.clone();
        this.pidMax = pidMax;
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
     * Starts a batch. Observer thread.
     *
     * @param batchStartNanos     observer time now (no record of the batch is later than this)
     * @param monotonicToObserver observer time minus CLOCK_MONOTONIC, sampled now: converts a record's
     *                            {@code recv_ns} to observer time
     */
    void beginBatch(final long batchStartNanos, final long monotonicToObserver)
    {
        this.batchNanos = batchStartNanos;
        this.recordNanos = batchStartNanos;
        this.monotonicToObserver = monotonicToObserver;
        this.batchFirstRecvNanos = 0;
    }

    /** @return observer time of the record being handled (for events raised while handling it); observer thread */
    long eventNanos()
    {
        return recordNanos;
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

    /** @return the kernel's pid_max as read last (no re-read); observer thread */
    long pidMaxCurrent()
    {
        return pidMax.current();
    }

    /**
     * @return why the observer must stop ({@code --strict-namespace-check} saw a foreign namespace), else null;
     *     observer thread
     */
    String fatalError()
    {
        return fatalError;
    }

    private String listenerName(final int listener)
    {
        return listener < listenerNames.length ? listenerNames[listener] : "listener " + listener;
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
        final long recv = record.recvNanos();
        // a datagram that arrived before the observer clock started (between bind and start) counts from 0
        recordNanos = 0 == recv ? batchNanos : Math.max(0, Math.min(batchNanos, recv + monotonicToObserver));
        final int kind = record.kind();
        if (RingDescriptor.KIND_IO_ERROR == kind)
        {
            counters.increment(IngestCounter.IO_ERRORS);
            events.onIoError(recordNanos, "receive failed on " + listenerName(record.listener()) + ": errno "
                + record.detailA());
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
                    events.onDecodeError(recordNanos, record.decodeErrorCode(), record.detailA(), record.detailB());
                }
                break;
            case RingDescriptor.KIND_WRONG_LENGTH:
                counters.increment(IngestCounter.WRONG_LENGTH);
                break;
            case RingDescriptor.KIND_NO_CREDENTIALS:
                if (countRejected(IngestCounter.NO_CREDENTIALS, UNVERIFIED))
                {
                    events.onIoError(recordNanos, "kernel did not attach peer credentials");
                }
                break;
            case RingDescriptor.KIND_UID_MISMATCH:
                if (countRejected(IngestCounter.UID_MISMATCH, record.peerPid()))
                {
                    events.onIoError(recordNanos, "peer credential UID mismatch: kernel reports uid "
                        + record.peerUid() + ", expected uid " + observerUid);
                }
                break;
            case RingDescriptor.KIND_CTRUNC:
                if (countRejected(IngestCounter.CONTROL_TRUNCATED, UNVERIFIED))
                {
                    events.onControlTruncated(recordNanos, "control message truncated (MSG_CTRUNC)");
                }
                break;
            case RingDescriptor.KIND_DECRYPT_FAILED:
                counters.increment(IngestCounter.DECRYPT_FAILED);
                break;
            case RingDescriptor.KIND_REPLAY_REFUSED:
                counters.increment(IngestCounter.REPLAY_REFUSED);
                break;
            case RingDescriptor.KIND_SENDER_TABLE_FULL:
                counters.increment(IngestCounter.SENDER_TABLE_FULL);
                break;
            default:
                throw new IllegalStateException("unknown ring record kind " + kind);
        }
    }

    private void onFrame(final RingRecord record)
    {
        final long pid = record.framePid();
        final int origin = record.origin();
        final boolean kernelAttested = BeatOrigin.KERNEL_ATTESTED == origin;
        if (kernelAttested && pid != Integer.toUnsignedLong(record.peerPid()))
        {
            if (countRejected(IngestCounter.AUTH_FAILURES, record.peerPid()))
            {
                events.onMismatch(recordNanos, pid, MismatchReason.AUTH_FAILURE);
            }
            return;
        }
        if (!kernelAttested && pid > pidMax.get(recordNanos))
        {
            countRejected(IngestCounter.PID_ABOVE_MAX, UNVERIFIED); // dropped silently, as the reference does
            return;
        }
        final long nonce = record.nonce();
        final int admission = rateLimiter.admit(pid, Tracker.NONCE_TERMINAL == nonce, origin, recordNanos);
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
        if (!kernelAttested)
        {
            startTime = ProcessIdentity.UNKNOWN; // a remote agent's pid names no local process
            nsInode = ProcessIdentity.UNKNOWN;
        }
        else if (firstSeen)
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
        int outcome = tracker.beat(pid, record.status(), record.timestamp(), nonce, recordNanos, origin, startTime,
            nsInode);
        if (kernelAttested && !firstSeen && isOutOfOrder(outcome))
        {
            // A restarted process that reuses the pid begins again at nonce 1: check its start time.
            identity.read(pid);
            if (ProcessIdentity.UNKNOWN != identity.startTime() && identity.startTime() != tracker.startTime(slot))
            {
                // another process now: judged as a first sighting, so another pid namespace is refused here too
                if (crossesNamespace(identity.nsInode()) && !allowCrossNamespace)
                {
                    reportNamespaceConflict(pid, record.peerPid());
                    return;
                }
                outcome = tracker.beat(pid, record.status(), record.timestamp(), nonce, recordNanos, origin,
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
            events.onBeat(recordNanos, pid, record.nonce(), record.status(), record.payload());
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
                if (countRejected(IngestCounter.ORIGIN_CONFLICT, record.peerPid(), true))
                {
                    events.onMismatch(recordNanos, pid, MismatchReason.ORIGIN_CONFLICT);
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
        if (countRejected(IngestCounter.NAMESPACE_MISMATCH, verifiedSenderPid, true))
        {
            events.onMismatch(recordNanos, pid, MismatchReason.NAMESPACE_CONFLICT);
        }
        if (strictNamespaceCheck && null == fatalError)
        {
            fatalError = "--strict-namespace-check: agent pid " + pid + " is in another pid namespace";
        }
    }

    /** As {@link #countRejected(IngestCounter, int, boolean)} for a frame refused before the rate limiter. */
    private boolean countRejected(final IngestCounter outcome, final int verifiedSenderPid)
    {
        return countRejected(outcome, verifiedSenderPid, false);
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
     * <p>A frame refused after it passed the rate limiter (namespace, origin conflict) already took a global token
     * there: within its sender's budget that token is its one charge (it is counted and reported without taking a
     * second); beyond the budget the token is given back ({@link RateLimiter#refundAdmission}), so "no global
     * token" holds for it too. One frame never costs more than one token. A sender in another pid namespace is never tracked, so the per-pid spacing never
     * bounds its frames: without the refund its flood would empty the bucket every agent's beats need.
     *
     * @param verifiedSenderPid the kernel-verified sender pid, or {@link #UNVERIFIED}
     * @param admitted          true when the frame was admitted by the rate limiter before this rule refused it
     * @return true if the caller should report the event
     */
    private boolean countRejected(final IngestCounter outcome, final int verifiedSenderPid, final boolean admitted)
    {
        if (UNVERIFIED != verifiedSenderPid
            && RejectBudget.EXHAUSTED == rejectBudget.charge(Integer.toUnsignedLong(verifiedSenderPid), recordNanos))
        {
            if (admitted)
            {
                rateLimiter.refundAdmission();
            }
            counters.increment(IngestCounter.RATE_LIMITED_SENDER);
            return false;
        }
        if (admitted || rateLimiter.chargeRejected(recordNanos))
        {
            counters.increment(outcome);
            return true;
        }
        counters.increment(IngestCounter.RATE_LIMITED_GLOBAL);
        return false;
    }
}
