package io.varta.watch.tracker;

import java.util.function.LongUnaryOperator;

/**
 * Per-pid state of every tracked sender: nonce ordering, trust origin and identity pinning, eviction under
 * capacity pressure and stall detection. Allocation-free after construction.
 *
 * <p><b>Slots.</b> A fixed number of slots ({@code --tracker-capacity}, 1..4,194,304). A pid reaches its
 * slot through a {@link PidIndex}; stall deadlines live in a {@link StallTimer}. State is a struct of
 * arrays indexed by slot:
 * <pre>
 *  array          bytes  meaning
 *  pid            4      unsigned 32-bit pid; 0 = free slot
 *  nonceAndBeats  16     [2·slot] highest accepted regular nonce (valid when HAS_REGULAR),
 *                        [2·slot+1] accepted beats in this slot's lifetime (one 16-byte record: a
 *                        regular beat reads and writes both)
 *  lastTermTs     8      agent timestamp of the last accepted terminal frame (valid when HAS_TERMINAL)
 *  meta           4      bits 0..7 status (0 ok, 1 degraded, 2 critical, 3 stall); bits 8..12 flags
 *                        HAS_REGULAR, HAS_TERMINAL, STALLED, LAST_WAS_TERMINAL, BYPASS_SPENT;
 *                        bits 16..23 pinned {@link BeatOrigin} rank
 *  stalls         8      stalls raised in this slot's lifetime
 *  startTime      8      pinned process start time (/proc stat field 22), or ProcessIdentity.UNKNOWN
 *  nsInode        8      pinned pid-namespace inode, or ProcessIdentity.UNKNOWN
 *  freeStack      4      slots freed by retirement, reused before fresh ones
 *  timer          16     last accepted beat time + queue links ({@link StallTimer})
 *  index          16     pid → slot at a power-of-two capacity ({@link PidIndex})
 * </pre>
 * About 92 bytes per slot of capacity in total (up to 108 when the capacity is just above a power of two).
 * Fields a regular beat touches are grouped so that it reads about six cache lines: index entry, meta,
 * nonce+beats record, timer record, and the timer records of its two queue neighbours.
 *
 * <p><b>Beat handling</b> for a tracked pid, in order: recycled pid (start time changed), network recycle
 * (UDP origin, no start time, nonce not advancing after ≥ threshold of silence), origin change (stronger
 * replaces, weaker is a conflict), namespace change (conflict), then the nonce rules: a terminal frame
 * (nonce 2^64−1) must carry a newer agent timestamp (unsigned) and leaves the regular nonce alone; a
 * regular frame must carry a larger nonce (unsigned), or wrap (last ≥ 2^64−1−2^20 and new ≤ 2^20). An
 * accepted beat refreshes the last-beat time and status and re-arms stall detection. A new pid takes a
 * free slot, or evicts ({@link EvictionPolicy}) within a scan window from a rotating cursor, or is refused.
 *
 * <p><b>Identity.</b> The observer reads /proc only for a pid it does not track yet (or after an origin
 * upgrade) and passes {@link ProcessIdentity#NOT_READ} otherwise, so per-frame beats skip the identity
 * checks. A pid recycled while its old slot is still tracked is then found at stall time (the start-time
 * probe retires the slot); an observer may also re-read /proc when a beat comes back
 * {@link BeatOutcome#OUT_OF_ORDER}, the symptom of a restarted sender, and beat again with the result.
 *
 * <p><b>Stalls.</b> A slot stalls when {@code now − lastBeat ≥ threshold}, once per silence.
 * {@link #pollStalls(long)} costs O(due stalls); {@link #nextDeadlineNanos()} tells the loop how long it
 * may sleep. A silence is a stall even when the observer lagged and handles the pid's next beat before it
 * has polled the deadline: that beat, arriving {@code threshold} or more after the last one, raises the
 * stall (flagged {@code agentResumed}) before it re-arms the slot, so no silence goes unreported because the
 * observer was slow.
 *
 * <p><b>Time.</b> Every {@code nowNanos} argument is observer time from an {@link ObserverClock}. A beat's
 * time is when its datagram arrived; beat times are clamped to be non-decreasing among themselves, and stall
 * polls' times among themselves, independently: a poll at "now" never makes a beat that arrived before it look
 * later.
 *
 * <p><b>Threading:</b> not thread-safe. Every method, including accessors, is for the observer thread
 * only; publish figures to other threads through {@link #copyCounters(long[])} into your own structure.
 *
 * <pre>{@code
 * Tracker t = new Tracker(256, 5_000_000_000L, EvictionPolicy.STRICT, 256, listener);
 * int outcome = t.beat(pid, status, timestamp, nonce, clock.nowNanos(),
 *                      BeatOrigin.KERNEL_ATTESTED, startTime, nsInode);
 * if (BeatOutcome.isAccepted(outcome)) { ... emit Beat for t.lastSlot() ... }
 * t.pollStalls(clock.nowNanos());
 * long wakeAt = t.nextDeadlineNanos();
 * }</pre>
 */
