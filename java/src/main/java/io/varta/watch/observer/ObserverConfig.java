package io.varta.watch.observer;

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

    private ObserverConfig(final Builder b)
    {
        this.socketPath = b.socketPath;
        this.thresholdMillis = b.thresholdMillis;
        this.socketMode = b.socketMode;
        this.udsRcvbufBytes = b.udsRcvbufBytes;
        this.ringCapacity = b.ringCapacity;
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

    /** Mutable builder; use from one thread. */
    public static final class Builder
    {
        private final Path socketPath;
        private final long thresholdMillis;
        private int socketMode = 0600;
        private int udsRcvbufBytes = 1 << 20;
        private int ringCapacity = 1 << 14;

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

        public ObserverConfig build()
        {
            return new ObserverConfig(this);
        }
    }
}
