package io.varta.watch.bench;

import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.PidIndex;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerListener;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Bytes per tracked pid, measured two ways: heap used after a full GC before and after building and
 * filling a tracker of N pids, and the sum of the tracker's array sizes. Run:
 * {@code java -Xmx2g -cp bench/target/benchmarks.jar io.varta.watch.bench.TrackerFootprint [N]}.
 * Main thread only.
 */
public final class TrackerFootprint
{
    private TrackerFootprint()
    {
    }

    /**
     * @param args optional pid count (default 1,048,576)
     */
    public static void main(final String[] args)
    {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        final long before = usedAfterGc();
        final Tracker tracker = new Tracker(n, 5_000_000_000L, EvictionPolicy.STRICT, 256, TrackerListener.NONE);
        for (int i = 0; i < n; i++)
        {
            tracker.beat(i + 2, 0, i, 1, i);
        }
        final long after = usedAfterGc();
        final long tableLength = new PidIndex(n).tableLength();
        // Per slot: pid 4, nonce+beats 16, lastTerminalTs 8, meta 4, stalls 8, startTime 8, nsInode 8,
        // freeStack 4, timer record 16 = 76; index 8 per table entry.
        final long computed = 76L * n + 8L * tableLength;
        System.out.printf("pids=%d tracked=%d%n", n, tracker.size());
        System.out.printf("measured (heap after GC, delta): %d bytes = %.1f bytes/pid%n",
            after - before, (after - before) / (double)n);
        System.out.printf("computed (array sizes):          %d bytes = %.1f bytes/pid%n", computed, computed / (double)n);
        if (tracker.size() != n)
        {
            throw new IllegalStateException();
        }
    }

    private static long usedAfterGc()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
