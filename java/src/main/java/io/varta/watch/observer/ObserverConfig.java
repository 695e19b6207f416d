package io.varta.watch.observer;

import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.RateLimiter;
import io.varta.watch.tracker.Tracker;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Immutable configuration of an {@link Observer}. Built with {@link #builder(Path, long)}; defaults are
 * the reference observer's.
 *
 * <pre>{@code
 * ObserverConfig config = ObserverConfig.builder(Path.of("/run/varta.sock"), 500)
 *     .socketMode(0600)
 *     .build();
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class ObserverConfig
{
    /** Smallest accepted stall threshold. */
    public static final long MIN_THRESHOLD_MILLIS = 10;

    private final Path socketPath;
    private final long thresholdMillis;
    private final int socketMode;
    private final int udsRcvbufBytes;
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

    private ObserverConfig(final Builder b)
    {
        this.socketPath = b.socketPath;
        this.thresholdMillis = b.thresholdMillis;
        this.socketMode = b.socketMode;
        this.udsRcvbufBytes = b.udsRcvbufBytes;
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
     * @param socketPath where to bind the Unix datagram socket
     * @param thresholdMillis per-pid silence before a stall, at least {@value #MIN_THRESHOLD_MILLIS}
     * @return a builder with the reference defaults
     */
    public static Builder builder(final Path socketPath, final long thresholdMillis)
    {
        return new Builder(socketPath, thresholdMillis);
    }

    public Path socketPath()
    {
        return socketPath;
    }

    public long thresholdMillis()
    {
        return thresholdMillis;
    }

    public int socketMode()
    {
        return socketMode;
    }

    public int udsRcvbufBytes()
    {
        return udsRcvbufBytes;
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
        private final Path socketPath;
        private final long thresholdMillis;
        private int socketMode = 0600;
        private int udsRcvbufBytes = 1 << 20;
        private int ringCapacity = 1 << 14;
        private int trackerCapacity = Tracker.DEFAULT_CAPACITY;
        private int evictionScanWindow = Tracker.DEFAULT_SCAN_WINDOW;
        private EvictionPolicy evictionPolicy = EvictionPolicy.STRICT;
        private long maxBeatRate = RateLimiter.DEFAULT_MAX_BEAT_RATE;
        private long globalBeatRate = RateLimiter.DEFAULT_GLOBAL_RATE;
        private long globalBeatBurst = RateLimiter.DEFAULT_GLOBAL_BURST;
        private boolean boottimeClock;
        private boolean allowCrossNamespaceAgents;
        private boolean strictNamespaceCheck;
        private long iterationBudgetMillis = 250;

        private Builder(final Path socketPath, final long thresholdMillis)
        {
            this.socketPath = Objects.requireNonNull(socketPath, "socketPath");
            if (thresholdMillis < MIN_THRESHOLD_MILLIS)
            {
                throw new IllegalArgumentException("--threshold-ms: " + thresholdMillis
                    + " is below the minimum allowed value (10 ms)");
            }
            this.thresholdMillis = thresholdMillis;
        }

        /** File mode of the socket (default 0600). */
        public Builder socketMode(final int mode)
        {
            this.socketMode = mode;
            return this;
        }

        /** SO_RCVBUF request in bytes; 0 keeps the kernel default (default 1 MiB). */
        public Builder udsRcvbufBytes(final int bytes)
        {
            this.udsRcvbufBytes = bytes;
            return this;
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

        public ObserverConfig build()
        {
            return new ObserverConfig(this);
        }
    }
}
