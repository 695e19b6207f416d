package io.varta.watch.observer;

import io.varta.watch.tracker.Tracker;

import java.util.concurrent.locks.LockSupport;

/**
 * Hands {@link PidSnapshot}s from the observer thread to scrapes without a lock and without any per-frame
 * cost: a scrape {@link #request requests} one (with a row cap) and wakes the observer thread; the observer
 * thread, at the end of its loop iteration, sees the request (one volatile read per iteration), copies the
 * rows into fresh arrays and publishes them through a volatile reference; the scrape waits a bounded time for
 * it and otherwise uses the previous snapshot. Nobody scraping means nothing is copied.
 *
 * <p><b>Row cap.</b> When the tracker holds more pids than the request's cap, the copy keeps, in this order:
 * the currently stalled pids, most recent stall first (the K most recent when more than K are stalled), then
 * pids that are not stalled, in tracker slot order (stable while they stay tracked, so the same pids keep
 * their series from scrape to scrape). The observer thread then scans every tracked slot once (reading pid,
 * status flags and, for stalled slots, the last-beat time) but copies and allocates only the rows it keeps:
 * no array of the tracker's size is made per scrape. Choosing the K most recent of S stalled pids costs O(S)
 * whatever their order ({@link MostRecentStalls}). Its scratch (24 bytes per row of the cap for stalled
 * candidates, 4 for the others) is kept between scrapes and only made once the tracker exceeds the cap.
 *
 * <p>Threading: {@link #publishIfRequested} on the observer thread only; {@link #request} and {@link #latest}
 * on any thread (scrapes are serialised by the scrape cache, so at most one waits at a time; more would
 * still work, each parks with a timeout).
 */
public final class PidSnapshotPublisher
{
    private volatile boolean requested;
    private volatile int requestedMaxRows = Integer.MAX_VALUE;
    private volatile Thread waiter;
    private volatile PidSnapshot latest = PidSnapshot.EMPTY;
    private long sequence;

    // Scratch of the observer thread while copying.
    private long[] pids;
    private long[] beats;
    private long[] stalls;
    private byte[] status;
    private int rows;
    private Tracker source;
    private final Tracker.SlotVisitor copier = this::copy;
    private final MostRecentStalls recentStalls = new MostRecentStalls();
    private int[] others = new int[0];
    private int otherCount;
    private int othersLimit;
    private final Tracker.SlotVisitor selector = this::select;

    /** Any thread: the newest published snapshot. */
    public PidSnapshot latest()
    {
        return latest;
    }

    /**
     * Any thread: asks the observer thread for a fresh snapshot with a row for every tracked pid and waits
     * for it.
     *
     * @param wake wakes the observer thread if it sleeps
     * @param timeoutNanos longest wait
     * @return the fresh snapshot, or the previous one if the observer thread did not answer in time
     */
    public PidSnapshot request(final Runnable wake, final long timeoutNanos)
    {
        return request(wake, timeoutNanos, Integer.MAX_VALUE);
    }

    /**
     * Any thread: asks the observer thread for a fresh snapshot of at most {@code maxRows} rows (chosen as the
     * class comment says) and waits for it.
     *
     * @param wake wakes the observer thread if it sleeps
     * @param timeoutNanos longest wait
     * @param maxRows row cap (≥ 0)
     * @return the fresh snapshot, or the previous one if the observer thread did not answer in time
     */
    public PidSnapshot request(final Runnable wake, final long timeoutNanos, final int maxRows)
    {
        if (maxRows < 0)
        {
            throw new IllegalArgumentException("maxRows " + maxRows);
        }
        final long before = latest.sequence();
        waiter = Thread.currentThread();
        requestedMaxRows = maxRows;
        requested = true;
        wake.run();
        final long deadline = System.nanoTime() + timeoutNanos;
        PidSnapshot current = latest;
        while (current.sequence() == before)
        {
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0)
            {
                break;
            }
            LockSupport.parkNanos(this, remaining);
            current = latest;
        }
        waiter = null;
        return current;
    }

    /**
     * Observer thread only, once per loop iteration: publishes a snapshot if one was requested.
     *
     * @param tracker the tracker (read on this thread only)
     */
    public void publishIfRequested(final Tracker tracker)
    {
        if (!requested)
        {
            return;
        }
        requested = false;
        final int maxRows = requestedMaxRows;
        final int n = tracker.size();
        final int kept = Math.min(n, maxRows);
        pids = new long[kept];
        beats = new long[kept];
        stalls = new long[kept];
        status = new byte[kept];
        rows = 0;
        source = tracker;
        if (n <= maxRows)
        {
            tracker.forEachTracked(copier);
        }
        else
        {
            copySelected(tracker, maxRows);
        }
        source = null;
        latest = new PidSnapshot(pids, beats, stalls, status, rows, n, ++sequence);
        pids = null;
        beats = null;
        stalls = null;
        status = null;
        final Thread w = waiter;
        if (null != w)
        {
            LockSupport.unpark(w);
        }
    }

    /** Observer thread: more pids than {@code maxRows}; keeps the stalled ones (most recent first), then others. */
    private void copySelected(final Tracker tracker, final int maxRows)
    {
        recentStalls.reset(maxRows);
        if (others.length < maxRows)
        {
            others = new int[maxRows];
        }
        otherCount = 0;
        othersLimit = maxRows;
        tracker.forEachTracked(selector);
        recentStalls.finish();
        for (int i = 0; i < recentStalls.size(); i++)
        {
            copyRow(recentStalls.slot(i));
        }
        final int room = Math.min(otherCount, maxRows - recentStalls.size());
        for (int i = 0; i < room; i++)
        {
            copyRow(others[i]);
        }
    }

    private void select(final int slot, final long pid)
    {
        if (source.isStalled(slot))
        {
            // the stall deadline is lastBeat + threshold for every slot: the latest last beat stalled last
            recentStalls.offer(slot, source.lastBeatNanos(slot));
        }
        else if (otherCount < othersLimit)
        {
            others[otherCount++] = slot;
        }
    }

    private void copy(final int slot, final long pid)
    {
        if (rows == pids.length)
        {
            return; // cannot happen: size() counts exactly the slots forEachTracked visits
        }
        copyRow(slot);
    }

    private void copyRow(final int slot)
    {
        pids[rows] = source.pid(slot);
        beats[rows] = source.beats(slot);
        stalls[rows] = source.stalls(slot);
        status[rows] = (byte)source.status(slot);
        rows++;
    }
}