public final class Tracker
{
    /** Default {@code --tracker-capacity}. */
    public static final int DEFAULT_CAPACITY = 256;
    /** Default {@code --eviction-scan-window}. */
    public static final int DEFAULT_SCAN_WINDOW = 256;
    /** Smallest accepted stall threshold (10 ms). */
    public static final long MIN_THRESHOLD_NANOS = 10_000_000L;
    /** The terminal nonce, 2^64−1. */
    public static final long NONCE_TERMINAL = -1L;
    /** Wrap window: a regular nonce ≤ this after a last nonce ≥ 2^64−1−this is a wrap. */
    public static final long NONCE_WRAP_WINDOW = 1L << 20;
    /** Status code the tracker sets on a stalled slot. */
    public static final int STATUS_STALL = 3;

    private static final long WRAP_FLOOR = NONCE_TERMINAL - NONCE_WRAP_WINDOW;
    private static final int EVICTION_BAR_MULTIPLIER = 10;

    private static final int STATUS_MASK = 0xFF;
    private static final int HAS_REGULAR = 1 << 8;
    private static final int HAS_TERMINAL = 1 << 9;
    private static final int STALLED = 1 << 10;
    private static final int LAST_WAS_TERMINAL = 1 << 11;
    private static final int BYPASS_SPENT = 1 << 12;
    private static final int ORIGIN_SHIFT = 16;

    private final int capacity;
    private final long thresholdNanos;
    private final long evictionBarNanos;
    private final EvictionPolicy policy;
    private final int scanWindow;
    private final TrackerListener listener;
    private final PidIndex index;
    private final StallTimer timer;

    private final int[] pid;
    private final long[] nonceAndBeats;
    private final long[] lastTerminalTimestamp;
    private final int[] meta;
    private final long[] stalls;
    private final long[] startTime;
    private final long[] nsInode;
    private final int[] freeStack;

    private final long[] counters = new long[TrackerCounter.COUNT];

    private int freeTop;
    private int highWater;
    private int stalledCount;
    private int cursor;
    private int lastSlot = StallTimer.NIL;
    /** Latest beat time: beat times are kept non-decreasing (the stall timer keeps slots in last-beat order). */
    private long lastBeatNow = Long.MIN_VALUE;
    /** Latest stall-poll time, kept non-decreasing on its own. */
    private long lastPollNow = Long.MIN_VALUE;
    private LongUnaryOperator startTimeProbe;

    /**
     * Creates an empty tracker. Any thread may construct it; afterwards it belongs to the observer thread.
     *
     * @param capacity       1 .. {@link PidIndex#MAX_CAPACITY}
     * @param thresholdNanos stall threshold, ≥ {@link #MIN_THRESHOLD_NANOS}
     * @param policy         eviction policy
     * @param scanWindow     slots inspected per eviction scan, 1 .. {@link PidIndex#MAX_CAPACITY}
     * @param listener       receives stall, eviction and recycle events (use {@link TrackerListener#NONE})
     */
    public Tracker(final int capacity, final long thresholdNanos, final EvictionPolicy policy,
        final int scanWindow, final TrackerListener listener)
    {
        if (thresholdNanos < MIN_THRESHOLD_NANOS)
        {
            throw new IllegalArgumentException("threshold must be >= 10 ms: " + thresholdNanos + " ns");
        }
        if (scanWindow < 1 || scanWindow > PidIndex.MAX_CAPACITY)
        {
            throw new IllegalArgumentException("scan window must be 1.." + PidIndex.MAX_CAPACITY + ": " + scanWindow);
        }
        this.index = new PidIndex(capacity);
        this.timer = new StallTimer(capacity, thresholdNanos);
        this.capacity = capacity;
        this.thresholdNanos = thresholdNanos;
        this.evictionBarNanos = thresholdNanos > Long.MAX_VALUE / EVICTION_BAR_MULTIPLIER
            ? Long.MAX_VALUE : thresholdNanos * EVICTION_BAR_MULTIPLIER;
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        this.scanWindow = Math.min(scanWindow, capacity);
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        this.pid = new int[capacity];
        this.nonceAndBeats = new long[2 * capacity];
        this.lastTerminalTimestamp = new long[capacity];
        this.meta = new int[capacity];
        this.stalls = new long[capacity];
        this.startTime = new long[capacity];
        this.nsInode = new long[capacity];
        this.freeStack = new int[capacity];
    }

