package io.varta.watch.recovery;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * When each pid was last recovered, and for which process: the debounce ledger. Keyed by pid; an entry remembers
 * the process lineage (its start time) it fired for, so a recycled pid does not inherit the debounce of the
 * process that had it before. Entries are kept in firing order (observer time never goes back), which makes
 * both pruning (entries older than 10 × the window go) and "evict the oldest" O(1) each.
 *
 * <p>Bounded: at most {@code capacity} entries. A new pid finds room when the ledger is not full or when its
 * oldest entry is older than the window (that entry is evicted); otherwise it is refused: the ledger fails
 * closed rather than forgetting a pid still inside its window.
 *
 * <p>Threading: observer thread only.
 */
final class DebounceLedger
{
    /** {@link #check}: no entry, or one outside the window, for this process. */
    static final int CLEAR = 0;
    /** {@link #check}: this process was recovered less than the window ago. */
    static final int WITHIN_WINDOW = 1;
    /** {@link #check}: the entry belongs to another process that had this pid. */
    static final int OTHER_LINEAGE = 2;

    private static final int PRUNE_MULTIPLIER = 10;

    private final int capacity;
    private final long windowNanos;
    private final long pruneAgeNanos;
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();

    private static final class Entry
    {
        final long lineage;
        final long firedNanos;
        final long token;

        Entry(final long lineage, final long firedNanos, final long token)
        {
            this.lineage = lineage;
            this.firedNanos = firedNanos;
            this.token = token;
        }
    }

    /**
     * @param capacity most entries
     * @param windowNanos {@code --recovery-debounce-ms} in ns (0: nothing is ever debounced)
     */
    DebounceLedger(final int capacity, final long windowNanos)
    {
        this.capacity = capacity;
        this.windowNanos = windowNanos;
        this.pruneAgeNanos = windowNanos > Long.MAX_VALUE / PRUNE_MULTIPLIER ? Long.MAX_VALUE
            : windowNanos * PRUNE_MULTIPLIER;
    }

    /** Drops entries fired more than 10 × the window before {@code nowNanos}. */
    void prune(final long nowNanos)
    {
        final Iterator<Entry> oldestFirst = entries.values().iterator();
        while (oldestFirst.hasNext() && nowNanos - oldestFirst.next().firedNanos > pruneAgeNanos)
        {
            oldestFirst.remove();
        }
    }

    /** @return {@link #CLEAR}, {@link #WITHIN_WINDOW} or {@link #OTHER_LINEAGE} for this pid and process */
    int check(final long pid, final long lineage, final long nowNanos)
    {
        final Entry entry = entries.get(pid);
        if (null == entry)
        {
            return CLEAR;
        }
        if (entry.lineage != lineage)
        {
            return OTHER_LINEAGE;
        }
        return nowNanos - entry.firedNanos < windowNanos ? WITHIN_WINDOW : CLEAR;
    }

    /** @return true when {@link #record} can take this pid (it has an entry, there is room, or the oldest may go) */
    boolean hasRoomFor(final long pid, final long nowNanos)
    {
        if (entries.size() < capacity || entries.containsKey(pid))
        {
            return true;
        }
        return nowNanos - entries.values().iterator().next().firedNanos >= windowNanos;
    }

    /**
     * Records a recovery; call only after {@link #hasRoomFor} said yes.
     *
     * @return true when the oldest entry was evicted to make room
     */
    boolean record(final long pid, final long lineage, final long nowNanos, final long token)
    {
        boolean evicted = false;
        if (null == entries.remove(pid) && entries.size() >= capacity)
        {
            final Iterator<Entry> oldest = entries.values().iterator();
            oldest.next();
            oldest.remove();
            evicted = true;
        }
        entries.put(pid, new Entry(lineage, nowNanos, token));
        return evicted;
    }

    /** Forgets the entry of a recovery whose spawn failed (a failed spawn does not arm the debounce). */
    void forget(final long pid, final long token)
    {
        final Entry entry = entries.get(pid);
        if (null != entry && entry.token == token)
        {
            entries.remove(pid);
        }
    }

    /** @return entries held */
    int size()
    {
        return entries.size();
    }
}
