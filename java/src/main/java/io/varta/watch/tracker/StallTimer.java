package io.varta.watch.tracker;

/**
 * Deadline queue of armed tracker slots: answers "which slots have been silent for at least the threshold"
 * in O(1) per beat and O(due stalls) per poll, independent of how many slots are tracked.
 *
 * <p><b>Why a list and not a wheel or a heap.</b> Every slot shares one threshold, and a slot is (re)armed
 * only with the current observer time, which never goes backwards ({@link ObserverClock}). So deadlines
 * are armed in non-decreasing order: appending the slot at the tail of a FIFO keeps the whole queue sorted
 * by deadline. An intrusive doubly-linked list over slot indices then gives
 * <ul>
 *   <li>{@link #arm}: unlink from anywhere + append at the tail, O(1);</li>
 *   <li>{@link #pollDue}: the head is the earliest deadline; pop while due, O(1) each;</li>
 *   <li>{@link #nextDeadlineNanos}: the head's deadline, O(1), exact to the nanosecond (no tick rounding,
 *       unlike a timing wheel).</li>
 * </ul>
 * A heap would cost O(log n) per beat; a hashed wheel adds tick rounding and cascading for no gain here.
 *
 * <p><b>Layout.</b> One {@code long[]} with a 16-byte record per slot, so arming a slot touches one cache
 * line for the slot itself (records are 16-byte aligned and never straddle a line) plus one per neighbour:
 * <pre>
 *  entries[2·slot]      armedAt  observer ns of the last arm (= last accepted beat); kept when disarmed
 *  entries[2·slot + 1]  links    bits 63..32 prev slot (NIL at the head, UNLINKED when not armed),
 *                                bits 31..0  next slot (NIL at the tail), both signed ints
 * </pre>
 * The tracker uses {@code armedAt} as its "last accepted beat" time, so it is not stored twice.
 *
 * <p><b>Threading:</b> not thread-safe; observer thread only.
 *
 * <pre>{@code
 * StallTimer timer = new StallTimer(256, 5_000_000_000L);
 * timer.arm(slot, now);
 * for (int s = timer.pollDue(now); s != StallTimer.NIL; s = timer.pollDue(now)) { ... }
 * long sleepUntil = timer.nextDeadlineNanos();
 * }</pre>
 */
public final class StallTimer
{
    /** "No slot": end of the queue, or nothing due. */
    public static final int NIL = -1;
    private static final int UNLINKED = -2;

    private final long thresholdNanos;
    private static final long UNLINKED_LINKS = links(UNLINKED, NIL);
    private static final long NEXT_MASK = 0xFFFF_FFFFL;

    private final long[] entries;
    private int head = NIL;
    private int tail = NIL;
    private int armedCount;

    /**
     * @param capacity       number of slots, 1 .. {@link PidIndex#MAX_CAPACITY}
     * @param thresholdNanos silence after which an armed slot is due, &gt; 0
     */
    public StallTimer(final int capacity, final long thresholdNanos)
    {
        if (capacity < 1 || capacity > PidIndex.MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be 1.." + PidIndex.MAX_CAPACITY + ": " + capacity);
        }
        if (thresholdNanos <= 0)
        {
            throw new IllegalArgumentException("threshold must be > 0 ns: " + thresholdNanos);
        }
        this.thresholdNanos = thresholdNanos;
        this.entries = new long[2 * capacity];
        for (int slot = 0; slot < capacity; slot++)
        {
            entries[2 * slot + 1] = UNLINKED_LINKS;
        }
    }

    /** @return the threshold in ns; any thread (immutable) */
    public long thresholdNanos()
    {
        return thresholdNanos;
    }

    /**
     * Arms (or re-arms) a slot at {@code nowNanos}: it becomes due at {@code nowNanos + threshold}.
     * Observer thread only.
     *
     * @param slot     slot index
     * @param nowNanos observer time, not smaller than any earlier arm time (clamped to the tail's if it is)
     */
    public void arm(final int slot, final long nowNanos)
    {
        if (isArmed(slot))
        {
            unlink(slot);
        }
        final int last = tail;
        final long at = NIL != last && nowNanos < entries[2 * last] ? entries[2 * last] : nowNanos;
        entries[2 * slot] = at;
        entries[2 * slot + 1] = links(last, NIL);
        if (NIL == last)
        {
            head = slot;
        }
        else
        {
            setNext(last, slot);
        }
        tail = slot;
        armedCount++;
    }

    /**
     * Takes a slot out of the queue; its arm time is kept. No effect when not armed. Observer thread only.
     *
     * @param slot slot index
     */
    public void disarm(final int slot)
    {
        if (isArmed(slot))
        {
            unlink(slot);
        }
    }

    /**
     * @param slot slot index
     * @return true when the slot is queued; observer thread only
     */
    public boolean isArmed(final int slot)
    {
        return UNLINKED != prev(entries[2 * slot + 1]);
    }

    /**
     * @param slot slot index
     * @return the observer time of the slot's last arm; observer thread only
     */
    public long armedAt(final int slot)
    {
        return entries[2 * slot];
    }

    /** @return number of queued slots; observer thread only */
    public int armedCount()
    {
        return armedCount;
    }

    /**
     * Removes and returns the earliest slot if it is due ({@code now − armedAt ≥ threshold}).
     * Observer thread only.
     *
     * @param nowNanos observer time
     * @return a due slot (now disarmed), or {@link #NIL} when none is due
     */
    public int pollDue(final long nowNanos)
    {
        final int slot = head;
        if (NIL == slot || nowNanos - entries[2 * slot] < thresholdNanos)
        {
            return NIL;
        }
        unlink(slot);
        return slot;
    }

    /**
     * @return the earliest deadline ({@code armedAt + threshold}) in observer ns, or {@link Long#MAX_VALUE}
     *         when nothing is armed; observer thread only
     */
    public long nextDeadlineNanos()
    {
        return NIL == head ? Long.MAX_VALUE : entries[2 * head] + thresholdNanos;
    }

    private void unlink(final int slot)
    {
        final long own = entries[2 * slot + 1];
        final int p = prev(own);
        final int n = next(own);
        if (NIL == p)
        {
            head = n;
        }
        else
        {
            setNext(p, n);
        }
        if (NIL == n)
        {
            tail = p;
        }
        else
        {
            setPrev(n, p);
        }
        entries[2 * slot + 1] = UNLINKED_LINKS;
        armedCount--;
    }

    private void setNext(final int slot, final int next)
    {
        final int i = 2 * slot + 1;
        entries[i] = (entries[i] & ~NEXT_MASK) | (next & NEXT_MASK);
    }

    private void setPrev(final int slot, final int prev)
    {
        final int i = 2 * slot + 1;
        entries[i] = ((long)prev << 32) | (entries[i] & NEXT_MASK);
    }

    private static long links(final int prev, final int next)
    {
        return ((long)prev << 32) | (next & NEXT_MASK);
    }

    private static int prev(final long links)
    {
        return (int)(links >> 32);
    }

    private static int next(final long links)
    {
        return (int)links;
    }
}
