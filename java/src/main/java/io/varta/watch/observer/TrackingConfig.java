package io.varta.watch.observer;

import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.PidIndex;
import io.varta.watch.tracker.RateLimiter;
import io.varta.watch.tracker.Tracker;

import java.util.Objects;

/**
 * What the observer thread does with records, independent of where they come from: stall threshold, tracker
 * capacity and eviction, admission rate limits, clock and namespace policy, loop budget and ring size. Where
 * the records come from (socket paths, modes, buffer sizes, UDP addresses) is the listeners' configuration,
 * in {@code ingress}; benchmarks and embedded users that feed the ring themselves need none of it.
 *
 * <p>This class is the one home of the tracking defaults and limits ({@code DEFAULT_*}, {@code MIN_*},
 * {@code MAX_*}); the command line and its help text read them from here.
 *
 * <pre>{@code
 * TrackingConfig config = TrackingConfig.builder(500)
 *     .trackerCapacity(65_536)
 *     .build();
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class TrackingConfig
{
    /** Smallest accepted stall threshold ({@code --threshold-ms}). */
    public static final long MIN_THRESHOLD_MILLIS = Tracker.MIN_THRESHOLD_NANOS / 1_000_000L;
    /** Default ring capacity in records. */
    public static final int DEFAULT_RING_CAPACITY = 1 << 14;
    /** Default {@code --tracker-capacity}. */
    public static final int DEFAULT_TRACKER_CAPACITY = Tracker.DEFAULT_CAPACITY;
    /** Default {@code --eviction-scan-window}. */
    public static final int DEFAULT_EVICTION_SCAN_WINDOW = Tracker.DEFAULT_SCAN_WINDOW;
    /** Largest {@code --tracker-capacity} and {@code --eviction-scan-window} (the Linux pid_max ceiling). */
    public static final int MAX_TRACKER_CAPACITY = PidIndex.MAX_CAPACITY;
    /** Default {@code --iteration-budget-ms}. */
    public static final long DEFAULT_ITERATION_BUDGET_MILLIS = 250;
    /** Accepted {@code --iteration-budget-ms} range. */
    public static final long MIN_ITERATION_BUDGET_MILLIS = 50;
    /** Accepted {@code --iteration-budget-ms} range. */
    public static final long MAX_ITERATION_BUDGET_MILLIS = 60_000;

    private final long thresholdMillis;
    private final int ringCapacity;
    private final int trackerCapacity;
    private final int evictionScanWindow;
    private final EvictionPolicy evictionPolicy;
    private final long maxBeatRate;
    private final long globalBeatRate;
    private final long globalBeatBurst;
    private final boolean boottimeClock;
    private final boolean allowCrossNamespaceAgents;
    private final boolean strictNamespaceCheck;
    private final long iterationBudgetMillis;

    private TrackingConfig(final Builder b)
    {
        this.thresholdMillis = b.thresholdMillis;
        this.ringCapacity = b.ringCapacity;
        this.trackerCapacity = b.trackerCapacity;
        this.evictionScanWindow = b.evictionScanWindow;
        this.evictionPolicy = b.evictionPolicy;
        this.maxBeatRate = b.maxBeatRate;
        this.globalBeatRate = b.globalBeatRate;
        this.globalBeatBurst = b.globalBeatBurst;
        this.boottimeClock = b.boottimeClock;
        this.allowCrossNamespaceAgents = b.allowCrossNamespaceAgents;
        this.strictNamespaceCheck = b.strictNamespaceCheck;
        this.iterationBudgetMillis = b.iterationBudgetMillis;
    }

    /**
     * Any thread.
     *
     * @param thresholdMillis per-pid silence before a stall, at least {@link #MIN_THRESHOLD_MILLIS}
     * @return a builder with the reference defaults
     * @throws IllegalArgumentException for a threshold below the minimum
     */
    public static Builder builder(final long thresholdMillis)
    {
        return new Builder(thresholdMillis);
    }

    public long thresholdMillis()
    {
        return thresholdMillis;
    }

    public int ringCapacity()
    {
        return ringCapacity;
    }

    public int trackerCapacity()
    {
        return trackerCapacity;
    }

    public int evictionScanWindow()
    {
        return evictionScanWindow;
    }

    public EvictionPolicy evictionPolicy()
    {
        return evictionPolicy;
    }

    public long maxBeatRate()
    {
        return maxBeatRate;
    }

    public long globalBeatRate()
    {
        return globalBeatRate;
    }

    public long globalBeatBurst()
    {
        return globalBeatBurst;
    }

    /** @return true for {@code --clock-source boottime} (CLOCK_BOOTTIME), false for CLOCK_MONOTONIC */
    public boolean boottimeClock()
    {
        return boottimeClock;
    }

    public boolean allowCrossNamespaceAgents()
    {
        return allowCrossNamespaceAgents;
    }

    public boolean strictNamespaceCheck()
    {
        return strictNamespaceCheck;
    }

    /** {@code --iteration-budget-ms}: loop iterations longer than this count as over budget (default 250). */
    public long iterationBudgetMillis()
    {
        return iterationBudgetMillis;
    }

    /** Mutable builder; use from one thread. */
    public static final class Builder
    {
        private final long thresholdMillis;
        private int ringCapacity = DEFAULT_RING_CAPACITY;
        private int trackerCapacity = DEFAULT_TRACKER_CAPACITY;
        private int evictionScanWindow = DEFAULT_EVICTION_SCAN_WINDOW;
        private EvictionPolicy evictionPolicy = EvictionPolicy.STRICT;
        private long maxBeatRate = RateLimiter.DEFAULT_MAX_BEAT_RATE;
        private long globalBeatRate = RateLimiter.DEFAULT_GLOBAL_RATE;
        private long globalBeatBurst = RateLimiter.DEFAULT_GLOBAL_BURST;
        private boolean boottimeClock;
        private boolean allowCrossNamespaceAgents;
        private boolean strictNamespaceCheck;
        private long iterationBudgetMillis = DEFAULT_ITERATION_BUDGET_MILLIS;

        private Builder(final long thresholdMillis)
        {
            if (thresholdMillis < MIN_THRESHOLD_MILLIS)
            {
                throw new IllegalArgumentException("stall threshold " + thresholdMillis
                    + " ms is below the minimum of " + MIN_THRESHOLD_MILLIS + " ms");
            }
            this.thresholdMillis = thresholdMillis;
        }

        /** Ring capacity in records, a power of two (default 16384). */
        public Builder ringCapacity(final int records)
        {
            this.ringCapacity = records;
            return this;
        }

        /** {@code --tracker-capacity} (default 256). */
        public Builder trackerCapacity(final int slots)
        {
            this.trackerCapacity = slots;
            return this;
        }

        /** {@code --eviction-scan-window} (default 256). */
        public Builder evictionScanWindow(final int slots)
        {
            this.evictionScanWindow = slots;
            return this;
        }

        /** {@code --tracker-eviction-policy} (default strict). */
        public Builder evictionPolicy(final EvictionPolicy policy)
        {
            this.evictionPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** {@code --max-beat-rate}, {@code --global-beat-rate}, {@code --global-beat-burst}; 0 disables. */
        public Builder rateLimits(final long maxBeatRate, final long globalBeatRate, final long globalBeatBurst)
        {
            this.maxBeatRate = maxBeatRate;
            this.globalBeatRate = globalBeatRate;
            this.globalBeatBurst = globalBeatBurst;
            return this;
        }

        /** {@code --clock-source boottime} when true. */
        public Builder boottimeClock(final boolean boottime)
        {
            this.boottimeClock = boottime;
            return this;
        }

        /** {@code --allow-cross-namespace-agents} and {@code --strict-namespace-check}. */
        public Builder namespacePolicy(final boolean allowCrossNamespace, final boolean strict)
        {
            this.allowCrossNamespaceAgents = allowCrossNamespace;
            this.strictNamespaceCheck = strict;
            return this;
        }

        /** {@code --iteration-budget-ms} (default 250). */
        public Builder iterationBudgetMillis(final long millis)
        {
            this.iterationBudgetMillis = millis;
            return this;
        }

        public TrackingConfig build()
        {
            return new TrackingConfig(this);
        }
    }
}
