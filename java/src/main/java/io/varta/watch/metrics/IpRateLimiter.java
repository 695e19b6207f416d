package io.varta.watch.metrics;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-source-IP token bucket in front of {@code /metrics} ({@code --prom-rate-limit-per-sec} /
 * {@code --prom-rate-limit-burst}), with the reference's rules ({@code ip_state_table.rs}):
 * <ul>
 *   <li>a bucket holds up to {@code burst} tokens and refills at {@code perSec} tokens per second; each
 *       request takes one; an empty bucket refuses;</li>
 *   <li>a new IP starts with {@code burst - 1} tokens (its first request took one);</li>
 *   <li>at most {@value #MAX_IPS} IPs are tracked; an entry not seen for 60 s is stale and swept every 10 s;
 *       when the table is full, stale entries are swept, else the least recently seen entry is evicted
 *       ({@link Verdict#ADMITTED_AFTER_EVICTION}, counted {@code reason="ip_table_full"});</li>
 *   <li>a burst of 0 disables the limit.</li>
 * </ul>
 *
 * <p>Threading: any thread (the HTTP threads); {@link #admit} synchronizes on this object. Never on the
 * observer thread.
 */
public final class IpRateLimiter
{
    /** Most IPs tracked at once. */
    public static final int MAX_IPS = 1024;
    /** Default {@code --prom-rate-limit-per-sec}: tokens refilled per second per client IP. */
    public static final long DEFAULT_PER_SEC = 5;
    /** Default {@code --prom-rate-limit-burst}: bucket size per client IP (0 disables the limit). */
    public static final long DEFAULT_BURST = 10;
    private static final long EXPIRY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Bucket arithmetic in micro-tokens so slow refill rates still accrue. */
    private static final long UNIT = 1_000_000L;

    /** What {@link #admit} decided. */
    public enum Verdict
    {
        /** Serve the request. */
        ADMITTED,
        /** Serve the request; the least recently seen IP was evicted to make room for this one. */
        ADMITTED_AFTER_EVICTION,
        /** Close without serving ({@code reason="rate_limit"}). */
        REFUSED
    }

    private final long perSec;
    private final long burst;
    private final int maxIps;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true);
    private long lastSweepNanos;

    /**
     * @param perSec refill per second (u32)
     * @param burst capacity (u32); 0 disables the limit
     * @param nanoClock monotonic nanoseconds (injectable for tests)
     */
    public IpRateLimiter(final long perSec, final long burst, final LongSupplier nanoClock)
    {
        this(perSec, burst, MAX_IPS, nanoClock);
    }

    IpRateLimiter(final long perSec, final long burst, final int maxIps, final LongSupplier nanoClock)
    {
        this.perSec = perSec;
        this.burst = burst;
        this.maxIps = maxIps;
        this.nanoClock = nanoClock;
        this.lastSweepNanos = nanoClock.getAsLong();
    }

    /**
     * Takes one token for {@code ip}. Any thread.
     *
     * @param ip the client address
     * @return the verdict
     */
    public synchronized Verdict admit(final InetAddress ip)
    {
        if (0 == burst)
        {
            return Verdict.ADMITTED;
        }
        final long now = nanoClock.getAsLong();
        if (now - lastSweepNanos >= SWEEP_NANOS)
        {
            sweep(now);
        }
        final Bucket bucket = buckets.get(ip);
        if (null == bucket)
        {
            boolean evicted = false;
            if (buckets.size() >= maxIps)
            {
                sweep(now);
                if (buckets.size() >= maxIps)
                {
                    final Iterator<Map.Entry<InetAddress, Bucket>> eldest = buckets.entrySet().iterator();
                    eldest.next();
                    eldest.remove();
                    evicted = true;
                }
            }
            buckets.put(ip, new Bucket((burst - 1) * UNIT, now));
            return evicted ? Verdict.ADMITTED_AFTER_EVICTION : Verdict.ADMITTED;
        }
        bucket.refill(now, perSec, burst);
        bucket.lastSeenNanos = now;
        if (bucket.microTokens < UNIT)
        {
            return Verdict.REFUSED;
        }
        bucket.microTokens -= UNIT;
        return Verdict.ADMITTED;
    }

    /** Any thread: IPs currently tracked. */
    public synchronized int trackedIps()
    {
        return buckets.size();
    }

    private void sweep(final long now)
    {
        lastSweepNanos = now;
        buckets.values().removeIf(b -> now - b.lastSeenNanos >= EXPIRY_NANOS);
    }

    private static final class Bucket
    {
        long microTokens;
        long refilledNanos;
        long lastSeenNanos;

        Bucket(final long microTokens, final long now)
        {
            this.microTokens = microTokens;
            this.refilledNanos = now;
            this.lastSeenNanos = now;
        }

        void refill(final long now, final long perSec, final long burst)
        {
            final long elapsed = now - refilledNanos;
            if (elapsed <= 0)
            {
                return;
            }
            // tokens/s * ns * 1e6 micro/token / 1e9 ns/s; double keeps u32 rates times long gaps in range
            final double gained = (double)perSec * elapsed / 1e3;
            microTokens = (long)Math.min((double)burst * UNIT, microTokens + gained);
            refilledNanos = now;
        }
    }
}
