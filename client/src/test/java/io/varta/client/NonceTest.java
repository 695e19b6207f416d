package io.varta.client;

import io.varta.vlp.Frame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nonces increase across threads and skip the terminal nonce; terminal timestamps only increase. */
class NonceTest
{
    @Test
    void noncesAreUniqueAndIncreasingOnEveryThread() throws InterruptedException
    {
        final int threads = 4;
        final int each = 50_000;
        final List<long[]> seen = new ArrayList<>();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final long[] mine = new long[each];
            seen.add(mine);
            final Thread worker = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                for (int i = 0; i < each; i++)
                {
                    mine[i] = VartaClient.nextNonce();
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (final Thread worker : workers)
        {
            worker.join();
        }
        final Set<Long> all = new HashSet<>();
        for (final long[] mine : seen)
        {
            for (int i = 0; i < each; i++)
            {
                assertTrue(all.add(mine[i]), "nonce " + mine[i] + " handed out twice");
                if (i > 0)
                {
                    assertTrue(Long.compareUnsigned(mine[i], mine[i - 1]) > 0);
                }
            }
        }
        assertEquals(threads * each, all.size());
    }

    @Test
    void theCounterSkipsTheTerminalNonceAndWrapsToZero()
    {
        VartaClient.lastNonceForTest(Frame.NONCE_TERMINAL - 2);
        assertEquals(Frame.NONCE_TERMINAL - 1, VartaClient.nextNonce());
        assertEquals(0, VartaClient.nextNonce());
        assertEquals(1, VartaClient.nextNonce());
    }

    @Test
    void terminalTimestampsOnlyIncrease()
    {
        long last = VartaClient.nextTerminalTimestamp();
        for (int i = 0; i < 100_000; i++)
        {
            final long next = VartaClient.nextTerminalTimestamp();
            assertTrue(Long.compareUnsigned(next, last) > 0);
            last = next;
        }
    }
}
