package io.varta.watch.metrics;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static io.varta.watch.metrics.IpRateLimiter.Verdict.ADMITTED;
import static io.varta.watch.metrics.IpRateLimiter.Verdict.ADMITTED_AFTER_EVICTION;
import static io.varta.watch.metrics.IpRateLimiter.Verdict.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;

class IpRateLimiterTest
{
    private long now = 1_000_000_000L;

    private static InetAddress ip(final int last) throws Exception
    {
        return InetAddress.getByAddress(new byte[] {10, 0, (byte)(last >> 8), (byte)last});
    }

    @Test
    void newIpGetsBurstRequestsThenRefillsAtTheRate() throws Exception
    {
        final IpRateLimiter limiter = new IpRateLimiter(1, 2, () -> now);
        assertEquals(ADMITTED, limiter.admit(ip(1)));
        assertEquals(ADMITTED, limiter.admit(ip(1)));
        assertEquals(REFUSED, limiter.admit(ip(1)));
        assertEquals(ADMITTED, limiter.admit(ip(2)), "buckets are per IP");
        now += TimeUnit.MILLISECONDS.toNanos(999);
        assertEquals(REFUSED, limiter.admit(ip(1)));
        now += TimeUnit.MILLISECONDS.toNanos(2);
        assertEquals(ADMITTED, limiter.admit(ip(1)), "one token per second");
        assertEquals(REFUSED, limiter.admit(ip(1)));
        now += TimeUnit.SECONDS.toNanos(30);
        assertEquals(ADMITTED, limiter.admit(ip(1)));
        assertEquals(ADMITTED, limiter.admit(ip(1)));
        assertEquals(REFUSED, limiter.admit(ip(1)), "refill is capped at the burst");
    }

    @Test
    void burstZeroDisablesTheLimit() throws Exception
    {
        final IpRateLimiter limiter = new IpRateLimiter(0, 0, () -> now);
        for (int i = 0; i < 100; i++)
        {
            assertEquals(ADMITTED, limiter.admit(ip(1)));
        }
        assertEquals(0, limiter.trackedIps());
    }

    @Test
    void fullTableEvictsTheLeastRecentlySeenIpUnlessStaleEntriesCanBeSwept() throws Exception
    {
        final IpRateLimiter limiter = new IpRateLimiter(5, 10, 3, () -> now);
        limiter.admit(ip(1));
        limiter.admit(ip(2));
        limiter.admit(ip(3));
        limiter.admit(ip(1)); // ip 2 is now the least recently seen
        assertEquals(ADMITTED_AFTER_EVICTION, limiter.admit(ip(4)));
        assertEquals(3, limiter.trackedIps());
        now += TimeUnit.SECONDS.toNanos(61);
        assertEquals(ADMITTED, limiter.admit(ip(5)), "stale entries are swept instead of evicting");
        assertEquals(1, limiter.trackedIps());
    }

    @Test
    void defaultTableHolds1024Ips() throws Exception
    {
        final IpRateLimiter limiter = new IpRateLimiter(5, 10, () -> now);
        for (int i = 0; i < IpRateLimiter.MAX_IPS; i++)
        {
            assertEquals(ADMITTED, limiter.admit(ip(i)));
        }
        assertEquals(ADMITTED_AFTER_EVICTION, limiter.admit(ip(IpRateLimiter.MAX_IPS)));
        assertEquals(IpRateLimiter.MAX_IPS, limiter.trackedIps());
    }
}