    /**
     * Installs the probe used at stall time to re-read a kernel-attested pid's start time (see
     * {@link ProcessIdentity#startTimeProbe()}); a changed start time retires the slot instead of raising a
     * stall. {@code null} turns the check off (the default). Observer thread only.
     *
     * @param probe pid → current start time, or {@link ProcessIdentity#UNKNOWN}
     */
    public void setStartTimeProbe(final LongUnaryOperator probe)
    {
        this.startTimeProbe = probe;
    }

    /**
     * Handles a beat from a kernel-attested sender whose identity was not read for this frame
     * ({@link ProcessIdentity#NOT_READ}). Observer thread only.
     *
     * @param framePid    unsigned 32-bit pid (≥ 1)
     * @param frameStatus status byte 0..2
     * @param timestamp   agent timestamp (unsigned 64-bit)
     * @param nonce       nonce (unsigned 64-bit); {@link #NONCE_TERMINAL} marks a terminal frame
     * @param nowNanos    observer time
     * @return a {@link BeatOutcome} code with flags
     * @see #beat(long, int, long, long, long, int, long, long)
     */
    public int beat(final long framePid, final int frameStatus, final long timestamp, final long nonce,
        final long nowNanos)
    {
        return beat(framePid, frameStatus, timestamp, nonce, nowNanos, BeatOrigin.KERNEL_ATTESTED,
            ProcessIdentity.NOT_READ, ProcessIdentity.NOT_READ);
    }

