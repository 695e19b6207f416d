package io.varta.watch.recovery;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What recovery does and within which limits: the command and the child's environment, the debounce window,
 * the child timeout, output capture, and how many children may be outstanding. This class is the one home of
 * recovery's defaults and limits ({@code DEFAULT_*}, {@code MIN_*}, {@code MAX_*} and the reference's built-in
 * per-tick budgets); the command line and its help text read them from here.
 *
 * <pre>{@code
 * RecoveryConfig config = RecoveryConfig.builder(command, environment)
 *     .debounceMillis(5_000)
 *     .timeoutMillis(OptionalLong.of(30_000))
 *     .outstandingCapacity(256)
 *     .build();
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class RecoveryConfig
{
    /** Default {@code --recovery-debounce-ms}; 0 disables debouncing. */
    public static final long DEFAULT_DEBOUNCE_MILLIS = 1_000;
    /** Smallest {@code --recovery-timeout-ms}. */
    public static final long MIN_TIMEOUT_MILLIS = 100;
    /** Default {@code --recovery-capture-bytes}. */
    public static final int DEFAULT_CAPTURE_BYTES = 4_096;
    /** Smallest {@code --recovery-capture-bytes}. */
    public static final int MIN_CAPTURE_BYTES = 1;
    /** Largest {@code --recovery-capture-bytes}. */
    public static final int MAX_CAPTURE_BYTES = 1_048_576;
    /** The child's {@code PATH} when the environment is cleared (no {@code --recovery-inherit-env}). */
    public static final String DEFAULT_CHILD_PATH = "/usr/bin:/bin";
    /** Debounce-ledger entries (pids recovered within their window); a full ledger refuses (fails closed). */
    public static final int DEBOUNCE_LEDGER_CAPACITY = 4_096;
    /** Spawns handed to the recovery thread per observer-loop iteration. */
    public static final int SPAWNS_PER_TICK = 16;
    /** Stalls evaluated per observer-loop iteration. */
    public static final int EVALUATIONS_PER_TICK = 256;
    /**
     * Most children outstanding at once, whatever the tracker capacity: the reference allows tracker-capacity
     * children; we cap that at 65,536 (a host cannot usefully run more, and the child table is allocated up front).
     */
    public static final int MAX_OUTSTANDING = 65_536;

    private final RecoveryCommand command;
    private final ChildEnvironment environment;
    private final long debounceNanos;
    private final long timeoutNanos;
    private final boolean capture;
    private final int captureBytes;
    private final int outstandingCapacity;
    private final boolean allowCrossNamespace;

    private RecoveryConfig(final Builder b)
    {
        this.command = b.command;
        this.environment = b.environment;
        this.debounceNanos = millisToNanos(b.debounceMillis);
        this.timeoutNanos = b.timeoutMillis.isPresent() ? millisToNanos(b.timeoutMillis.getAsLong()) : Long.MAX_VALUE;
        this.capture = b.capture;
        this.captureBytes = b.captureBytes;
        this.outstandingCapacity = b.outstandingCapacity;
        this.allowCrossNamespace = b.allowCrossNamespace;
    }

    /**
     * Any thread.
     *
     * @param command what to run
     * @param environment the child's environment
     * @return a builder with the reference defaults (debounce 1 s, no timeout, no capture, 256 outstanding)
     */
    public static Builder builder(final RecoveryCommand command, final ChildEnvironment environment)
    {
        return new Builder(command, environment);
    }

    private static long millisToNanos(final long millis)
    {
        return millis >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : millis * 1_000_000L;
    }

    /** @return the command template; any thread */
    public RecoveryCommand command()
    {
        return command;
    }

    /** @return the child environment; any thread */
    public ChildEnvironment environment()
    {
        return environment;
    }

    /** @return debounce window in ns (0: off); any thread */
    public long debounceNanos()
    {
        return debounceNanos;
    }

    /** @return the child timeout in ns, {@link Long#MAX_VALUE} = never kill; any thread */
    public long timeoutNanos()
    {
        return timeoutNanos;
    }

    /** @return true when stdout and stderr are piped and their lengths counted; any thread */
    public boolean capture()
    {
        return capture;
    }

    /** @return bytes of stdout and stderr together counted per child; any thread */
    public int captureBytes()
    {
        return captureBytes;
    }

    /** @return most children outstanding at once (killed-but-unreaped ones included); any thread */
    public int outstandingCapacity()
    {
        return outstandingCapacity;
    }

    /** @return true when agents of another pid namespace may be recovered; any thread */
    public boolean allowCrossNamespace()
    {
        return allowCrossNamespace;
    }

    /** Collects settings; confined to the thread that builds. */
    public static final class Builder
    {
        private final RecoveryCommand command;
        private final ChildEnvironment environment;
        private long debounceMillis = DEFAULT_DEBOUNCE_MILLIS;
        private OptionalLong timeoutMillis = OptionalLong.empty();
        private boolean capture;
        private int captureBytes = DEFAULT_CAPTURE_BYTES;
        private int outstandingCapacity = 256;
        private boolean allowCrossNamespace;

        private Builder(final RecoveryCommand command, final ChildEnvironment environment)
        {
            this.command = Objects.requireNonNull(command, "command");
            this.environment = Objects.requireNonNull(environment, "environment");
        }

        /** @param millis {@code --recovery-debounce-ms}, ≥ 0 (0 disables) */
        public Builder debounceMillis(final long millis)
        {
            if (millis < 0)
            {
                throw new IllegalArgumentException("debounce must be >= 0 ms: " + millis);
            }
            this.debounceMillis = millis;
            return this;
        }

        /** @param millis {@code --recovery-timeout-ms}, ≥ {@link #MIN_TIMEOUT_MILLIS}; empty = never kill */
        public Builder timeoutMillis(final OptionalLong millis)
        {
            if (millis.isPresent() && millis.getAsLong() < MIN_TIMEOUT_MILLIS)
            {
                throw new IllegalArgumentException("timeout must be >= " + MIN_TIMEOUT_MILLIS + " ms: "
                    + millis.getAsLong());
            }
            this.timeoutMillis = millis;
            return this;
        }

        /**
         * @param enabled {@code --recovery-capture-stdio}
         * @param bytes {@code --recovery-capture-bytes}, {@link #MIN_CAPTURE_BYTES}..{@link #MAX_CAPTURE_BYTES}
         */
        public Builder capture(final boolean enabled, final long bytes)
        {
            if (bytes < MIN_CAPTURE_BYTES || bytes > MAX_CAPTURE_BYTES)
            {
                throw new IllegalArgumentException("capture bytes must be " + MIN_CAPTURE_BYTES + ".."
                    + MAX_CAPTURE_BYTES + ": " + bytes);
            }
            this.capture = enabled;
            this.captureBytes = (int)bytes;
            return this;
        }

        /** @param trackerCapacity {@code --tracker-capacity}; the outstanding capacity is it, capped at {@link #MAX_OUTSTANDING} */
        public Builder outstandingCapacity(final int trackerCapacity)
        {
            if (trackerCapacity < 1)
            {
                throw new IllegalArgumentException("outstanding capacity must be >= 1: " + trackerCapacity);
            }
            this.outstandingCapacity = Math.min(trackerCapacity, MAX_OUTSTANDING);
            return this;
        }

        /** @param allow {@code --allow-cross-namespace-agents} */
        public Builder allowCrossNamespace(final boolean allow)
        {
            this.allowCrossNamespace = allow;
            return this;
        }

        /** @return the configuration */
        public RecoveryConfig build()
        {
            return new RecoveryConfig(this);
        }
    }
}
