package io.varta.watch.observer;

import io.varta.watch.tracker.Tracker;

import java.util.concurrent.locks.LockSupport;

/**
 * Hands {@link PidSnapshot}s from the observer thread to scrapes without a lock and without any per-frame
 * cost: a scrape {@link #request requests} one and wakes the observer thread; the observer thread, at the end
 * of its loop iteration, sees the request (one volatile read per iteration), copies the rows of every tracked
 * pid into fresh arrays and publishes them through a volatile reference; the scrape waits a bounded time for
 * it and otherwise uses the previous snapshot. Nobody scraping means nothing is copied.
 *
 * <p>Threading: {@link #publishIfRequested} on the observer thread only; {@link #request} and {@link #latest}
 * on any thread (scrapes are serialised by the scrape cache, so at most one waits at a time; more would
 * still work, each parks with a timeout).
 */
public final class PidSnapshotPublisher
{
    private volatile boolean requested;
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

    /** Any thread: the newest published snapshot. */
    public PidSnapshot latest()
    {
        return latest;
    }

    /**
     * Any thread: asks the observer thread for a fresh snapshot and waits for it.
     *
     * @param wake wakes the observer thread if it sleeps
     * @param timeoutNanos longest wait
     * @return the fresh snapshot, or the previous one if the observer thread did not answer in time
     */
    public PidSnapshot request(final Runnable wake, final long timeoutNanos)
    {
        final long before = latest.sequence();
        waiter = Thread.currentThread();
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
        final int n = tracker.size();
        pids = new long[n];
        beats = new long[n];
        stalls = new long[n];
        status = new byte[n];
        rows = 0;
        source = tracker;
        tracker.forEachTracked(copier);
        source = null;
        latest = new PidSnapshot(pids, beats, stalls, status, rows, ++sequence);
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

    private void copy(final int slot, final long pid)
    {
        if (rows == pids.length)
        {
            return; // cannot happen: size() counts exactly the slots forEachTracked visits
        }
        pids[rows] = pid;
        beats[rows] = source.beats(slot);
        stalls[rows] = source.stalls(slot);
        status[rows] = (byte)source.status(slot);
        rows++;
    }
}
