package io.varta.watch.bench;

import io.varta.watch.metrics.EndpointStats;
import io.varta.watch.metrics.VartaMetrics;
import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Render time of the whole {@code /metrics} body (every family, through the Prometheus client's registry and
 * text writer, to bytes) with a synthetic per-pid snapshot of N tracked pids, on one thread: what a scrape
 * costs on the endpoint's render thread once per second at most (the body is cached for a second). Every row
 * given is rendered (no {@code --prom-pid-series-max} cap; {@code MetricsScrapeHarness} measures with it). The
 * observer thread's share, copying the rows into the snapshot, is timed separately ({@code copy}) with the same
 * arrays.
 *
 * <pre>
 * java -Xmx1g -cp bench/target/benchmarks.jar io.varta.watch.bench.MetricsRenderHarness [N...]
 * </pre>
 * Defaults: 4096 and 100000 pids. Prints per N: body bytes, render ms p50/p90/max over the timed rounds.
 */
public final class MetricsRenderHarness
{
    private static final int WARMUP = 30;
    private static final int ROUNDS = 50;

    private MetricsRenderHarness()
    {
    }

    public static void main(final String[] args)
    {
        final int[] sizes = 0 == args.length ? new int[] {4096, 100_000}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("%-8s %10s %10s %10s %10s %12s%n", "pids", "bytes", "p50 ms", "p90 ms", "max ms",
            "copy p50 ms");
        for (final int n : sizes)
        {
            run(n);
        }
    }

    private static void run(final int n)
    {
        final SplittableRandom random = new SplittableRandom(42);
        final long[] pids = new long[n];
        final long[] beats = new long[n];
        final long[] stalls = new long[n];
        final byte[] status = new byte[n];
        for (int i = 0; i < n; i++)
        {
            pids[i] = 1 + 41L * i; // distinct, as in the tracker; up to 100k pids stay below pid_max 4194304
            beats[i] = random.nextLong(1_000_000_000L);
            stalls[i] = random.nextInt(100);
            status[i] = (byte)random.nextInt(4);
        }
        for (int i = n - 1; i > 0; i--) // slot order is not pid order
        {
            final int j = random.nextInt(i + 1);
            final long t = pids[i];
            pids[i] = pids[j];
            pids[j] = t;
        }
        final PidSnapshot snapshot = new PidSnapshot(pids, beats, stalls, status, n, 1);
        final DurationHistogram iterations = new DurationHistogram();
        for (int i = 0; i < 1000; i++)
        {
            iterations.observe(random.nextLong(2_000_000_000L));
        }
        final VartaMetrics metrics = new VartaMetrics(new VartaMetrics.Inputs(new IngestCounters(), () -> snapshot,
            iterations, 16384, () -> 0, n, 256, 212_992, () -> 0, kind -> 0, System::nanoTime, System.nanoTime(),
            System::currentTimeMillis), new EndpointStats());

        int bytes = 0;
        for (int i = 0; i < WARMUP; i++)
        {
            bytes = metrics.render().length;
        }
        final double[] ms = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++)
        {
            final long t0 = System.nanoTime();
            bytes = metrics.render().length;
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);

        // The observer thread's part: copy n rows (pid, beats, stalls, status) into fresh arrays.
        final double[] copy = new double[ROUNDS];
        long sink = 0;
        for (int i = 0; i < WARMUP + ROUNDS; i++)
        {
            final long t0 = System.nanoTime();
            final long[] p = new long[n];
            final long[] b = new long[n];
            final long[] s = new long[n];
            final byte[] st = new byte[n];
            for (int row = 0; row < n; row++)
            {
                p[row] = pids[row];
                b[row] = beats[row];
                s[row] = stalls[row];
                st[row] = status[row];
            }
            sink += p[n - 1] + b[0] + s[0] + st[0];
            if (i >= WARMUP)
            {
                copy[i - WARMUP] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(copy);
        System.out.printf("%-8d %10d %10.2f %10.2f %10.2f %12.3f%s%n", n, bytes, ms[ROUNDS / 2],
            ms[ROUNDS * 9 / 10], ms[ROUNDS - 1], copy[ROUNDS / 2], 0 == sink ? " " : "");
    }
}
