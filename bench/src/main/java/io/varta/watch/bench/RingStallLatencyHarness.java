package io.varta.watch.bench;

import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.observer.ObserverLoop;
import io.varta.watch.tracker.ObserverClock;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Stall latency through the whole Java path: synthetic beats for N pids are written into the ring by a
 * producer thread (standing in for the native receiver, with the same publish-then-wake protocol), the
 * real {@link ObserverLoop} drains them on its own thread, runs the tracker and raises stalls. For
 * every pid the harness records (time the stall reached the sink) − (observer time of its last beat +
 * threshold), on the observer clock, and prints p50/p99/max.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/benchmarks.jar io.varta.watch.bench.RingStallLatencyHarness [thresholdMs] [N...]
 * </pre>
 * Defaults: threshold 1000 ms, N = 1000 100000 1000000. Beats for the N pids are spread evenly over
 * 250 ms, so stalls fall due over 250 ms as well, as they would after a burst of agent deaths. A first,
 * unmeasured round introduces every pid (the observer reads each new pid's /proc identity once). Before the
 * measured runs, one unreported run at the first N lets the JIT compile the loop: in a cold JVM the compiler
 * threads compete with the observer thread for the CPUs during the measured round, which on 2 cores put the
 * p99 at 0.4-2 ms, for a reason that has nothing to do with the loop (a long-running observer is compiled
 * once, minutes before its first stall). {@code -Dvarta.bench.warmup=false} measures the cold JVM instead.
 */
public final class RingStallLatencyHarness
{
    /**
     * Synthetic pids start above Linux's largest possible pid_max (4,194,304), so none of them is a live
     * process: the figure is the loop's and the tracker's own. (For a live pid the observer re-reads
     * /proc/PID/stat when its stall falls due, to retire recycled pids; that read is measured apart.)
     */
    private static final int FIRST_PID = 10_000_000;
    private static final long SPREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private RingStallLatencyHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long thresholdMs = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        final int[] sizes = args.length > 1
            ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {1_000, 100_000, 1_000_000};
        System.out.printf("stall latency through the ring, threshold %d ms, beats spread over %d ms%n", thresholdMs,
            TimeUnit.NANOSECONDS.toMillis(SPREAD_NANOS));
        System.out.printf("%10s %10s %10s %10s %10s %8s%n", "pids", "p50_us", "p99_us", "p999_us", "max_us", "stalls");
        if (Boolean.parseBoolean(System.getProperty("varta.bench.warmup", "true")))
        {
            run(sizes[0], thresholdMs, false);
        }
        for (final int n : sizes)
        {
            run(n, thresholdMs, true);
        }
    }

    private static void run(final int pids, final long thresholdMs, final boolean report) throws InterruptedException
    {
        final long thresholdNanos = TimeUnit.MILLISECONDS.toNanos(thresholdMs);
        final TrackingConfig config = TrackingConfig.builder(thresholdMs)
            .trackerCapacity(pids)
            .rateLimits(0, 0, 0)
            .namespacePolicy(true, false)
            .build();
        final ObserverClock clock = ObserverClock.monotonic();
        final StallLatencySink sink = new StallLatencySink(FIRST_PID, pids, thresholdNanos, clock.toSourceNanos(0));
        try (LoopOnThread loop = new LoopOnThread(config, sink, clock, 0))
        {
            // Round 1 (not measured): every pid beats once, so the observer reads each new pid's /proc
            // identity now, as it does once per pid in production. Round 2 (nonce 2) is the measured one.
            loop.writeSpread(FIRST_PID, pids, 1, 0);
            loop.awaitHandled(pids);
            loop.writeSpread(FIRST_PID, pids, 2, SPREAD_NANOS);

            final long deadline = System.nanoTime() + SPREAD_NANOS + thresholdNanos + TimeUnit.SECONDS.toNanos(10);
            while (sink.measured() < pids && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
        }
        if (report)
        {
            final double[] us = sink.percentileMicros(0.50, 0.99, 0.999, 1.0);
            System.out.printf("%10d %10.1f %10.1f %10.1f %10.1f %8d%n", pids, us[0], us[1], us[2], us[3], sink.measured());
        }
    }

}
