package io.varta.watch.bench;

import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.ObserverClock;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerListener;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Stall detection latency with the real clock: for each N, beats N pids with their beats spread evenly over
 * a spread window (running due stalls between beats and parking until the next beat or deadline), then
 * runs the observer's idle loop (park until {@link Tracker#nextDeadlineNanos()},
 * {@link Tracker#pollStalls(long)}) until every pid has stalled once, recording for each stall
 * {@code emit time − (last beat + threshold)} where the emit time is read inside the listener. The right-hand
 * columns show how late {@code parkNanos} returned after the deadline it was asked for (OS wake-up jitter,
 * which bounds what any structure can achieve).
 *
 * <p>Run: {@code java -Xmx2g -cp bench/target/benchmarks.jar io.varta.watch.bench.StallLatencyHarness
 * [thresholdMs] [spreadMs] [N...]} (defaults 1000 ms, 500 ms, 1000 100000 1000000). Main thread only.
 */
public final class StallLatencyHarness
{
    /** Waits shorter than this spin instead of parking (during the fill phase only). */
    private static final long SPIN_NANOS = 200_000L;

    private StallLatencyHarness()
    {
    }

    /**
     * @param args optional threshold ms, spread ms, pid counts
     */
    public static void main(final String[] args)
    {
        final long thresholdMs = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        final long spreadMs = args.length > 1 ? Long.parseLong(args[1]) : 500;
        int[] counts = {1_000, 100_000, 1_000_000};
        if (args.length > 2)
        {
            counts = Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray();
        }
        System.out.printf("threshold %d ms, beats spread over %d ms, latency = emit - (last beat + threshold)%n",
            thresholdMs, spreadMs);
        run(100_000, thresholdMs, spreadMs, false); // JIT warm-up, not reported
        System.out.printf("%10s %10s %10s %10s %10s %10s %8s | %7s %10s %10s %10s%n", "pids", "p50 us", "p99 us",
            "p99.9 us", "max us", "wakeups", "stalls", "parks", "late p50", "late p99", "late max");
        for (final int n : counts)
        {
            run(n, thresholdMs, spreadMs, true);
        }
    }

    private static void run(final int n, final long thresholdMs, final long spreadMs, final boolean print)
    {
        final ObserverClock clock = ObserverClock.monotonic();
        final long[] latencies = new long[n];
        final int[] recorded = new int[1];
        final long thresholdNanos = thresholdMs * 1_000_000L;
        final TrackerListener listener = new TrackerListener()
        {
            @Override
            public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
                final long nowNanos)
            {
                latencies[recorded[0]++] = clock.nowNanos() - (lastBeatNanos + thresholdNanos);
            }

            @Override
            public void onEviction(final long pid)
            {
            }

            @Override
            public void onPidRecycled(final long pid, final boolean retired)
            {
            }
        };
        final Tracker tracker = new Tracker(n, thresholdNanos, EvictionPolicy.STRICT, 256, listener);
        final long spreadNanos = spreadMs * 1_000_000L;
        final long start = clock.nowNanos();
        for (int i = 0; i < n; i++)
        {
            final long due = start + spreadNanos * i / n;
            long now = clock.nowNanos();
            while (now < due)
            {
                // Like the observer: run due stalls, then wait for the next record or deadline, whichever
                // comes first (parking when it is far, spinning when it is close).
                if (now >= tracker.nextDeadlineNanos())
                {
                    tracker.pollStalls(now);
                }
                final long wait = Math.min(due, tracker.nextDeadlineNanos()) - now;
                if (wait > SPIN_NANOS)
                {
                    LockSupport.parkNanos(wait);
                }
                now = clock.nowNanos();
            }
            tracker.beat(i + 2, 0, now, 1, now);
            if (now >= tracker.nextDeadlineNanos())
            {
                tracker.pollStalls(now);
            }
        }
        long wakeups = 0;
        int parks = 0;
        final long[] lateness = new long[n];
        while (recorded[0] < n)
        {
            final long deadline = tracker.nextDeadlineNanos();
            final long wait = deadline - clock.nowNanos();
            if (wait > 0)
            {
                LockSupport.parkNanos(wait);
                lateness[parks++] = clock.nowNanos() - deadline;
            }
            wakeups++;
            tracker.pollStalls(clock.nowNanos());
        }
        if (print)
        {
            Arrays.sort(latencies);
            final long[] parked = Arrays.copyOf(lateness, parks);
            Arrays.sort(parked);
            System.out.printf("%10d %10.1f %10.1f %10.1f %10.1f %10d %8d | %7d %10.1f %10.1f %10.1f%n", n,
                us(latencies, 0.50), us(latencies, 0.99), us(latencies, 0.999), latencies[n - 1] / 1000.0, wakeups,
                recorded[0], parks, us(parked, 0.50), us(parked, 0.99), 0 == parks ? 0.0 : parked[parks - 1] / 1000.0);
        }
    }

    private static double us(final long[] sorted, final double quantile)
    {
        final int i = (int)Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }
}
