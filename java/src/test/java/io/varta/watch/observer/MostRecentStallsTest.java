package io.varta.watch.observer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MostRecentStallsTest
{
    private final MostRecentStalls stalls = new MostRecentStalls();

    /** Offers slot i with times[i]; returns the kept times, sorted. */
    private long[] keep(final int k, final long[] times)
    {
        stalls.reset(k);
        for (int slot = 0; slot < times.length; slot++)
        {
            stalls.offer(slot, times[slot]);
        }
        stalls.finish();
        final long[] kept = new long[stalls.size()];
        final boolean[] seen = new boolean[times.length];
        for (int i = 0; i < kept.length; i++)
        {
            final int slot = stalls.slot(i);
            assertEquals(false, seen[slot], "slot kept twice");
            seen[slot] = true;
            kept[i] = times[slot];
        }
        Arrays.sort(kept);
        return kept;
    }

    private static long[] largest(final int k, final long[] times)
    {
        final long[] sorted = times.clone();
        Arrays.sort(sorted);
        return Arrays.copyOfRange(sorted, Math.max(0, sorted.length - k), sorted.length);
    }

    @Test
    void keepsTheKMostRecentWhateverTheOrder()
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (final int n : new int[] {0, 1, 5, 100, 10_000})
        {
            final long[] shuffled = random.longs(n, 0, 1_000_000).toArray();
            final long[] ascending = shuffled.clone();
            Arrays.sort(ascending);
            final long[] descending = IntStream.range(0, n).mapToLong(i -> ascending[n - 1 - i]).toArray();
            final long[] fewValues = random.longs(n, 0, 3).toArray();
            for (final int k : new int[] {0, 1, 7, 64, n, n + 5})
            {
                for (final long[] times : new long[][] {shuffled, ascending, descending, fewValues})
                {
                    assertArrayEquals(largest(k, times), keep(k, times), () -> "n=" + n + " k=" + k);
                }
            }
        }
    }

    @Test
    void theBufferIsReusedAcrossSelections()
    {
        assertArrayEquals(new long[] {8, 9}, keep(2, new long[] {5, 9, 1, 8, 3}));
        assertArrayEquals(new long[] {4}, keep(1, new long[] {4, 2}));
        assertArrayEquals(new long[] {1, 2, 3}, keep(8, new long[] {3, 1, 2}));
    }
}