    /**
     * Handles one decoded, admitted frame. Observer thread only; allocation-free.
     *
     * @param framePid    unsigned 32-bit pid (≥ 1)
     * @param frameStatus status byte 0..2
     * @param timestamp   agent timestamp (unsigned 64-bit)
     * @param nonce       nonce (unsigned 64-bit); {@link #NONCE_TERMINAL} marks a terminal frame
     * @param nowNanos    observer time
     * @param beatOrigin  {@link BeatOrigin} rank
     * @param procStart   sender start time; {@link ProcessIdentity#UNKNOWN} when a read failed (or the sender
     *                    is remote); {@link ProcessIdentity#NOT_READ} when /proc was not read for this frame
     *                    (the normal case for a pid already tracked: the start-time check is skipped)
     * @param pidNsInode  sender pid-namespace inode, with the same two special values; NOT_READ skips the
     *                    namespace check, UNKNOWN against a pinned inode is a conflict (terminal frames excepted)
     * @return a {@link BeatOutcome} code with flags; the slot is then available from {@link #lastSlot()}
     */
    public int beat(final long framePid, final int frameStatus, final long timestamp, final long nonce,
        final long nowNanos, final int beatOrigin, final long procStart, final long pidNsInode)
    {
        final long now = clampBeatNow(nowNanos);
        final boolean terminal = NONCE_TERMINAL == nonce;
        final int slot = index.get(framePid);
        if (PidIndex.MISSING == slot)
        {
            return insertNewPid(framePid, frameStatus, timestamp, nonce, now, beatOrigin, procStart, pidNsInode);
        }
        lastSlot = slot;
        final boolean startKnown = procStart >= 0;
        if (startKnown && isKnown(startTime[slot]) && startTime[slot] != procStart)
        {
            return recycleInPlace(slot, framePid, frameStatus, timestamp, nonce, now, beatOrigin, procStart, pidNsInode);
        }
        final int pinnedOrigin = meta[slot] >>> ORIGIN_SHIFT;
        if (BeatOrigin.isNetwork(beatOrigin) && pinnedOrigin == beatOrigin && !terminal && !startKnown
            && !isKnown(startTime[slot]) && !regularAdvances(slot, nonce)
            && now - timer.armedAt(slot) >= thresholdNanos)
        {
            return recycleInPlace(slot, framePid, frameStatus, timestamp, nonce, now, beatOrigin, procStart, pidNsInode);
        }
        if (beatOrigin != pinnedOrigin)
        {
            if (beatOrigin < pinnedOrigin)
            {
                counters[TrackerCounter.ORIGIN_CONFLICTS]++;
                return BeatOutcome.ORIGIN_CONFLICT;
            }
            resetSlot(slot, framePid, frameStatus, timestamp, nonce, now, beatOrigin, procStart, pidNsInode);
            return acceptedCode(terminal);
        }
        if (ProcessIdentity.NOT_READ != pidNsInode && isKnown(nsInode[slot])
            && (isKnown(pidNsInode) ? nsInode[slot] != pidNsInode : !terminal))
        {
            counters[TrackerCounter.NAMESPACE_CONFLICTS]++;
            return BeatOutcome.NAMESPACE_CONFLICT;
        }
        final int code;
        if (terminal)
        {
            if (0 != (meta[slot] & HAS_TERMINAL) && Long.compareUnsigned(timestamp, lastTerminalTimestamp[slot]) <= 0)
            {
                counters[TrackerCounter.OUT_OF_ORDER]++;
                return BeatOutcome.TERMINAL_OUT_OF_ORDER;
            }
            code = BeatOutcome.TERMINAL_ACCEPTED;
        }
        else if (regularAdvances(slot, nonce))
        {
            code = BeatOutcome.ACCEPTED;
        }
        else if (Long.compareUnsigned(nonceAndBeats[2 * slot], WRAP_FLOOR) >= 0
            && Long.compareUnsigned(nonce, NONCE_WRAP_WINDOW) <= 0)
        {
            counters[TrackerCounter.NONCE_WRAPS]++;
            code = BeatOutcome.ACCEPTED_NONCE_WRAP;
        }
        else
        {
            counters[TrackerCounter.OUT_OF_ORDER]++;
            return BeatOutcome.OUT_OF_ORDER;
        }
        // Accepted. A silence of a threshold or more that the observer had not polled yet (it lagged) is a stall:
        // raise it with the slot's state from before this beat, then let the beat re-arm the slot.
        if (0 == (meta[slot] & STALLED) && now - timer.armedAt(slot) >= thresholdNanos)
        {
            raiseStall(slot, framePid, now, true);
        }
        if (terminal)
        {
            lastTerminalTimestamp[slot] = timestamp;
            meta[slot] |= HAS_TERMINAL | LAST_WAS_TERMINAL;
        }
        else
        {
            nonceAndBeats[2 * slot] = nonce;
            meta[slot] = (meta[slot] | HAS_REGULAR) & ~(LAST_WAS_TERMINAL | BYPASS_SPENT);
        }
        if (startKnown && !isKnown(startTime[slot]))
        {
            startTime[slot] = procStart;
        }
        if (isKnown(pidNsInode) && !isKnown(nsInode[slot]))
        {
            nsInode[slot] = pidNsInode;
        }
        refresh(slot, frameStatus, now);
        return code;
    }

    /**
     * Raises a stall for every armed slot with {@code now − lastBeat ≥ threshold}, through
     * {@link TrackerListener#onStall}. Cost O(due slots). Observer thread only; allocation-free unless a
     * start-time probe is installed and reads /proc.
     *
     * @param nowNanos observer time
     * @return number of stalls raised (retired slots not included)
     */
    public int pollStalls(final long nowNanos)
    {
        final long now = clampPollNow(nowNanos);
        int raised = 0;
        for (int slot = timer.pollDue(now); StallTimer.NIL != slot; slot = timer.pollDue(now))
        {
            final long slotPid = pid(slot);
            if (null != startTimeProbe && BeatOrigin.KERNEL_ATTESTED == meta[slot] >>> ORIGIN_SHIFT
                && isKnown(startTime[slot]))
            {
                final long current = startTimeProbe.applyAsLong(slotPid);
                if (isKnown(current) && current != startTime[slot])
                {
                    counters[TrackerCounter.PID_RECYCLES]++;
                    freeSlot(slot);
                    listener.onPidRecycled(slotPid, true);
                    continue;
                }
            }
            raiseStall(slot, slotPid, now, false);
            raised++;
        }
        return raised;
    }

