package io.varta.watch.observer;

import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerListener;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class PidSnapshotPublisherTest
{
    private static final long MS = 1_000_000L;

    private final Tracker tracker = new Tracker(16, 100 * MS, EvictionPolicy.STRICT, 16, new TrackerListener()
    {
        @Override
        public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
            final long stallNanos, final boolean agentResumed)
        {
        }

        @Override
        public void onEviction(final long pid)
        {
        }

        @Override
        public void onPidRecycled(final long pid, final boolean retired)
        {
        }
    });
    private final PidSnapshotPublisher publisher = new PidSnapshotPublisher();

    @Test
    void nothingIsCopiedUnlessRequested()
    {
        tracker.beat(7, 0, 1, 1, 0);
        publisher.publishIfRequested(tracker);
        assertSame(PidSnapshot.EMPTY, publisher.latest());
    }

    @Test
    void requestedSnapshotCopiesEveryTrackedPidAndDropsRemovedOnes() throws Exception
    {
        tracker.beat(7, 0, 1, 1, 0);
        tracker.beat(7, 1, 2, 2, MS);
        tracker.beat(30, 2, 1, 1, MS);
        tracker.beat(2, 0, 1, 1, MS);
        tracker.pollStalls(500 * MS);
        tracker.beat(2, 0, 2, 2, 500 * MS);

        final PidSnapshot first = requestOnObserverThread();
        assertEquals(3, first.count());
        assertEquals(1, first.sequence());
        for (int row = 0; row < first.count(); row++)
        {
            if (7 == first.pid(row))
            {
                assertEquals(2, first.beats(row));
                assertEquals(1, first.stalls(row));
                assertEquals(Tracker.STATUS_STALL, first.status(row));
            }
            else if (2 == first.pid(row))
            {
                assertEquals(2, first.beats(row));
                assertEquals(0, first.status(row), "a beat after the stall reports its own status");
            }
        }

        tracker.remove(30);
        final PidSnapshot second = requestOnObserverThread();
        assertEquals(2, second.count());
        assertEquals(2, second.sequence());
        for (int row = 0; row < second.count(); row++)
        {
            assertEquals(false, 30 == second.pid(row), "a dropped pid has no row");
        }
    }

    @Test
    void unansweredRequestFallsBackToThePreviousSnapshotAfterTheTimeout()
    {
        final long start = System.nanoTime();
        assertSame(PidSnapshot.EMPTY, publisher.request(() ->
        {
        }, TimeUnit.MILLISECONDS.toNanos(20)));
        assertEquals(true, System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
    }

    /** The test thread plays the scrape; a helper thread plays the observer thread, woken by the request. */
    private PidSnapshot requestOnObserverThread() throws InterruptedException
    {
        final AtomicReference<Thread> observer = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                publisher.publishIfRequested(tracker);
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        });
        observer.set(t);
        t.start();
        try
        {
            return publisher.request(() -> java.util.concurrent.locks.LockSupport.unpark(t),
                TimeUnit.SECONDS.toNanos(5));
        }
        finally
        {
            t.interrupt();
            t.join();
        }
    }
}
