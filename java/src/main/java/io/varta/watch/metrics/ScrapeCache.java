package io.varta.watch.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The rendered {@code /metrics} body, re-rendered at most once per window (1 s, as the reference). An
 * authorised scrape inside the window gets the cached bytes and counts {@code varta_scrape_skipped_total};
 * refused requests (401, 405, rate limit) never reach this class, so they neither advance the window nor
 * count as skipped.
 *
 * <p>Threading: any thread (the HTTP threads); {@link #body} synchronizes on this object, so concurrent
 * scrapes render once. The skipped count is published with a volatile write.
 */
public final class ScrapeCache
{
    /** The reference's render window. */
    public static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<byte[]> renderer;
    private final LongSupplier nanoClock;
    private final long windowNanos;
    private byte[] body;
    private long renderedAtNanos;
    private volatile long skipped;

    /**
     * @param renderer renders a fresh body (called on the scraping thread)
     * @param nanoClock monotonic nanoseconds (injectable for tests)
     * @param windowNanos how long a body is served from cache
     */
    public ScrapeCache(final Supplier<byte[]> renderer, final LongSupplier nanoClock, final long windowNanos)
    {
        this.renderer = renderer;
        this.nanoClock = nanoClock;
        this.windowNanos = windowNanos;
    }

    /**
     * Any thread.
     *
     * @return the body to serve: cached when the last render is younger than the window, else fresh
     */
    public synchronized byte[] body()
    {
        final long now = nanoClock.getAsLong();
        if (null != body && now - renderedAtNanos < windowNanos)
        {
            skipped++;
            return body;
        }
        body = renderer.get();
        renderedAtNanos = now;
        return body;
    }

    /** Any thread: scrapes served from cache since start. */
    public long skipped()
    {
        return skipped;
    }
}
