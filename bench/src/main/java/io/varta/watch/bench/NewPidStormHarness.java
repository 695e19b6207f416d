package io.varta.watch.bench;

import io.varta.watch.observer.ObserverLoop;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.tracker.ObserverClock;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A storm of new pids next to stall detection for known ones: does admitting new pids (each a first-seen
 * {@code /proc} identity read and a new tracker slot) delay the stall verdicts of pids the observer already
 * tracks? The real {@link ObserverLoop} drains a ring filled by a producer thread (as in
 * {@link RingStallLatencyHarness}). {@code known} pids beat once to be introduced, then once more spread over one
 * second and go silent, so their stalls fall due over one second; exactly when the first of them falls due,
 * {@code fresh} new pids start to arrive, spread over one second too. For every known pid the harness records
 * (time its stall reached the sink) − (its last beat + threshold). Each round runs once without the storm and once
 * with it (fresh loop each), after one unreported warm-up run with the storm; per run it prints p50/p99/p99.9/max
 * lateness of the known pids and the observer thread's CPU time; then the median p99 of each mode.
 *
 * <pre>
 * java -Xmx1g -cp bench/target/benchmarks.jar io.varta.watch.bench.NewPidStormHarness \
 *     [thresholdMs=1000] [known=10000] [fresh=100000] [rounds=3]
 * </pre>
 * All pids are above Linux's largest pid_max, so none is a live process: each first-seen read finds no
 * {@code /proc/<pid>} (JMH {@code ProcessIdentityBenchmark} gives the cost of that read and of a live one).
 */
public final class NewPidStormHarness
{
    private static final int FIRST_KNOWN_PID = 10_000_000;
    private static final int FIRST_NEW_PID = 20_000_000;
    private static final long SPREAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private NewPidStormHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long thresholdMs = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        final int known = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        final int fresh = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        System.out.printf("new-pid storm: %d known pids stall over %d ms while %d new pids arrive over %d ms;"
            + " threshold %d ms%n", known, TimeUnit.NANOSECONDS.toMillis(SPREAD_NANOS), fresh,
            TimeUnit.NANOSECONDS.toMillis(SPREAD_NANOS), thresholdMs);
        System.out.printf("%-9s %10s %10s %10s %10s %8s %13s%n", "storm", "p50_us", "p99_us", "p999_us", "max_us",
            "stalls", "observer_cpu");
        run(thresholdMs, known, fresh, "warm-up");
        final double[] off = new double[rounds];
        final double[] on = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            off[round] = run(thresholdMs, known, 0, "off");
            on[round] = run(thresholdMs, known, fresh, "on");
        }
        Arrays.sort(off);
        Arrays.sort(on);
        System.out.printf("median p99 over %d rounds: off %.1f us, on %.1f us (difference %.1f us)%n", rounds,
            off[rounds / 2], on[rounds / 2], on[rounds / 2] - off[rounds / 2]);
    }

    /** @return the known pids' p99 lateness in µs */
    private static double run(final long thresholdMs, final int known, final int fresh, final String label)
        throws InterruptedException
    {
        final long thresholdNanos = TimeUnit.MILLISECONDS.toNanos(thresholdMs);
        final TrackingConfig config = TrackingConfig.builder(thresholdMs).trackerCapacity(known + fresh + 16)
            .rateLimits(0, 0, 0).namespacePolicy(true, false).build();
        final ObserverClock clock = ObserverClock.monotonic();
        final StallLatencySink sink = new StallLatencySink(FIRST_KNOWN_PID, known, thresholdNanos, clock.toSourceNanos(0));
        final long cpu;
        try (LoopOnThread loop = new LoopOnThread(config, sink, clock, 0))
        {
            // Introduction (not measured): every known pid beats once.
            loop.writeSpread(FIRST_KNOWN_PID, known, 1, 0);
            loop.awaitHandled(known);
            final long cpuBefore = loop.observerCpuNanos();
            // Measured: the known pids beat once more over a second and go silent; their stalls fall due from
            // start + threshold on, which is when the new pids begin to arrive.
            final long start = System.nanoTime();
            loop.writeSpread(FIRST_KNOWN_PID, known, 2, SPREAD_NANOS);
            if (fresh > 0)
            {
                final long wait = start + thresholdNanos - System.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(wait);
                }
                loop.writeSpread(FIRST_NEW_PID, fresh, 1, SPREAD_NANOS);
            }
            final long deadline = System.nanoTime() + SPREAD_NANOS + thresholdNanos + TimeUnit.SECONDS.toNanos(30);
            while (sink.measured() < known && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            cpu = loop.observerCpuNanos() - cpuBefore;
        }
        final double[] us = sink.percentileMicros(0.50, 0.99, 0.999, 1.0);
        System.out.printf("%-9s %10.1f %10.1f %10.1f %10.1f %8d %10.1f ms%n", label, us[0], us[1], us[2], us[3],
            sink.measured(), cpu / 1e6);
        return us[1];
    }

}
