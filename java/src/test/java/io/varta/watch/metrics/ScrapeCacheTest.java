package io.varta.watch.metrics;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class ScrapeCacheTest
{
    private long now = 5_000_000_000L;
    private int renders;

    @Test
    void bodyIsRenderedAtMostOncePerWindowAndHitsAreCounted()
    {
        final ScrapeCache cache = new ScrapeCache(() -> new byte[] {(byte)++renders}, () -> now,
            ScrapeCache.WINDOW_NANOS);
        final byte[] first = cache.body();
        now += TimeUnit.MILLISECONDS.toNanos(999);
        assertSame(first, cache.body());
        assertEquals(1, renders);
        assertEquals(1, cache.skipped());
        now += TimeUnit.MILLISECONDS.toNanos(1);
        final byte[] second = cache.body();
        assertNotSame(first, second);
        assertEquals(2, renders);
        assertEquals(1, cache.skipped());
        assertSame(second, cache.body());
        assertEquals(2, cache.skipped());
    }
}
