package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PidIndexTest
{
    /** Pids whose home position in a table of {@code tableLength} entries is {@code home}. */
    private static long[] collidingPids(final int count, final int tableLength, final int home)
    {
        final long[] pids = new long[count];
        int found = 0;
        for (long pid = 2; found < count; pid++)
        {
            if ((PidIndex.mix((int)pid) & (tableLength - 1)) == home)
            {
                pids[found++] = pid;
            }
        }
        return pids;
    }

    @Test
    void insertRemoveReinsertUnderHeavyCollisionKeepsEveryMappingReachable()
    {
        final PidIndex index = new PidIndex(32);
        final int tableLength = index.tableLength();
        final long[] sameHome = collidingPids(12, tableLength, tableLength - 2);
        final long[] nextHome = collidingPids(6, tableLength, tableLength - 1);
        final Map<Long, Integer> expected = new HashMap<>();
        int slot = 0;
        for (int i = 0; i < sameHome.length; i++)
        {
            index.put(sameHome[i], slot);
            expected.put(sameHome[i], slot++);
            if (i < nextHome.length)
            {
                index.put(nextHome[i], slot);
                expected.put(nextHome[i], slot++);
            }
        }
        // Remove every other colliding pid (runs wrap around the table end), then check all, then re-insert.
        for (int i = 0; i < sameHome.length; i += 2)
        {
            assertEquals(expected.remove(sameHome[i]).intValue(), index.remove(sameHome[i]));
            assertEquals(PidIndex.MISSING, index.get(sameHome[i]));
        }
        for (final Map.Entry<Long, Integer> e : expected.entrySet())
        {
            assertEquals(e.getValue().intValue(), index.get(e.getKey()), "pid " + e.getKey());
        }
        for (int i = 0; i < sameHome.length; i += 2)
        {
            assertEquals(PidIndex.MISSING, index.put(sameHome[i], 100 + i));
            expected.put(sameHome[i], 100 + i);
        }
        assertEquals(expected.size(), index.size());
        for (final Map.Entry<Long, Integer> e : expected.entrySet())
        {
            assertEquals(e.getValue().intValue(), index.get(e.getKey()), "pid " + e.getKey());
        }
    }

    @Test
    void randomChurnMatchesAHashMap()
    {
        final int capacity = 1000;
        final PidIndex index = new PidIndex(capacity);
        final Map<Long, Integer> model = new HashMap<>();
        final Random random = new Random(42);
        for (int step = 0; step < 200_000; step++)
        {
            final long pid = 2 + random.nextInt(3000);
            if (random.nextBoolean() && (model.size() < capacity || model.containsKey(pid)))
            {
                final Integer previous = model.put(pid, step & 0xFFFF);
                assertEquals(null == previous ? PidIndex.MISSING : previous, index.put(pid, step & 0xFFFF));
            }
            else
            {
                final Integer previous = model.remove(pid);
                assertEquals(null == previous ? PidIndex.MISSING : previous, index.remove(pid));
            }
        }
        assertEquals(model.size(), index.size());
        for (long pid = 2; pid < 3002; pid++)
        {
            final Integer slot = model.get(pid);
            assertEquals(null == slot ? PidIndex.MISSING : slot, index.get(pid));
        }
    }

    @Test
    void fullIndexRefusesANewPidButAcceptsAnUpdate()
    {
        final PidIndex index = new PidIndex(2);
        index.put(10, 0);
        index.put(11, 1);
        assertThrows(IllegalStateException.class, () -> index.put(12, 2));
        assertEquals(1, index.put(11, 5));
        assertEquals(5, index.get(11));
    }

    @Test
    void largestUnsignedPidIsAcceptedAndZeroIsRejected()
    {
        final PidIndex index = new PidIndex(4);
        index.put(0xFFFF_FFFFL, 3);
        assertEquals(3, index.get(0xFFFF_FFFFL));
        assertThrows(IllegalArgumentException.class, () -> index.get(0));
        assertThrows(IllegalArgumentException.class, () -> index.put(1L << 32, 0));
    }

    @Test
    void capacityIsBoundedByTheLinuxPidMaxCeiling()
    {
        assertThrows(IllegalArgumentException.class, () -> new PidIndex(0));
        assertThrows(IllegalArgumentException.class, () -> new PidIndex(PidIndex.MAX_CAPACITY + 1));
        assertEquals(4, new PidIndex(1).tableLength());
        assertEquals(2048, new PidIndex(1024).tableLength());
    }
}