    private void raiseStall(final int slot, final long slotPid, final long now, final boolean agentResumed)
    {
        meta[slot] = (meta[slot] & ~STATUS_MASK) | STALLED | STATUS_STALL;
        stalls[slot]++;
        stalledCount++;
        counters[TrackerCounter.STALLS]++;
        if (agentResumed)
        {
            counters[TrackerCounter.STALLS_FOUND_LATE]++;
        }
        listener.onStall(slot, slotPid, lastObservedNonce(slot), timer.armedAt(slot), now, agentResumed);
    }

    /**
     * @return observer time of the earliest pending stall deadline, or {@link Long#MAX_VALUE} when no slot
     *         is armed; observer thread only
     */
    public long nextDeadlineNanos()
    {
        return timer.nextDeadlineNanos();
    }

    /**
     * Removes a pid (for example after the observer saw it exit). Counted nowhere; no listener call.
     * Observer thread only.
     *
     * @param framePid unsigned 32-bit pid
     * @return true when it was tracked
     */
    public boolean remove(final long framePid)
    {
        final int slot = index.get(framePid);
        if (PidIndex.MISSING == slot)
        {
            return false;
        }
        freeSlot(slot);
        return true;
    }

    /**
     * Copies the counters into {@code into[0 .. TrackerCounter.COUNT)}, indexed by {@link TrackerCounter}.
     * Observer thread only.
     *
     * @param into destination, length ≥ {@link TrackerCounter#COUNT}
     */
    public void copyCounters(final long[] into)
    {
        System.arraycopy(counters, 0, into, 0, TrackerCounter.COUNT);
    }

    /**
     * @param counter a {@link TrackerCounter} index
     * @return its value; observer thread only
     */
    public long counter(final int counter)
    {
        return counters[counter];
    }

    /**
     * Visits every tracked slot in slot order, O(capacity). For metrics rendering on the observer thread.
     *
     * @param visitor called with (slot, pid) for each tracked slot; must not mutate the tracker
     */
    public void forEachTracked(final SlotVisitor visitor)
    {
        for (int slot = 0; slot < highWater; slot++)
        {
            if (0 != pid[slot])
            {
                visitor.visit(slot, pid(slot));
            }
        }
    }

    /** Callback of {@link #forEachTracked}; observer thread only. */
    @FunctionalInterface
    public interface SlotVisitor
    {
        /**
         * @param slot slot index, valid for the accessors during this call
         * @param pid  unsigned 32-bit pid
         */
        void visit(int slot, long pid);
    }

    /**
     * @param framePid unsigned 32-bit pid
     * @return its slot, or {@link PidIndex#MISSING}; observer thread only
     */
    public int slotOf(final long framePid)
    {
        return index.get(framePid);
    }

    /** @return the slot touched by the last {@link #beat} call (undefined after a refusal); observer thread only */
    public int lastSlot()
    {
        return lastSlot;
    }

    /** @return number of tracked pids; observer thread only */
    public int size()
    {
        return index.size();
    }

    /** @return the capacity; any thread (immutable) */
    public int capacity()
    {
        return capacity;
    }

    /** @return the stall threshold in ns; any thread (immutable) */
    public long thresholdNanos()
    {
        return thresholdNanos;
    }

    /**

     * @param slot slot index

     * @return unsigned 32-bit pid, 0 for a free slot; observer thread only

     */
    public long pid(final int slot)
    {
        return Integer.toUnsignedLong(pid[slot]);
    }

    /**

     * @param slot slot index

     * @return status code 0..3 (3 = stalled); observer thread only

     */
    public int status(final int slot)
    {
        return meta[slot] & STATUS_MASK;
    }

    /**

     * @param slot slot index

     * @return accepted beats in this slot's lifetime; observer thread only

     */
    public long beats(final int slot)
    {
        return nonceAndBeats[2 * slot + 1];
    }

    /**

     * @param slot slot index

     * @return stalls raised in this slot's lifetime; observer thread only

     */
    public long stalls(final int slot)
    {
        return stalls[slot];
    }

    /**

     * @param slot slot index

     * @return true between a stall and the next accepted beat; observer thread only

     */
    public boolean isStalled(final int slot)
    {
        return 0 != (meta[slot] & STALLED);
    }

    /**

     * @param slot slot index

     * @return observer time of the last accepted beat; observer thread only

     */
    public long lastBeatNanos(final int slot)
    {
        return timer.armedAt(slot);
    }

