package io.varta.watch.cli;

import io.varta.watch.audit.AuditConfig;
import io.varta.watch.export.FileExporter;
import io.varta.watch.ingress.UdsListener;
import io.varta.watch.metrics.IpRateLimiter;
import io.varta.watch.metrics.MetricsEndpoint;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.metrics.VartaMetrics;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.recovery.RecoveryConfig;
import io.varta.watch.supervision.Supervision;
import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.RateLimiter;
import io.varta.watch.log.LogFormat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The validated configuration of one observer run, produced by {@link CommandLineParser}. Every getter
 * corresponds to one flag; flags without a default are {@link Optional} / {@link OptionalLong}.
 *
 * <p>Numbers: the reference parses durations and sizes as Rust {@code u64}; values above
 * {@link Long#MAX_VALUE} are accepted as it accepts them and saturate to {@link Long#MAX_VALUE} here
 * (for a duration that is "never"). {@code u32} flags are returned as non-negative {@code long}s.
 *
 * <p>Immutable; any thread.
 */
public final class Options
{
    // Defaults and limits owned by the command line itself (the flags only it interprets); every other
    // default lives with the component that uses the value and is referenced from Builder and Flag.

    /** Default {@code --read-timeout-ms} (validated only: the socket is non-blocking). */
    public static final long DEFAULT_READ_TIMEOUT_MS = 100;
    /** Smallest {@code --read-timeout-ms}. */
    public static final long MIN_READ_TIMEOUT_MS = 1;
    /** Largest {@code --read-timeout-ms}: half of the reference's 2000 ms Poll-stage abort. */
    public static final long MAX_READ_TIMEOUT_MS = 1_000;
    /** Default {@code --shutdown-grace-ms}. */
    public static final long DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
    /** Smallest {@code --shutdown-grace-ms}. */
    public static final long MIN_SHUTDOWN_GRACE_MS = 100;

    private final PathBytes socket;
    private final long thresholdMs;
    private final int socketMode;
    private final long readTimeoutMs;
    private final long udsRcvbufBytes;
    private final PathBytes exportFile;
    private final OptionalLong exportFileMaxBytes;
    private final long exportFileSyncEvery;
    private final PathBytes recoveryAuditFile;
    private final OptionalLong recoveryAuditMaxBytes;
    private final long recoveryAuditSyncEvery;
    private final long auditFsyncBudgetMs;
    private final long auditSyncIntervalMs;
    private final long auditRotationBudgetMs;
    private final long maxBeatRate;
    private final long globalBeatRate;
    private final long globalBeatBurst;
    private final int trackerCapacity;
    private final int evictionScanWindow;
    private final EvictionPolicy trackerEvictionPolicy;
    private final ClockSource clockSource;
    private final long iterationBudgetMs;
    private final InetSocketAddress promAddr;
    private final PathBytes promTokenFile;
    private final long promRateLimitPerSec;
    private final long promRateLimitBurst;
    private final long scrapeBudgetMs;
    private final int promPidSeriesMax;
    private final boolean allowCrossNamespaceAgents;
    private final boolean strictNamespaceCheck;
    private final String recoveryExec;
    private final byte[] recoveryExecBytes;
    private final PathBytes recoveryExecFile;
    private final long recoveryDebounceMs;
    private final List<String> recoveryEnv;
    private final boolean recoveryInheritEnv;
    private final OptionalLong recoveryTimeoutMs;
    private final boolean recoveryCaptureStdio;
    private final long recoveryCaptureBytes;
    private final Integer udpPort;
    private final InetAddress udpBindAddr;
    private final PathBytes keyFile;
    private final PathBytes acceptedKeyFile;
    private final PathBytes masterKeyFile;
    private final boolean acceptPlaintextUdp;
    private final boolean acceptSecureUdpNonLoopback;
    private final boolean secureUdpAcceptRecovery;
    private final boolean plaintextUdpAcceptRecovery;
    private final OptionalLong shutdownAfterSecs;
    private final PathBytes heartbeatFile;
    private final OptionalLong selfWatchdogSecs;
    private final PathBytes hwWatchdog;
    private final long shutdownGraceMs;
    private final SignalHandlerMode signalHandlerMode;
    private final LogFormat logFormat;

    private Options(final Builder b)
    {
        this.socket = Objects.requireNonNull(b.socket, "socket");
        this.thresholdMs = saturate(b.thresholdMs);
        this.socketMode = b.socketMode;
        this.readTimeoutMs = saturate(b.readTimeoutMs);
        this.udsRcvbufBytes = b.udsRcvbufBytes;
        this.exportFile = b.exportFile;
        this.exportFileMaxBytes = b.exportFileMaxBytes == null
            ? OptionalLong.empty()
            : OptionalLong.of(saturate(b.exportFileMaxBytes));
        this.exportFileSyncEvery = b.exportFileSyncEvery;
        this.recoveryAuditFile = b.recoveryAuditFile;
        this.recoveryAuditMaxBytes = b.recoveryAuditMaxBytes == null
            ? OptionalLong.empty()
            : OptionalLong.of(saturate(b.recoveryAuditMaxBytes));
        this.recoveryAuditSyncEvery = b.recoveryAuditSyncEvery;
        this.auditFsyncBudgetMs = b.auditFsyncBudgetMs;
        this.auditSyncIntervalMs = b.auditSyncIntervalMs;
        this.auditRotationBudgetMs = b.auditRotationBudgetMs;
        this.maxBeatRate = b.maxBeatRate;
        this.globalBeatRate = b.globalBeatRate;
        this.globalBeatBurst = b.globalBeatBurst;
        this.trackerCapacity = Math.toIntExact(b.trackerCapacity);
        this.evictionScanWindow = Math.toIntExact(b.evictionScanWindow);
        this.trackerEvictionPolicy = b.trackerEvictionPolicy;
        this.clockSource = b.clockSource;
        this.iterationBudgetMs = b.iterationBudgetMs;
        this.promAddr = b.promAddr;
        this.promTokenFile = b.promTokenFile;
        this.promRateLimitPerSec = b.promRateLimitPerSec;
        this.promRateLimitBurst = b.promRateLimitBurst;
        this.scrapeBudgetMs = b.scrapeBudgetMs;
        this.promPidSeriesMax = Math.toIntExact(b.promPidSeriesMax);
        this.allowCrossNamespaceAgents = b.allowCrossNamespaceAgents;
        this.strictNamespaceCheck = b.strictNamespaceCheck;
        this.recoveryExec = b.recoveryExec;
        this.recoveryExecBytes = b.recoveryExecBytes;
        this.recoveryExecFile = b.recoveryExecFile;
        this.recoveryDebounceMs = saturate(b.recoveryDebounceMs);
        this.recoveryEnv = List.copyOf(b.recoveryEnv);
        this.recoveryInheritEnv = b.recoveryInheritEnv;
        this.recoveryTimeoutMs = b.recoveryTimeoutMs == null
            ? OptionalLong.empty()
            : OptionalLong.of(saturate(b.recoveryTimeoutMs));
        this.recoveryCaptureStdio = b.recoveryCaptureStdio;
        this.recoveryCaptureBytes = b.recoveryCaptureBytes;
        this.udpPort = b.udpPort;
        this.udpBindAddr = b.udpBindAddr;
        this.keyFile = b.keyFile;
        this.acceptedKeyFile = b.acceptedKeyFile;
        this.masterKeyFile = b.masterKeyFile;
        this.acceptPlaintextUdp = b.acceptPlaintextUdp;
        this.acceptSecureUdpNonLoopback = b.acceptSecureUdpNonLoopback;
        this.secureUdpAcceptRecovery = b.secureUdpAcceptRecovery;
        this.plaintextUdpAcceptRecovery = b.plaintextUdpAcceptRecovery;
        this.shutdownAfterSecs = b.shutdownAfterSecs == null
            ? OptionalLong.empty()
            : OptionalLong.of(saturate(b.shutdownAfterSecs));
        this.shutdownGraceMs = saturate(b.shutdownGraceMs);
        this.heartbeatFile = b.heartbeatFile;
        this.selfWatchdogSecs = b.selfWatchdogSecs == null
            ? OptionalLong.empty()
            : OptionalLong.of(saturate(b.selfWatchdogSecs));
        this.hwWatchdog = b.hwWatchdog;
        this.signalHandlerMode = b.signalHandlerMode;
        this.logFormat = b.logFormat;
    }

    private static long saturate(final long unsignedValue)
    {
        return unsignedValue < 0 ? Long.MAX_VALUE : unsignedValue;
    }

    /** @return {@code --socket}: path of the UDS to bind. Any thread. */
    public PathBytes socket()
    {
        return socket;
    }

    /** @return {@code --threshold-ms}: silence window per pid, &ge; 10. Any thread. */
    public long thresholdMs()
    {
        return thresholdMs;
    }

    /** @return {@code --socket-mode}: permission bits for the socket (default 0600). Any thread. */
    public int socketMode()
    {
        return socketMode;
    }

    /** @return {@code --read-timeout-ms}: 1..1000 (default 100); validated only. Any thread. */
    public long readTimeoutMs()
    {
        return readTimeoutMs;
    }

    /** @return {@code --uds-rcvbuf-bytes}: SO_RCVBUF request, 0 = kernel default. Any thread. */
    public long udsRcvbufBytes()
    {
        return udsRcvbufBytes;
    }

    /** @return {@code --export-file}, if set. Any thread. */
    public Optional<PathBytes> exportFile()
    {
        return Optional.ofNullable(exportFile);
    }

    /** @return {@code --export-file-max-bytes} (&ge; 4096), empty = never rotate. Any thread. */
    public OptionalLong exportFileMaxBytes()
    {
        return exportFileMaxBytes;
    }

    /** @return {@code --export-file-sync-every}: lines per flush + fdatasync, 0 = off. Any thread. */
    public long exportFileSyncEvery()
    {
        return exportFileSyncEvery;
    }

    /** @return {@code --recovery-audit-file}, if set. Any thread. */
    public Optional<PathBytes> recoveryAuditFile()
    {
        return Optional.ofNullable(recoveryAuditFile);
    }

    /** @return {@code --recovery-audit-max-bytes} (&ge; 4096), empty = never rotate. Any thread. */
    public OptionalLong recoveryAuditMaxBytes()
    {
        return recoveryAuditMaxBytes;
    }

    /** @return {@code --recovery-audit-sync-every}: records per fdatasync, 1..u32 (default 1). Any thread. */
    public long recoveryAuditSyncEvery()
    {
        return recoveryAuditSyncEvery;
    }

    /** @return {@code --audit-fsync-budget-ms}: 1..u32 (default 50). Any thread. */
    public long auditFsyncBudgetMs()
    {
        return auditFsyncBudgetMs;
    }

    /** @return {@code --audit-sync-interval-ms}: u32, 0 = off (default). Any thread. */
    public long auditSyncIntervalMs()
    {
        return auditSyncIntervalMs;
    }

    /** @return {@code --audit-rotation-budget-ms}: 1..250 (default 50). Any thread. */
    public long auditRotationBudgetMs()
    {
        return auditRotationBudgetMs;
    }

    /** @return {@code --max-beat-rate}: beats/s per pid, 0 = unlimited. Any thread. */
    public long maxBeatRate()
    {
        return maxBeatRate;
    }

    /** @return {@code --global-beat-rate}: frames/s over all senders, 0 = unlimited. Any thread. */
    public long globalBeatRate()
    {
        return globalBeatRate;
    }

    /** @return {@code --global-beat-burst}: bucket size of the global limit, 0 = unlimited. Any thread. */
    public long globalBeatBurst()
    {
        return globalBeatBurst;
    }

    /** @return {@code --tracker-capacity}: 1..4194304 (default 256). Any thread. */
    public int trackerCapacity()
    {
        return trackerCapacity;
    }

    /** @return {@code --eviction-scan-window}: 1..4194304 (default 256). Any thread. */
    public int evictionScanWindow()
    {
        return evictionScanWindow;
    }

    /** @return {@code --tracker-eviction-policy} (default strict). Any thread. */
    public EvictionPolicy trackerEvictionPolicy()
    {
        return trackerEvictionPolicy;
    }

    /** @return {@code --clock-source}: monotonic or boottime on Linux. Any thread. */
    public ClockSource clockSource()
    {
        return clockSource;
    }

    /** @return {@code --iteration-budget-ms}: 50..60000 (default 250). Any thread. */
    public long iterationBudgetMs()
    {
        return iterationBudgetMs;
    }

    /** @return {@code --prom-addr}: where {@code /metrics} listens (port 0 = ephemeral). Any thread. */
    public Optional<InetSocketAddress> promAddr()
    {
        return Optional.ofNullable(promAddr);
    }

    /** @return {@code --prom-token-file}; present exactly when {@link #promAddr()} is. Any thread. */
    public Optional<PathBytes> promTokenFile()
    {
        return Optional.ofNullable(promTokenFile);
    }

    /** @return {@code --prom-rate-limit-per-sec} (u32, default 5). Any thread. */
    public long promRateLimitPerSec()
    {
        return promRateLimitPerSec;
    }

    /** @return {@code --prom-rate-limit-burst} (u32, default 10; 0 disables the per-IP limit). Any thread. */
    public long promRateLimitBurst()
    {
        return promRateLimitBurst;
    }

    /** @return {@code --scrape-budget-ms}: 50..60000 (default 250). Any thread. */
    public long scrapeBudgetMs()
    {
        return scrapeBudgetMs;
    }

    /**
     * @return {@code --prom-pid-series-max}: most pids with per-pid rows in one {@code /metrics} body,
     *         0..4194304 (default 16384). Any thread.
     */
    public int promPidSeriesMax()
    {
        return promPidSeriesMax;
    }

    /** @return {@code --allow-cross-namespace-agents}. Any thread. */
    public boolean allowCrossNamespaceAgents()
    {
        return allowCrossNamespaceAgents;
    }

    /** @return {@code --strict-namespace-check}. Any thread. */
    public boolean strictNamespaceCheck()
    {
        return strictNamespaceCheck;
    }

    /**
     * @return {@code --recovery-exec}, if set (checked at startup, not here: empty, or given together with
     *     {@code --recovery-exec-file}, is a runtime error as in the reference). Any thread.
     */
    public Optional<String> recoveryExec()
    {
        return Optional.ofNullable(recoveryExec);
    }

    /**
     * @return {@code --recovery-exec} as the process received it (the words of the command are bytes, like paths),
     *     if set. Any thread.
     */
    public Optional<byte[]> recoveryExecBytes()
    {
        return Optional.ofNullable(recoveryExecBytes).map(byte[]::clone);
    }

    /** @return {@code --recovery-exec-file}, if set (read with the private-file rules at startup). Any thread. */
    public Optional<PathBytes> recoveryExecFile()
    {
        return Optional.ofNullable(recoveryExecFile);
    }

    /** @return {@code --recovery-debounce-ms} (default 1000; 0 = off). Any thread. */
    public long recoveryDebounceMs()
    {
        return recoveryDebounceMs;
    }

    /** @return every {@code --recovery-env KEY=VALUE} in command-line order (validated). Any thread. */
    public List<String> recoveryEnv()
    {
        return recoveryEnv;
    }

    /** @return {@code --recovery-inherit-env}. Any thread. */
    public boolean recoveryInheritEnv()
    {
        return recoveryInheritEnv;
    }

    /** @return {@code --recovery-timeout-ms} (&ge; 100), empty = never kill. Any thread. */
    public OptionalLong recoveryTimeoutMs()
    {
        return recoveryTimeoutMs;
    }

    /** @return {@code --recovery-capture-stdio}; only with a recovery command. Any thread. */
    public boolean recoveryCaptureStdio()
    {
        return recoveryCaptureStdio;
    }

    /** @return {@code --recovery-capture-bytes}: 1..1048576 (default 4096). Any thread. */
    public long recoveryCaptureBytes()
    {
        return recoveryCaptureBytes;
    }

    /** @return {@code --udp-port} (0 = ephemeral), empty = no UDP listener. Any thread. */
    public OptionalInt udpPort()
    {
        return null == udpPort ? OptionalInt.empty() : OptionalInt.of(udpPort);
    }

    /** @return {@code --udp-bind-addr} as given; empty = the listener's default ({@link #hasKeyFile()}). Any thread. */
    public Optional<InetAddress> udpBindAddr()
    {
        return Optional.ofNullable(udpBindAddr);
    }

    /** @return {@code --key-file}, if set (read natively at startup). Any thread. */
    public Optional<PathBytes> keyFile()
    {
        return Optional.ofNullable(keyFile);
    }

    /** @return {@code --accepted-key-file}, if set. Any thread. */
    public Optional<PathBytes> acceptedKeyFile()
    {
        return Optional.ofNullable(acceptedKeyFile);
    }

    /** @return {@code --master-key-file}, if set. Any thread. */
    public Optional<PathBytes> masterKeyFile()
    {
        return Optional.ofNullable(masterKeyFile);
    }

    /** @return whether any key file is given: the UDP listener is then the secure one. Any thread. */
    public boolean hasKeyFile()
    {
        return null != keyFile || null != acceptedKeyFile || null != masterKeyFile;
    }

    /** @return {@code --i-accept-plaintext-udp}. Any thread. */
    public boolean acceptPlaintextUdp()
    {
        return acceptPlaintextUdp;
    }

    /** @return {@code --i-accept-secure-udp-non-loopback}. Any thread. */
    public boolean acceptSecureUdpNonLoopback()
    {
        return acceptSecureUdpNonLoopback;
    }

    /** @return {@code --secure-udp-i-accept-recovery-on-unauthenticated-transport}. Any thread. */
    public boolean secureUdpAcceptRecovery()
    {
        return secureUdpAcceptRecovery;
    }

    /** @return {@code --plaintext-udp-i-accept-recovery-on-unauthenticated-transport}. Any thread. */
    public boolean plaintextUdpAcceptRecovery()
    {
        return plaintextUdpAcceptRecovery;
    }

    /** @return {@code --shutdown-after-secs}, empty = run until signalled. Any thread. */
    public OptionalLong shutdownAfterSecs()
    {
        return shutdownAfterSecs;
    }

    /** @return {@code --shutdown-grace-ms}: &ge; 100 (default 5000). Any thread. */
    public long shutdownGraceMs()
    {
        return shutdownGraceMs;
    }

    /** @return {@code --heartbeat-file}, if set. Any thread. */
    public Optional<PathBytes> heartbeatFile()
    {
        return Optional.ofNullable(heartbeatFile);
    }

    /** @return {@code --self-watchdog-secs} (&ge; 1), empty = only under systemd's watchdog. Any thread. */
    public OptionalLong selfWatchdogSecs()
    {
        return selfWatchdogSecs;
    }

    /** @return {@code --hw-watchdog}, if set. Any thread. */
    public Optional<PathBytes> hwWatchdog()
    {
        return Optional.ofNullable(hwWatchdog);
    }

    /** @return the supervision flags together, as {@link Supervision} takes them. Any thread. */
    public Supervision.Settings supervision()
    {
        return new Supervision.Settings(heartbeatFile(), selfWatchdogSecs, hwWatchdog());
    }

    /** @return {@code --signal-handler-mode}; no effect on the JVM. Any thread. */
    public SignalHandlerMode signalHandlerMode()
    {
        return signalHandlerMode;
    }

    /** @return {@code --log-format} (default text). Any thread. */
    public LogFormat logFormat()
    {
        return logFormat;
    }

    /**
     * Mutable collector used by {@link CommandLineParser} during its single pass. Unsigned u64 values are
     * kept raw (possibly negative as signed longs) until {@link #build()}.
     *
     * <p>Not thread-safe; confined to the parsing thread.
     */
    static final class Builder
    {
        PathBytes socket;
        Long thresholdMs;
        int socketMode = UdsListener.DEFAULT_SOCKET_MODE;
        long readTimeoutMs = DEFAULT_READ_TIMEOUT_MS;
        long udsRcvbufBytes = UdsListener.DEFAULT_RCVBUF_BYTES;
        PathBytes exportFile;
        Long exportFileMaxBytes;
        long exportFileSyncEvery = FileExporter.DEFAULT_SYNC_EVERY;
        PathBytes recoveryAuditFile;
        Long recoveryAuditMaxBytes;
        long recoveryAuditSyncEvery = AuditConfig.DEFAULT_SYNC_EVERY;
        long auditFsyncBudgetMs = AuditConfig.DEFAULT_FSYNC_BUDGET_MS;
        long auditSyncIntervalMs = AuditConfig.DEFAULT_SYNC_INTERVAL_MS;
        long auditRotationBudgetMs = AuditConfig.DEFAULT_ROTATION_BUDGET_MS;
        long maxBeatRate = RateLimiter.DEFAULT_MAX_BEAT_RATE;
        long globalBeatRate = RateLimiter.DEFAULT_GLOBAL_RATE;
        long globalBeatBurst = RateLimiter.DEFAULT_GLOBAL_BURST;
        long trackerCapacity = TrackingConfig.DEFAULT_TRACKER_CAPACITY;
        long evictionScanWindow = TrackingConfig.DEFAULT_EVICTION_SCAN_WINDOW;
        EvictionPolicy trackerEvictionPolicy = EvictionPolicy.STRICT;
        ClockSource clockSource = ClockSource.MONOTONIC;
        long iterationBudgetMs = TrackingConfig.DEFAULT_ITERATION_BUDGET_MILLIS;
        InetSocketAddress promAddr;
        PathBytes promTokenFile;
        long promRateLimitPerSec = IpRateLimiter.DEFAULT_PER_SEC;
        long promRateLimitBurst = IpRateLimiter.DEFAULT_BURST;
        long scrapeBudgetMs = MetricsEndpoint.DEFAULT_SCRAPE_BUDGET_MILLIS;
        long promPidSeriesMax = VartaMetrics.DEFAULT_PID_SERIES_MAX;
        boolean allowCrossNamespaceAgents;
        boolean strictNamespaceCheck;
        String recoveryExec;
        byte[] recoveryExecBytes;
        PathBytes recoveryExecFile;
        long recoveryDebounceMs = RecoveryConfig.DEFAULT_DEBOUNCE_MILLIS;
        final List<String> recoveryEnv = new ArrayList<>();
        boolean recoveryInheritEnv;
        Long recoveryTimeoutMs;
        boolean recoveryCaptureStdio;
        long recoveryCaptureBytes = RecoveryConfig.DEFAULT_CAPTURE_BYTES;
        Integer udpPort;
        InetAddress udpBindAddr;
        PathBytes keyFile;
        PathBytes acceptedKeyFile;
        PathBytes masterKeyFile;
        boolean acceptPlaintextUdp;
        boolean acceptSecureUdpNonLoopback;
        boolean secureUdpAcceptRecovery;
        boolean plaintextUdpAcceptRecovery;
        Long shutdownAfterSecs;
        long shutdownGraceMs = DEFAULT_SHUTDOWN_GRACE_MS;
        PathBytes heartbeatFile;
        Long selfWatchdogSecs;
        PathBytes hwWatchdog;
        SignalHandlerMode signalHandlerMode = SignalHandlerMode.DIRECT;
        LogFormat logFormat = LogFormat.TEXT;

        /**
         * Freezes the collected values; call only after validation. Parsing thread.
         *
         * @return the options
         */
        Options build()
        {
            return new Options(this);
        }
    }
}
