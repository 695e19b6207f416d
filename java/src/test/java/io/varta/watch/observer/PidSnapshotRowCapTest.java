package io.varta.watch.observer;

import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerListener;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The row cap of {@link PidSnapshotPublisher}: which pids get rows when the tracker holds more than asked. */
class PidSnapshotRowCapTest
{
    private static final long MS = 1_000_000L;
    private static final long THRESHOLD = 100 * MS;

    private final Tracker tracker = new Tracker(64, THRESHOLD, EvictionPolicy.STRICT, 64, TrackerListener.NONE);
    private final PidSnapshotPublisher publisher = new PidSnapshotPublisher();

    @Test
    void stalledPidsComeFirstThenOthersInSlotOrderAndTheRestAreCounted() throws Exception
    {
        for (int pid = 1; pid <= 10; pid++)
        {
            tracker.beat(pid, 0, 1, 1, pid * MS); // pids 1..10 stall at 200 ms
        }
        tracker.pollStalls(200 * MS);
        for (int pid = 11; pid <= 40; pid++)
        {
            tracker.beat(pid, 1, 1, 1, 200 * MS); // 30 pids beating, slots in pid order
        }
        tracker.beat(3, 0, 2, 2, 250 * MS); // pid 3 beats again: no longer stalled

        final PidSnapshot s = requestOnObserverThread(15);
        assertEquals(15, s.count());
        assertEquals(40, s.tracked());
        assertEquals(25, s.omitted());
        final Set<Long> rows = pids(s);
        // the 9 stalled pids, then the first 6 others in slot order: pid 3 (slot 2, beat again), then 11..15
        assertEquals(Set.of(1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 3L, 11L, 12L, 13L, 14L, 15L), rows);
        for (int row = 0; row < 9; row++)
        {
            assertEquals(Tracker.STATUS_STALL, s.status(row), "stalled rows first");
            assertTrue(3 != s.pid(row), "pid 3 beat again after its stall: not stalled any more");
        }
    }

    @Test
    void moreStalledPidsThanTheCapKeepsTheMostRecentStalls() throws Exception
    {
        for (int pid = 1; pid <= 20; pid++)
        {
            tracker.beat(pid, 0, 1, 1, (21 - pid) * MS); // pid 1 beat last, so it stalled most recently
        }
        tracker.beat(30, 0, 1, 1, 50 * MS);
        tracker.pollStalls(121 * MS); // every pid but 30 (due at 150 ms)
        final PidSnapshot s = requestOnObserverThread(5);
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), pids(s));
        assertEquals(21, s.tracked());
        assertEquals(16, s.omitted());
    }

    @Test
    void aCapAtOrAboveTheTrackedCountCopiesEveryRowAndZeroCopiesNone() throws Exception
    {
        for (int pid = 1; pid <= 8; pid++)
        {
            tracker.beat(pid, 0, 1, 1, MS);
        }
        final PidSnapshot all = requestOnObserverThread(8);
        assertEquals(8, all.count());
        assertEquals(0, all.omitted());
        final PidSnapshot none = requestOnObserverThread(0);
        assertEquals(0, none.count());
        assertEquals(8, none.tracked());
        assertEquals(8, none.omitted());
    }

    private static Set<Long> pids(final PidSnapshot s)
    {
        final Set<Long> pids = new HashSet<>();
        for (int row = 0; row < s.count(); row++)
        {
            pids.add(s.pid(row));
        }
        return pids;
    }

    /** The test thread plays the scrape; a helper thread plays the observer thread, woken by the request. */
    private PidSnapshot requestOnObserverThread(final int maxRows) throws InterruptedException
    {
        final Thread observer = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                publisher.publishIfRequested(tracker);
                LockSupport.parkNanos(100_000);
            }
        });
        observer.start();
        try
        {
            final long before = publisher.latest().sequence();
            final PidSnapshot s = publisher.request(() -> LockSupport.unpark(observer), TimeUnit.SECONDS.toNanos(5),
                maxRows);
            assertTrue(s.sequence() > before, "a fresh snapshot");
            return s;
        }
        finally
        {
            observer.interrupt();
            observer.join();
        }
    }
}