    /**

     * @param slot slot index

     * @return highest regular nonce (0 if none yet); observer thread only

     */
    public long lastNonce(final int slot)
    {
        return nonceAndBeats[2 * slot];
    }

    /**

     * @param slot slot index

     * @return true once a regular nonce was accepted; observer thread only

     */
    public boolean hasRegularNonce(final int slot)
    {
        return 0 != (meta[slot] & HAS_REGULAR);
    }

    /**
     * @param slot slot index
     * @return the nonce of the last accepted frame: {@link #NONCE_TERMINAL} after a terminal frame, else the
     *         last regular nonce; observer thread only
     */
    public long lastObservedNonce(final int slot)
    {
        return 0 != (meta[slot] & LAST_WAS_TERMINAL) ? NONCE_TERMINAL : nonceAndBeats[2 * slot];
    }

    /**

     * @param slot slot index

     * @return agent timestamp of the last accepted terminal frame; observer thread only

     */
    public long lastTerminalTimestamp(final int slot)
    {
        return lastTerminalTimestamp[slot];
    }

    /**

     * @param slot slot index

     * @return pinned {@link BeatOrigin} rank; observer thread only

     */
    public int origin(final int slot)
    {
        return meta[slot] >>> ORIGIN_SHIFT;
    }

    /**

     * @param slot slot index

     * @return pinned start time or {@link ProcessIdentity#UNKNOWN}; observer thread only

     */
    public long startTime(final int slot)
    {
        return startTime[slot];
    }

    /**

     * @param slot slot index

     * @return pinned pid-ns inode or {@link ProcessIdentity#UNKNOWN}; observer thread only

     */
    public long nsInode(final int slot)
    {
        return nsInode[slot];
    }

    /**
     * For the rate limiter: grants the one rate-limit exemption of the first terminal frame after regular
     * beats. Observer thread only.
     *
     * @param slot a tracked slot
     * @return true (and marks it spent) when the slot has regular beats, its last accepted frame was
     *         regular and the exemption has not been spent since
     */
    boolean spendTerminalBypass(final int slot)
    {
        final int f = meta[slot];
        if (0 == (f & HAS_REGULAR) || 0 != (f & (LAST_WAS_TERMINAL | BYPASS_SPENT)))
        {
            return false;
        }
        meta[slot] = f | BYPASS_SPENT;
        return true;
    }

    private boolean regularAdvances(final int slot, final long nonce)
    {
        return 0 == (meta[slot] & HAS_REGULAR) || Long.compareUnsigned(nonce, nonceAndBeats[2 * slot]) > 0;
    }

    private int insertNewPid(final long framePid, final int frameStatus, final long timestamp, final long nonce,
        final long now, final int beatOrigin, final long procStart, final long pidNsInode)
    {
        int slot;
        int evicted = 0;
        if (freeTop > 0)
        {
            slot = freeStack[--freeTop];
        }
        else if (highWater < capacity)
        {
            slot = highWater++;
        }
        else
        {
            slot = findVictim(now);
            if (StallTimer.NIL == slot)
            {
                counters[TrackerCounter.CAPACITY_REFUSED]++;
                lastSlot = StallTimer.NIL;
                return BeatOutcome.CAPACITY_REFUSED;
            }
            final long victimPid = pid(slot);
            freeSlot(slot);
            freeTop--;
            counters[TrackerCounter.EVICTIONS]++;
            evicted = BeatOutcome.EVICTED;
            listener.onEviction(victimPid);
        }
        index.put(framePid, slot);
        nonceAndBeats[2 * slot + 1] = 0;
        stalls[slot] = 0;
        startTime[slot] = ProcessIdentity.UNKNOWN;
        nsInode[slot] = ProcessIdentity.UNKNOWN;
        resetSlot(slot, framePid, frameStatus, timestamp, nonce, now, beatOrigin, procStart, pidNsInode);
        lastSlot = slot;
        return acceptedCode(NONCE_TERMINAL == nonce) | evicted;
    }

    private int recycleInPlace(final int slot, final long framePid, final int frameStatus, final long timestamp,
        final long nonce, final long now, final int beatOrigin, final long procStart, final long pidNsInode)
    {
        counters[TrackerCounter.PID_RECYCLES]++;
        resetSlot(slot, framePid, frameStatus, timestamp, nonce, now, beatOrigin, procStart, pidNsInode);
        listener.onPidRecycled(framePid, false);
        return acceptedCode(NONCE_TERMINAL == nonce) | BeatOutcome.RECYCLED;
    }

