package io.varta.watch.recovery;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-over queue: bounded, never waiting, FIFO and whole records across two threads. */
class RecordQueueTest
{
    @Test
    void aFullQueueRefusesAtOnceAndRoomIsExact()
    {
        final RecordQueue q = new RecordQueue(3);
        assertEquals(4, q.capacity(), "rounded up to a power of two");
        for (int i = 0; i < 4; i++)
        {
            assertEquals(4 - i, q.room());
            assertTrue(q.offer(i, i, i, i));
        }
        assertFalse(q.offer(9, 9, 9, 9));
        final long[] r = new long[RecordQueue.FIELDS];
        assertTrue(q.poll(r));
        assertEquals(0, r[0]);
        assertEquals(1, q.room());
        assertTrue(q.offer(4, 4, 4, 4));
        for (int i = 1; i <= 4; i++)
        {
            assertTrue(q.poll(r));
            assertEquals(i, r[3]);
        }
        assertFalse(q.poll(r));
        assertTrue(q.isEmpty());
    }

    @Test
    void recordsCrossThreadsWholeAndInOrder() throws InterruptedException
    {
        final RecordQueue q = new RecordQueue(64);
        final int n = 1_000_000;
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread consumer = new Thread(() ->
        {
            final long[] r = new long[RecordQueue.FIELDS];
            for (long expected = 0; expected < n; )
            {
                if (!q.poll(r))
                {
                    Thread.onSpinWait();
                    continue;
                }
                if (r[0] != expected || r[1] != -expected || r[2] != expected * 3 || r[3] != ~expected)
                {
                    failure.compareAndSet(null, "record " + expected + " torn or out of order: " + r[0]);
                    return;
                }
                expected++;
            }
        });
        consumer.start();
        for (long i = 0; i < n; )
        {
            if (q.offer(i, -i, i * 3, ~i))
            {
                i++;
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        consumer.join();
        assertNull(failure.get());
        assertTrue(q.isEmpty());
    }
}
