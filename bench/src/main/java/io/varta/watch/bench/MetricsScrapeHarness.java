package io.varta.watch.bench;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import io.varta.watch.metrics.BearerToken;
import io.varta.watch.metrics.EndpointStats;
import io.varta.watch.metrics.IpRateLimiter;
import io.varta.watch.metrics.MetricsEndpoint;
import io.varta.watch.metrics.VartaMetrics;
import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshotPublisher;
import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerListener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code /metrics} at scale over real HTTP, in one process: a real {@link Tracker} filled with N synthetic pids
 * (a tenth of them stalled, or {@code --stalled-percent}), a real {@link PidSnapshotPublisher} driven by a stand-in observer thread, the real
 * {@link VartaMetrics} and {@link MetricsEndpoint} (JDK server, auth, caches, render deadline), and a client
 * that sends {@code GET /metrics[?pids=0]} over a TCP socket and reads the whole response, one scrape every
 * 1.1 s so that each one renders afresh.
 *
 * <pre>
 * java -Xss512k -XX:+UseSerialGC -XX:-UsePerfData -cp bench/target/benchmarks.jar \
 *     io.varta.watch.bench.MetricsScrapeHarness PIDS [--prom-pid-series-max N] [--pids0] [--scrapes K] \
 *     [--stalled-percent P]
 * </pre>
 * The JVM options are the launcher's ({@code bin/varta-watch}; no {@code -Xmx}, so the heap may grow as the
 * daemon's would). Run one configuration per JVM so that the RSS figures are its own. Prints, per scrape:
 * status, {@code Content-Length} and bytes received (a cut body shows as fewer), time to the first response
 * byte (≈ snapshot + render) and to the last, bytes allocated by all threads during the scrape, RSS after it;
 * the observer thread's publish time per snapshot; and RSS and heap (after a full GC, 1.1 s after the last
 * scrape) before and after, and the peak heap (all pools) during the scrapes. Main thread, plus the stand-in
 * observer thread.
 */
public final class MetricsScrapeHarness
{
    private static final String TOKEN = "ab".repeat(32);
    private static final long THRESHOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private MetricsScrapeHarness()
    {
    }