    /** Rotating-cursor scan of at most {@code scanWindow} slots per pass; the tracker is full here. */
    private int findVictim(final long now)
    {
        int victim = StallTimer.NIL;
        if (stalledCount > 0)
        {
            victim = scan(now, true);
        }
        if (StallTimer.NIL == victim && EvictionPolicy.BALANCED == policy)
        {
            victim = scan(now, false);
        }
        if (StallTimer.NIL == victim)
        {
            counters[TrackerCounter.EVICTION_SCAN_TRUNCATED]++;
            cursor = advance(cursor, scanWindow);
        }
        else
        {
            cursor = advance(victim, 1);
        }
        return victim;
    }

    private int scan(final long now, final boolean stalledOnly)
    {
        int slot = cursor;
        for (int inspected = 0; inspected < scanWindow; inspected++)
        {
            if (0 != pid[slot] && (!stalledOnly || 0 != (meta[slot] & STALLED))
                && now - timer.armedAt(slot) >= evictionBarNanos)
            {
                return slot;
            }
            slot = advance(slot, 1);
        }
        return StallTimer.NIL;
    }

    private int advance(final int slot, final int by)
    {
        final int next = slot + by;
        return next >= capacity ? next - capacity : next;
    }

    private void resetSlot(final int slot, final long framePid, final int frameStatus, final long timestamp,
        final long nonce, final long now, final int beatOrigin, final long procStart, final long pidNsInode)
    {
        final boolean terminal = NONCE_TERMINAL == nonce;
        if (0 != (meta[slot] & STALLED))
        {
            stalledCount--;
        }
        pid[slot] = (int)framePid;
        nonceAndBeats[2 * slot] = terminal ? 0L : nonce;
        lastTerminalTimestamp[slot] = terminal ? timestamp : 0L;
        meta[slot] = (terminal ? HAS_TERMINAL | LAST_WAS_TERMINAL : HAS_REGULAR) | ((beatOrigin & 0xFF) << ORIGIN_SHIFT);
        if (ProcessIdentity.NOT_READ != procStart)
        {
            startTime[slot] = procStart;
        }
        if (ProcessIdentity.NOT_READ != pidNsInode)
        {
            nsInode[slot] = pidNsInode;
        }
        refresh(slot, frameStatus, now);
    }

    private void refresh(final int slot, final int frameStatus, final long now)
    {
        final int m = meta[slot];
        if (0 != (m & STALLED))
        {
            stalledCount--;
        }
        meta[slot] = (m & ~(STALLED | STATUS_MASK)) | (frameStatus & STATUS_MASK);
        nonceAndBeats[2 * slot + 1]++;
        counters[TrackerCounter.ACCEPTED]++;
        timer.arm(slot, now);
    }

    /** Unmaps, disarms and pushes the slot on the free stack. */
    private void freeSlot(final int slot)
    {
        index.remove(pid(slot));
        timer.disarm(slot);
        if (0 != (meta[slot] & STALLED))
        {
            stalledCount--;
        }
        pid[slot] = 0;
        meta[slot] = 0;
        freeStack[freeTop++] = slot;
    }

    /** Identity values are unsigned in practice but never reach 2^63; the two special values are negative. */
    private static boolean isKnown(final long identityValue)
    {
        return identityValue >= 0;
    }

    private static int acceptedCode(final boolean terminal)
    {
        return terminal ? BeatOutcome.TERMINAL_ACCEPTED : BeatOutcome.ACCEPTED;
    }

    /**
     * Beat times come from each datagram's arrival, in ring order; they are kept non-decreasing among themselves
     * only. A stall poll does not move them: a poll runs at "now", while the next beat handled may have arrived
     * before that (it waited in the ring during the poll), and judging it at the poll time would make it look
     * later than it was (and its successor too close to it).
     */
    private long clampBeatNow(final long nowNanos)
    {
        if (nowNanos > lastBeatNow)
        {
            lastBeatNow = nowNanos;
        }
        return lastBeatNow;
    }

    private long clampPollNow(final long nowNanos)
    {
        if (nowNanos > lastPollNow)
        {
            lastPollNow = nowNanos;
        }
        return lastPollNow;
    }
}
