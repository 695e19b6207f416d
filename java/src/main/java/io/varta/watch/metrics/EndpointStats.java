package io.varta.watch.metrics;

import io.varta.watch.observer.DurationHistogram;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the {@code /metrics} endpoint itself: refused requests by cause, cache hits, serve times, 503s
 * for a missed render deadline.
 *
 * <p>Threading: written by the HTTP threads, read by the renderer (also an HTTP thread); all atomic.
 */
public final class EndpointStats
{
    /** {@code varta_prom_connections_dropped_total{reason}} labels, in the reference's order. */
    public enum DropReason
    {
        /**
         * The reference's poll-thread drain mode (connections closed after its per-tick serve budget). Our
         * server has its own threads and no such mode: always 0, present so label sets stay stable.
         */
        DRAIN("drain"),
        /** The per-IP token bucket was empty. */
        RATE_LIMIT("rate_limit"),
        /** The IP table was full and the least recently seen IP was evicted to admit a new one. */
        IP_TABLE_FULL("ip_table_full");

        private final String label;

        DropReason(final String label)
        {
            this.label = label;
        }

        /** @return the label value */
        public String label()
        {
            return label;
        }
    }

    private final LongAdder authFailures = new LongAdder();
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
    private final LongAdder scrapeBudgetExceeded = new LongAdder();
    private final LongAdder renderDeadlineExceeded = new LongAdder();
    private final DurationHistogram serveTimes = new DurationHistogram();
    private volatile ScrapeCache[] caches = new ScrapeCache[0];

    /** HTTP thread: a 401. */
    void authFailure()
    {
        authFailures.increment();
    }

    /** HTTP thread: a connection closed without serving. */
    void drop(final DropReason reason)
    {
        dropped.incrementAndGet(reason.ordinal());
    }

    /** HTTP thread: one served request took {@code nanos}; {@code budgetNanos} is {@code --scrape-budget-ms}. */
    void served(final long nanos, final long budgetNanos)
    {
        synchronized (serveTimes) // DurationHistogram has one writer at a time
        {
            serveTimes.observe(nanos);
        }
        if (nanos > budgetNanos)
        {
            scrapeBudgetExceeded.increment();
        }
    }

    /** HTTP thread: a 503, no body was ready before the render deadline. */
    void renderDeadlineMissed()
    {
        renderDeadlineExceeded.increment();
    }

    /** Controlling thread, before serving: the caches whose hits {@link #scrapeSkipped} sums. */
    void attach(final ScrapeCache... scrapeCaches)
    {
        this.caches = scrapeCaches.clone();
    }

    /** @return {@code varta_prom_auth_failures_total} */
    public long authFailures()
    {
        return authFailures.sum();
    }

    /** @return {@code varta_prom_connections_dropped_total{reason}} */
    public long dropped(final DropReason reason)
    {
        return dropped.get(reason.ordinal());
    }

    /** @return {@code varta_scrape_skipped_total} */
    public long scrapeSkipped()
    {
        long sum = 0;
        for (final ScrapeCache c : caches)
        {
            sum += c.skipped();
        }
        return sum;
    }

    /** @return {@code varta_prom_render_deadline_exceeded_total} */
    public long renderDeadlineExceeded()
    {
        return renderDeadlineExceeded.sum();
    }

    /** @return {@code varta_observer_scrape_budget_exceeded_total} */
    public long scrapeBudgetExceeded()
    {
        return scrapeBudgetExceeded.sum();
    }

    /** @return time per served request */
    public DurationHistogram serveTimes()
    {
        return serveTimes;
    }
}