    /**
     * @param args PIDS, then options as in the class comment
     * @throws Exception on any failure
     */
    public static void main(final String[] args) throws Exception
    {
        final int n = Integer.parseInt(args[0]);
        int cap = VartaMetrics.DEFAULT_PID_SERIES_MAX;
        boolean pids0 = false;
        int scrapes = 5;
        int stalledPercent = 10;
        for (int i = 1; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--prom-pid-series-max" -> cap = Integer.parseInt(args[++i]);
                case "--pids0" -> pids0 = true;
                case "--scrapes" -> scrapes = Integer.parseInt(args[++i]);
                case "--stalled-percent" -> stalledPercent = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf("pids=%d (%d %% stalled) --prom-pid-series-max %d%s, %d scrapes; max heap %d MB,"
            + " render deadline %d ms%n", n, stalledPercent, cap, pids0 ? " GET /metrics?pids=0" : " GET /metrics",
            scrapes,
            Runtime.getRuntime().maxMemory() >> 20, TimeUnit.NANOSECONDS.toMillis(MetricsEndpoint.renderDeadlineNanos()));

        final Tracker tracker = filledTracker(n, stalledPercent);
        final IngestCounters counters = new IngestCounters();
        counters.set(IngestCounter.PIDS_TRACKED, tracker.size());
        final PidSnapshotPublisher publisher = new PidSnapshotPublisher();
        final StandInObserver observer = new StandInObserver(publisher, tracker);
        observer.start();

        final int maxRows = cap;
        final EndpointStats stats = new EndpointStats();
        final VartaMetrics.Inputs inputs = new VartaMetrics.Inputs(counters,
            () -> publisher.request(observer::wake, TimeUnit.MILLISECONDS.toNanos(100), maxRows),
            new DurationHistogram(), 16_384, () -> 0, n, 256, 212_992, () -> 0, kind -> 0, System::nanoTime,
            System.nanoTime(), System::currentTimeMillis, cap);
        final MetricsEndpoint endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0),
            BearerToken.parseFile("harness", TOKEN.getBytes(StandardCharsets.US_ASCII)),
            new IpRateLimiter(IpRateLimiter.DEFAULT_PER_SEC, 0, System::nanoTime), inputs, stats,
            MetricsEndpoint.DEFAULT_SCRAPE_BUDGET_MILLIS, Diagnostics.toStderr(LogFormat.TEXT));
        try
        {
            final long heapBefore = heapAfterGc();
            final long rssBefore = rssKiB();
            System.out.printf("before: rss %d MB, heap after GC %d MB (tracker of %d pids included)%n",
                rssBefore >> 10, heapBefore >> 20, n);
            resetPeaks();
            System.out.printf("%-6s %6s %14s %14s %9s %9s %12s %8s%n", "scrape", "status", "content-length",
                "received", "ttfb ms", "total ms", "alloc MB", "rss MB");
            for (int i = 0; i < scrapes; i++)
            {
                final long allocBefore = allocatedBytes();
                final Response r = scrape(endpoint.boundAddress(), pids0 ? "/metrics?pids=0" : "/metrics");
                final long alloc = allocatedBytes() - allocBefore;
                System.out.printf("%-6d %6s %14d %14d %9.1f %9.1f %12.1f %8d%s%n", i, r.status, r.contentLength,
                    r.bodyBytes, r.firstByteNanos / 1e6, r.totalNanos / 1e6, alloc / 1e6, rssKiB() >> 10,
                    r.contentLength == r.bodyBytes ? "" : "  INCOMPLETE");
                if (i + 1 < scrapes)
                {
                    Thread.sleep(1_100); // past the 1 s body cache: every scrape renders
                }
            }
            final long peak = peakHeap();
            Thread.sleep(1_100); // a render abandoned at its deadline stops at its next check: let it end first
            final long heapAfter = heapAfterGc();
            System.out.printf("after: rss %d MB (+%d), heap after GC %d MB (+%d), peak heap during scrapes %d MB%n",
                rssKiB() >> 10, (rssKiB() - rssBefore) >> 10, heapAfter >> 20, (heapAfter - heapBefore) >> 20,
                peak >> 20);
            System.out.printf("observer-thread publish ms per snapshot: %s%n", observer.publishTimes());
            System.out.printf("503s (render deadline): %d%n", stats.renderDeadlineExceeded());
        }
        finally
        {
            endpoint.close();
            observer.interrupt();
            observer.join();
        }
    }

    /**
     * N pids, beat once each; the first P % beat earliest, one after another in slot order (the worst order for
     * choosing the most recent stalls), and are stalled at the end.
     */
    private static Tracker filledTracker(final int n, final int stalledPercent)
    {
        final Tracker tracker = new Tracker(n, THRESHOLD_NANOS, EvictionPolicy.STRICT, 256, TrackerListener.NONE);
        final int stalled = (int)((long)n * stalledPercent / 100);
        final long step = (THRESHOLD_NANOS / 2) / Math.max(1, stalled);
        for (int i = 0; i < stalled; i++)
        {
            tracker.beat(1 + i, 0, 1, 1, 1 + i * step);
        }
        for (int i = stalled; i < n; i++)
        {
            tracker.beat(1 + i, i % 3, 1, 1, THRESHOLD_NANOS * 3 / 4);
        }
        tracker.pollStalls(THRESHOLD_NANOS + THRESHOLD_NANOS / 2);
        if (tracker.size() != n)
        {
            throw new IllegalStateException("tracked " + tracker.size());
        }
        return tracker;
    }

    /** One {@code GET} over a fresh connection, read to the end. */
    private static Response scrape(final InetSocketAddress address, final String path) throws IOException
    {
        final long start = System.nanoTime();
        try (Socket socket = new Socket())
        {
            socket.connect(address, 5_000);
            socket.setSoTimeout(30_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            final byte[] buf = new byte[1 << 16];
            final StringBuilder head = new StringBuilder();
            long total = 0;
            long firstByte = -1;
            int headEnd = -1;
            int k;
            try
            {
                while ((k = in.read(buf)) > 0)
                {
                    if (firstByte < 0)
                    {
                        firstByte = System.nanoTime() - start;
                    }
                    if (headEnd < 0)
                    {
                        head.append(new String(buf, 0, k, StandardCharsets.ISO_8859_1));
                        headEnd = head.indexOf("\r\n\r\n");
                        if (headEnd >= 0)
                        {
                            head.setLength(headEnd);
                        }
                    }
                    total += k;
                }
            }
            catch (final java.net.SocketException reset)
            {
                // closed under the read: what was read so far is the response
            }
            final long elapsed = System.nanoTime() - start;
            if (total == 0)
            {
                return new Response("EMPTY", -1, 0, elapsed, elapsed);
            }
            final String[] lines = head.toString().split("\r\n");
            long contentLength = -1;
            for (final String line : lines)
            {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                {
                    contentLength = Long.parseLong(line.substring(15).trim());
                }
            }
            final long body = headEnd < 0 ? 0 : total - (headEnd + 4);
            return new Response(lines[0].split(" ")[1], contentLength, body, firstByte, elapsed);
        }
    }

    private record Response(String status, long contentLength, long bodyBytes, long firstByteNanos,
        long totalNanos)
    {
    }

    /** Plays the observer thread: publishes snapshots when asked, and times each publish. */
    private static final class StandInObserver extends Thread
    {
        private final PidSnapshotPublisher publisher;
        private final Tracker tracker;
        private final StringBuilder times = new StringBuilder();

        StandInObserver(final PidSnapshotPublisher publisher, final Tracker tracker)
        {
            super("stand-in-observer");
            setDaemon(true);
            this.publisher = publisher;
            this.tracker = tracker;
        }

        void wake()
        {
            LockSupport.unpark(this);
        }

        synchronized String publishTimes()
        {
            return times.toString();
        }

        @Override
        public void run()
        {
            while (!isInterrupted())
            {
                final long before = publisher.latest().sequence();
                final long t0 = System.nanoTime();
                publisher.publishIfRequested(tracker);
                final long took = System.nanoTime() - t0;
                if (publisher.latest().sequence() != before)
                {
                    synchronized (this)
                    {
                        times.append(times.length() == 0 ? "" : " ").append(String.format("%.2f", took / 1e6))
                            .append(" (").append(publisher.latest().count()).append(" rows)");
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    private static long rssKiB() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long heapAfterGc()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks()
    {
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
        {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap()
    {
        long sum = 0;
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
        {
            if (MemoryType.HEAP == pool.getType())
            {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Bytes allocated so far by every live thread (HotSpot's per-thread counters). */
    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (final long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
        {
            sum += Math.max(0, allocated);
        }
        return sum;
    }
}
