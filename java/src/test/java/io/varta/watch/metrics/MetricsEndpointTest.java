package io.varta.watch.metrics;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;
import io.varta.watch.testsupport.Scrape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoint in-process over real HTTP, with a synthetic per-pid snapshot: the cap and the omitted count,
 * {@code ?pids=0}, a bad {@code pids} value, and a render that outlives its deadline (503 with a body, never an
 * empty reply).
 */
class MetricsEndpointTest
{
    private static final String TOKEN = "cd".repeat(32);
    private static final int TRACKED = 50_000;
    private static final int CAP = 100;

    private final IngestCounters counters = new IngestCounters();
    private final AtomicInteger snapshots = new AtomicInteger();
    private final AtomicBoolean holdNextSnapshot = new AtomicBoolean();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private MetricsEndpoint endpoint;
    private String address;

    /** What the observer thread would hand over at this cap: CAP rows of TRACKED pids. */
    private PidSnapshot snapshot()
    {
        snapshots.incrementAndGet();
        if (holdNextSnapshot.getAndSet(false))
        {
            try
            {
                release.await(10, TimeUnit.SECONDS); // an observer thread (or a render) that takes far too long
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        final long[] pids = new long[CAP];
        for (int i = 0; i < CAP; i++)
        {
            pids[i] = 1_000 + i;
        }
        return new PidSnapshot(pids, new long[CAP], new long[CAP], new byte[CAP], CAP, TRACKED, snapshots.get());
    }

    @BeforeEach
    void start() throws Exception
    {
        counters.set(IngestCounter.PIDS_TRACKED, TRACKED);
        final VartaMetrics.Inputs inputs = new VartaMetrics.Inputs(counters, this::snapshot, new DurationHistogram(),
            16384, () -> 0, TRACKED, 256, 212_992, () -> 0, kind -> 0, System::nanoTime, System.nanoTime(),
            System::currentTimeMillis, CAP);
        endpoint = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0),
            BearerToken.parseFile("test", TOKEN.getBytes(StandardCharsets.US_ASCII)),
            new IpRateLimiter(IpRateLimiter.DEFAULT_PER_SEC, 0, System::nanoTime), inputs, new EndpointStats(),
            MetricsEndpoint.DEFAULT_SCRAPE_BUDGET_MILLIS,
            new Diagnostics(LogFormat.TEXT, new PrintStream(stderr, true, StandardCharsets.UTF_8),
                () -> System.currentTimeMillis() * 1_000_000L, System::nanoTime, TimeUnit.SECONDS.toNanos(1)));
        address = "127.0.0.1:" + endpoint.boundAddress().getPort();
    }

    @AfterEach
    void stop()
    {
        release.countDown();
        endpoint.close();
    }

    private static long rows(final Scrape s, final String family)
    {
        return s.body().lines().filter(l -> l.startsWith(family + "{pid=")).count();
    }

    @Test
    void perPidRowsStopAtTheCapAndTheBodySaysHowManyPidsWereLeftOut() throws Exception
    {
        final Scrape s = Scrape.get(address, TOKEN);
        assertEquals(200, s.status(), s::toString);
        assertEquals(String.valueOf(s.body().getBytes(StandardCharsets.UTF_8).length), s.header("Content-Length"));
        for (final String family : new String[] {"varta_beats_total", "varta_stalls_total", "varta_status"})
        {
            assertEquals(CAP, rows(s, family), family);
        }
        assertEquals(TRACKED - CAP, s.value("varta_prom_pid_series_omitted").orElseThrow());
        assertEquals(TRACKED, s.value("varta_watch_pids_tracked").orElseThrow());
        assertEquals(CAP, s.value("varta_prom_pid_series_max").orElseThrow());
    }

    @Test
    void pidsZeroGetsTheAggregatesWithoutAnyPerPidRowAndAsksForNoSnapshot() throws Exception
    {
        final Scrape s = Scrape.get(address, TOKEN, "/metrics?pids=0");
        assertEquals(200, s.status(), s::toString);
        assertFalse(s.body().contains("{pid="), s::body);
        assertEquals(TRACKED, s.value("varta_prom_pid_series_omitted").orElseThrow());
        assertEquals(TRACKED, s.value("varta_watch_pids_tracked").orElseThrow());
        assertTrue(s.value("varta_decode_errors_total{kind=\"bad_crc\"}").isPresent(), s::body);
        assertEquals(0, snapshots.get(), "the observer thread was not asked for rows");
        assertEquals(CAP, rows(Scrape.get(address, TOKEN), "varta_status"), "the default body is its own");
    }

    @Test
    void anotherPidsValueGets400NamingTheParameter() throws Exception
    {
        final Scrape s = Scrape.get(address, TOKEN, "/metrics?pids=all");
        assertEquals(400, s.status(), s::toString);
        assertEquals("pids: expected 0 (no per-pid rows), got \"all\"\n", s.body());
        assertEquals(401, Scrape.request(address, "GET", "/metrics?pids=all", null).status(), "auth comes first");
    }

    @Test
    void aRenderThatOutlivesItsDeadlineGetsA503WithAReasonNeverAnEmptyReply() throws Exception
    {
        holdNextSnapshot.set(true);
        final Scrape refused = Scrape.get(address, TOKEN);
        assertFalse(refused.isEmpty(), "an answer, not a closed connection");
        assertEquals(503, refused.status(), refused::toString);
        assertTrue(refused.header("Content-Type").startsWith("text/plain"), refused::toString);
        assertTrue(refused.body().startsWith("no /metrics body within the render deadline of "
            + TimeUnit.NANOSECONDS.toMillis(MetricsEndpoint.renderDeadlineNanos()) + " ms"), refused::body);
        assertTrue(refused.body().contains("--prom-pid-series-max"), refused::body);
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("render deadline"), "logged");
        release.countDown();
        int refusals = 1;
        Scrape s = Scrape.get(address, TOKEN);
        for (int i = 0; i < 50 && 503 == s.status(); i++) // a scrape sharing the held render, still ending, is refused too
        {
            refusals++;
            Thread.sleep(100);
            s = Scrape.get(address, TOKEN);
        }
        assertEquals(200, s.status(), s::toString);
        assertEquals(refusals, s.value("varta_prom_render_deadline_exceeded_total").orElseThrow(), s::body);
    }
}
