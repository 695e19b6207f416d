package io.varta.watch.metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ScrapeCache} with renders on a render thread and scrapes that wait only until their deadline. */
class ScrapeCacheDeadlineTest
{
    private final ExecutorService renderThread = Executors.newSingleThreadExecutor();
    private final ExecutorService scrapers = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger renders = new AtomicInteger();
    private long now = 1_000_000_000L;

    @AfterEach
    void stop()
    {
        release.countDown();
        renderThread.shutdownNow();
        scrapers.shutdownNow();
    }

    /** A render that waits for {@link #release}, then honours its deadline on the test clock. */
    private byte[] slowRender(final long deadline)
    {
        renders.incrementAndGet();
        try
        {
            release.await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        if (ScrapeCache.NO_DEADLINE != deadline && now - deadline >= 0)
        {
            throw new RenderDeadlineExceeded("test render past its deadline");
        }
        return new byte[] {(byte)renders.get()};
    }

    private ScrapeCache cache()
    {
        return new ScrapeCache(this::slowRender, renderThread, () -> now, ScrapeCache.WINDOW_NANOS);
    }

    @Test
    void aScrapeGivesUpAtItsDeadlineWhileTheRenderStillRuns()
    {
        final ScrapeCache cache = cache();
        final long deadline = now + TimeUnit.MILLISECONDS.toNanos(20);
        final RenderDeadlineExceeded e = assertThrows(RenderDeadlineExceeded.class, () -> cache.body(deadline));
        assertEquals("render still running at the deadline", e.getMessage()); // the render is held: never done
    }

    @Test
    void concurrentScrapesShareOneRenderAndALaterOneGetsTheCachedBody() throws Exception
    {
        final ScrapeCache cache = cache();
        final Future<byte[]> first = scrapers.submit(() -> cache.body());
        final Future<byte[]> second = scrapers.submit(() -> cache.body());
        while (0 == renders.get())
        {
            Thread.onSpinWait();
        }
        release.countDown();
        assertArrayEquals(new byte[] {1}, first.get(5, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {1}, second.get(5, TimeUnit.SECONDS));
        assertEquals(1, renders.get(), "one render for both");
        now += TimeUnit.MILLISECONDS.toNanos(500);
        assertArrayEquals(new byte[] {1}, cache.body(now + 1));
        assertEquals(1, renders.get(), "within the window: cached");
    }

    @Test
    void aRenderThatMissedItsDeadlineIsNotCachedAndTheNextScrapeRendersAgain() throws Exception
    {
        final ScrapeCache cache = cache();
        final long deadline = now + TimeUnit.MILLISECONDS.toNanos(20);
        assertThrows(RenderDeadlineExceeded.class, () -> cache.body(deadline));
        now = deadline; // the render sees its deadline has passed when it resumes
        release.countDown();
        renderThread.submit(() ->
        {
        }).get(5, TimeUnit.SECONDS); // the abandoned render has ended (a scrape before that would share it)
        final byte[] fresh = cache.body(now + TimeUnit.SECONDS.toNanos(5));
        assertEquals(2, renders.get());
        assertArrayEquals(new byte[] {2}, fresh);
    }

    @Test
    void aScrapeWhoseDeadlineHasPassedStartsNoRender()
    {
        final ScrapeCache cache = cache();
        assertThrows(RenderDeadlineExceeded.class, () -> cache.body(now));
        assertEquals(0, renders.get());
    }

    @Test
    void aFailedRenderIsAnIllegalStateForThisScrapeOnly()
    {
        final AtomicInteger calls = new AtomicInteger();
        final ScrapeCache cache = new ScrapeCache(deadline ->
        {
            if (1 == calls.incrementAndGet())
            {
                throw new OutOfMemoryError("test");
            }
            return new byte[] {7};
        }, renderThread, () -> now, ScrapeCache.WINDOW_NANOS);
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> cache.body(now + TimeUnit.SECONDS.toNanos(5)));
        assertEquals("render failed: java.lang.OutOfMemoryError: test", e.getMessage());
        assertArrayEquals(new byte[] {7}, cache.body(now + TimeUnit.SECONDS.toNanos(5)));
    }
}
