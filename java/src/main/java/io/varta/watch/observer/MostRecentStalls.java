package io.varta.watch.observer;

/**
 * The K most recently stalled slots among those offered, in O(offered) time whatever their order, with a
 * buffer of 2K (time, slot) pairs kept between uses: candidates no more recent than the current K-th are
 * refused with one comparison; the others are appended, and when the buffer is full a quickselect keeps the K
 * most recent (and raises the bar to the K-th of them). Each compaction costs O(K) and follows K appends, so
 * even slots offered from oldest to newest (every one a candidate) cost O(1) each, amortised. A bounded heap
 * would pay O(log K) per candidate instead: 100 ms for a million stalled slots offered oldest first.
 *
 * <p>Slots of equal stall time are interchangeable. The kept slots come out in no particular order.
 *
 * <p>Threading: confined to one thread (the observer thread, inside {@link PidSnapshotPublisher}).
 */
final class MostRecentStalls
{
    private long[] times = new long[0];
    private int[] slots = new int[0];
    private int limit;
    private int size;
    private long bar;

    /**
     * Starts a new selection; grows the buffer to 2k if needed (it is kept for the next one).
     *
     * @param k how many slots to keep (≥ 0)
     */
    void reset(final int k)
    {
        final int capacity = (int)Math.min(Integer.MAX_VALUE - 8, 2L * k);
        if (times.length < capacity)
        {
            times = new long[capacity];
            slots = new int[capacity];
        }
        limit = k;
        size = 0;
        bar = Long.MIN_VALUE;
    }

    /**
     * Offers one stalled slot.
     *
     * @param slot the tracker slot
     * @param stallTime when it went silent (any monotonic time; larger = more recent)
     */
    void offer(final int slot, final long stallTime)
    {
        if (0 == limit || (size >= limit && stallTime <= bar))
        {
            return;
        }
        if (size == times.length)
        {
            keepMostRecent();
        }
        times[size] = stallTime;
        slots[size] = slot;
        size++;
    }

    /** Ends the offers: at most k slots are kept afterwards. */
    void finish()
    {
        if (size > limit)
        {
            keepMostRecent();
        }
    }

    /** @return slots kept (≤ k after {@link #finish()}) */
    int size()
    {
        return size;
    }

    /** @param i 0..size-1 @return a kept slot */
    int slot(final int i)
    {
        return slots[i];
    }

    /** Moves the {@code limit} most recent to the front, drops the rest, raises the bar to the oldest kept. */
    private void keepMostRecent()
    {
        select(limit);
        size = limit;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < size; i++)
        {
            oldest = Math.min(oldest, times[i]);
        }
        bar = oldest;
    }

    /**
     * Quickselect, three-way partition (many equal times stay linear): afterwards [0, k) holds k of the largest
     * times in [0, size).
     */
    private void select(final int k)
    {
        int lo = 0;
        int hi = size - 1;
        while (lo < hi)
        {
            final long pivot = median(times[lo], times[(lo + hi) >>> 1], times[hi]);
            int lt = lo;
            int i = lo;
            int gt = hi;
            while (i <= gt) // [lo, lt) > pivot, [lt, i) == pivot, (gt, hi] < pivot
            {
                final long t = times[i];
                if (t > pivot)
                {
                    swap(lt++, i++);
                }
                else if (t < pivot)
                {
                    swap(i, gt--);
                }
                else
                {
                    i++;
                }
            }
            if (k < lt)
            {
                hi = lt - 1;
            }
            else if (k > gt + 1)
            {
                lo = gt + 1;
            }
            else
            {
                return;
            }
        }
    }

    private static long median(final long a, final long b, final long c)
    {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private void swap(final int i, final int j)
    {
        final long t = times[i];
        times[i] = times[j];
        times[j] = t;
        final int s = slots[i];
        slots[i] = slots[j];
        slots[j] = s;
    }
}
