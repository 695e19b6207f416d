package io.varta.watch.cli;

import io.varta.watch.audit.AuditConfig;
import io.varta.watch.export.FileExporter;
import io.varta.watch.ingress.IpPort;
import io.varta.watch.metrics.MetricsEndpoint;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.metrics.VartaMetrics;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.recovery.ChildEnvironment;
import io.varta.watch.recovery.RecoveryConfig;
import io.varta.watch.supervision.SelfWatchdog;
import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.log.LogFormat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Turns {@code argv} into {@link Options} with the reference observer's rules:
 * <ul>
 *   <li>one pass over the tokens; a flag's value is always the next token ({@code --flag=value} and
 *       positional words are "unknown flag"); the last occurrence of a flag wins;</li>
 *   <li>{@code -h}/{@code --help} stops the pass as soon as it is seen as a flag;</li>
 *   <li>value errors (bad integer, bad word, bad octal mode, export- and audit-size floors, a 0 audit sync count or
 *       budget, the audit rotation-budget ceiling) are reported at the token; removed and not-yet-supported flags
 *       are reported at the token;</li>
 *   <li>after the pass, cross-flag checks run in the reference's order: required flags, threshold
 *       floor, {@code --prom-addr}/{@code --prom-token-file} pairing, shutdown grace floor, recovery capture-bytes
 *       range and timeout floor, capture requires a recovery command, recovery over UDP needs the listener's accept
 *       flag (H2), secure UDP off loopback needs its accept flag (H4), iteration and scrape budget / per-pid series
 *       cap / eviction window / tracker capacity ranges, clock source support, self-watchdog floor, read-timeout
 *       ceiling and floor. Recovery's startup checks that the reference makes at runtime (exit 1: exec and exec
 *       file together, an empty command, the exec file's rules) are left to the daemon.</li>
 * </ul>
 *
 * <p>Stateless; any thread may call {@link #parse}.
 */
public final class CommandLineParser
{
    /** The reference's PromAddrRequiresToken text. */
    static final String PROM_ADDR_REQUIRES_TOKEN = "--prom-addr requires --prom-token-file: /metrics has no"
        + " anonymous access. Create a token with `openssl rand -hex 32 > /etc/varta/prom.token && chmod 600"
        + " /etc/varta/prom.token` and pass --prom-token-file /etc/varta/prom.token";
    /** The reference's (odd) MutuallyExclusive text for a token file without an address. */
    static final String PROM_TOKEN_REQUIRES_ADDR =
        "--prom-token-file and (missing --prom-addr) are mutually exclusive";
    private static final long MIN_THRESHOLD_MS = TrackingConfig.MIN_THRESHOLD_MILLIS;
    private static final long MAX_TRACKER_CAPACITY = TrackingConfig.MAX_TRACKER_CAPACITY;
    private static final long MIN_ITERATION_BUDGET_MS = TrackingConfig.MIN_ITERATION_BUDGET_MILLIS;
    private static final long MAX_ITERATION_BUDGET_MS = TrackingConfig.MAX_ITERATION_BUDGET_MILLIS;
    private static final long MIN_SCRAPE_BUDGET_MS = MetricsEndpoint.MIN_SCRAPE_BUDGET_MILLIS;
    private static final long MAX_SCRAPE_BUDGET_MS = MetricsEndpoint.MAX_SCRAPE_BUDGET_MILLIS;
    private static final long MAX_PROM_PID_SERIES = VartaMetrics.MAX_PID_SERIES_MAX;
    private static final long MIN_EXPORT_FILE_MAX_BYTES = FileExporter.MIN_MAX_BYTES;
    private static final long MIN_SHUTDOWN_GRACE_MS = Options.MIN_SHUTDOWN_GRACE_MS;
    private static final long MIN_READ_TIMEOUT_MS = Options.MIN_READ_TIMEOUT_MS;
    private static final long MAX_READ_TIMEOUT_MS = Options.MAX_READ_TIMEOUT_MS;
    private static final long MIN_SELF_WATCHDOG_SECS = SelfWatchdog.MIN_DEADLINE_SECS;
    private static final long MIN_RECOVERY_TIMEOUT_MS = RecoveryConfig.MIN_TIMEOUT_MILLIS;
    private static final long MIN_CAPTURE_BYTES = RecoveryConfig.MIN_CAPTURE_BYTES;
    private static final long MAX_CAPTURE_BYTES = RecoveryConfig.MAX_CAPTURE_BYTES;
    private static final long U64 = -1L;
    private static final long U16_MAX = 65_535;

    private CommandLineParser()
    {
    }

    /**
     * Parses and validates one command line. Any thread.
     *
     * @param args the arguments after the program name
     * @return the options, or empty when {@code -h}/{@code --help} was given (print help, exit 0)
     * @throws UsageException on any usage or validation error (exit 2)
     */
    public static Optional<Options> parse(final String... args) throws UsageException
    {
        return parse(args, null);
    }

    /**
     * Parses and validates one command line whose arguments' original bytes are known: path values are taken
     * from those bytes as given (a path is never renamed by the locale's charset). Any thread.
     *
     * @param args the arguments after the program name, as text
     * @param raw  each argument's bytes (same length as {@code args}), or null to encode the text
     * @return the options, or empty when {@code -h}/{@code --help} was given (print help, exit 0)
     * @throws UsageException on any usage or validation error (exit 2)
     */
    public static Optional<Options> parse(final String[] args, final byte[][] raw) throws UsageException
    {
        final Options.Builder b = new Options.Builder();
        int i = 0;
        while (i < args.length)
        {
            final String token = args[i++];
            final Flag flag = Flag.byName(token);
            if (flag == null)
            {
                throw new UsageException("unknown flag " + token);
            }
            switch (flag.status())
            {
                case HELP:
                    return Optional.empty();
                case REMOVED:
                    throw new UsageException(
                        flag.flagName() + " has been removed for security reasons; use " + flag.replacement());
                case SUPPORTED:
                default:
                    break;
            }
            String value = null;
            byte[] bytes = null;
            if (flag.takesValue())
            {
                if (i >= args.length)
                {
                    throw new UsageException(flag.flagName() + " requires a value");
                }
                bytes = null == raw ? PathBytes.encode(args[i]) : raw[i];
                value = args[i++];
            }
            apply(b, flag, value, bytes);
        }
        validate(b);
        return Optional.of(b.build());
    }

    /** @param bytes the value as the process received it, for the flags that name a file or a command */
    private static void apply(final Options.Builder b, final Flag flag, final String v, final byte[] bytes)
        throws UsageException
    {
        switch (flag)
        {
            case SOCKET:
                b.socket = path(flag, bytes);
                break;
            case THRESHOLD_MS:
                b.thresholdMs = unsigned(flag, v, U64);
                break;
            case SOCKET_MODE:
                b.socketMode = octalMode(v);
                break;
            case READ_TIMEOUT_MS:
                b.readTimeoutMs = unsigned(flag, v, U64);
                break;
            case UDS_RCVBUF_BYTES:
                b.udsRcvbufBytes = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case EXPORT_FILE:
                b.exportFile = path(flag, bytes);
                break;
            case EXPORT_FILE_MAX_BYTES:
                final long maxBytes = unsigned(flag, v, U64);
                if (Long.compareUnsigned(maxBytes, MIN_EXPORT_FILE_MAX_BYTES) < 0)
                {
                    throw new UsageException("--export-file-max-bytes: " + maxBytes
                        + " is below the minimum " + MIN_EXPORT_FILE_MAX_BYTES + " bytes (a tiny cap rotates per"
                        + " record and recreates the export file empty on every write, shredding the event"
                        + " stream; omit the flag to grow the export file unbounded)");
                }
                b.exportFileMaxBytes = maxBytes;
                break;
            case EXPORT_FILE_SYNC_EVERY:
                final long syncEvery = unsigned(flag, v, U64);
                if (Long.compareUnsigned(syncEvery, RustSyntax.U32_MAX) > 0)
                {
                    throw badValue(flag, v);
                }
                b.exportFileSyncEvery = syncEvery;
                break;
            case RECOVERY_AUDIT_FILE:
                b.recoveryAuditFile = path(flag, bytes);
                break;
            case RECOVERY_AUDIT_MAX_BYTES:
                final long auditMaxBytes = unsigned(flag, v, U64);
                if (Long.compareUnsigned(auditMaxBytes, AuditConfig.MIN_MAX_BYTES) < 0)
                {
                    throw new UsageException("--recovery-audit-max-bytes: " + auditMaxBytes + " is below the minimum "
                        + AuditConfig.MIN_MAX_BYTES + " bytes (a tiny cap rotates per record and shreds the audit trail"
                        + " with no tamper signal; omit the flag to grow the audit file unbounded)");
                }
                b.recoveryAuditMaxBytes = auditMaxBytes;
                break;
            case RECOVERY_AUDIT_SYNC_EVERY:
                b.recoveryAuditSyncEvery = positiveU32(flag, v);
                break;
            case AUDIT_FSYNC_BUDGET_MS:
                b.auditFsyncBudgetMs = positiveU32(flag, v);
                break;
            case AUDIT_SYNC_INTERVAL_MS:
                b.auditSyncIntervalMs = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case AUDIT_ROTATION_BUDGET_MS:
                final long rotationBudget = positiveU32(flag, v);
                if (rotationBudget > AuditConfig.MAX_ROTATION_BUDGET_MS)
                {
                    throw new UsageException("--audit-rotation-budget-ms: " + rotationBudget + " ms exceeds the maximum "
                        + AuditConfig.MAX_ROTATION_BUDGET_MS + " ms (must stay below the "
                        + AuditConfig.MAINTENANCE_STAGE_ABORT_MS + " ms Maintenance-stage self-watchdog abort)");
                }
                b.auditRotationBudgetMs = rotationBudget;
                break;
            case MAX_BEAT_RATE:
                b.maxBeatRate = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case GLOBAL_BEAT_RATE:
                b.globalBeatRate = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case GLOBAL_BEAT_BURST:
                b.globalBeatBurst = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case TRACKER_CAPACITY:
                b.trackerCapacity = unsigned(flag, v, U64);
                break;
            case EVICTION_SCAN_WINDOW:
                b.evictionScanWindow = unsigned(flag, v, U64);
                break;
            case TRACKER_EVICTION_POLICY:
                b.trackerEvictionPolicy = word(flag, v, EvictionPolicy.values(), EvictionPolicy::cliName);
                break;
            case CLOCK_SOURCE:
                b.clockSource = word(flag, v, ClockSource.values(), ClockSource::cliName);
                break;
            case ITERATION_BUDGET_MS:
                b.iterationBudgetMs = unsigned(flag, v, U64);
                break;
            case PROM_ADDR:
                b.promAddr = socketAddress(v);
                break;
            case PROM_TOKEN_FILE:
                b.promTokenFile = path(flag, bytes);
                break;
            case PROM_RATE_LIMIT_PER_SEC:
                b.promRateLimitPerSec = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case PROM_RATE_LIMIT_BURST:
                b.promRateLimitBurst = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case SCRAPE_BUDGET_MS:
                b.scrapeBudgetMs = unsigned(flag, v, U64);
                break;
            case PROM_PID_SERIES_MAX:
                b.promPidSeriesMax = unsigned(flag, v, U64);
                break;
            case RECOVERY_EXEC:
                b.recoveryExec = v;
                b.recoveryExecBytes = bytes.clone();
                break;
            case RECOVERY_EXEC_FILE:
                b.recoveryExecFile = path(flag, bytes);
                break;
            case RECOVERY_DEBOUNCE_MS:
                b.recoveryDebounceMs = unsigned(flag, v, U64);
                break;
            case RECOVERY_ENV:
                final String problem = ChildEnvironment.entryProblem(v);
                if (null != problem)
                {
                    throw new UsageException(flag.flagName() + ": invalid value " + RustSyntax.debugQuote(v) + ": "
                        + problem);
                }
                b.recoveryEnv.add(v);
                break;
            case RECOVERY_INHERIT_ENV:
                b.recoveryInheritEnv = true;
                break;
            case RECOVERY_TIMEOUT_MS:
                b.recoveryTimeoutMs = unsigned(flag, v, U64);
                break;
            case RECOVERY_CAPTURE_STDIO:
                b.recoveryCaptureStdio = true;
                break;
            case RECOVERY_CAPTURE_BYTES:
                b.recoveryCaptureBytes = unsigned(flag, v, RustSyntax.U32_MAX);
                break;
            case UDP_PORT:
                b.udpPort = (int)unsigned(flag, v, U16_MAX);
                break;
            case UDP_BIND_ADDR:
                b.udpBindAddr = ipAddress(v);
                break;
            case KEY_FILE:
                b.keyFile = path(flag, bytes);
                break;
            case ACCEPTED_KEY_FILE:
                b.acceptedKeyFile = path(flag, bytes);
                break;
            case MASTER_KEY_FILE:
                b.masterKeyFile = path(flag, bytes);
                break;
            case I_ACCEPT_PLAINTEXT_UDP:
                b.acceptPlaintextUdp = true;
                break;
            case I_ACCEPT_SECURE_UDP_NON_LOOPBACK:
                b.acceptSecureUdpNonLoopback = true;
                break;
            case SECURE_UDP_ACCEPT_RECOVERY:
                b.secureUdpAcceptRecovery = true;
                break;
            case PLAINTEXT_UDP_ACCEPT_RECOVERY:
                b.plaintextUdpAcceptRecovery = true;
                break;
            case ALLOW_CROSS_NAMESPACE_AGENTS:
                b.allowCrossNamespaceAgents = true;
                break;
            case STRICT_NAMESPACE_CHECK:
                b.strictNamespaceCheck = true;
                break;
            case SHUTDOWN_AFTER_SECS:
                b.shutdownAfterSecs = unsigned(flag, v, U64);
                break;
            case HEARTBEAT_FILE:
                b.heartbeatFile = path(flag, bytes);
                break;
            case SELF_WATCHDOG_SECS:
                b.selfWatchdogSecs = unsigned(flag, v, U64);
                break;
            case HW_WATCHDOG:
                b.hwWatchdog = path(flag, bytes);
                break;
            case SHUTDOWN_GRACE_MS:
                b.shutdownGraceMs = unsigned(flag, v, U64);
                break;
            case SIGNAL_HANDLER_MODE:
                b.signalHandlerMode = word(flag, v, SignalHandlerMode.values(), SignalHandlerMode::cliName);
                break;
            case LOG_FORMAT:
                b.logFormat = word(flag, v, LogFormat.values(), LogFormat::cliName);
                break;
            default:
                throw new IllegalStateException("supported flag without conversion: " + flag.flagName());
        }
    }

    private static void validate(final Options.Builder b) throws UsageException
    {
        if (b.socket == null)
        {
            throw new UsageException("missing required flag --socket");
        }
        if (b.thresholdMs == null)
        {
            throw new UsageException("missing required flag --threshold-ms");
        }
        if (Long.compareUnsigned(b.thresholdMs, MIN_THRESHOLD_MS) < 0)
        {
            throw new UsageException("--threshold-ms: " + b.thresholdMs
                + " is below the minimum allowed value (" + MIN_THRESHOLD_MS + " ms)");
        }
        if (null != b.promAddr && null == b.promTokenFile)
        {
            throw new UsageException(PROM_ADDR_REQUIRES_TOKEN);
        }
        if (null != b.promTokenFile && null == b.promAddr)
        {
            throw new UsageException(PROM_TOKEN_REQUIRES_ADDR);
        }
        if (Long.compareUnsigned(b.shutdownGraceMs, MIN_SHUTDOWN_GRACE_MS) < 0)
        {
            throw new UsageException("--shutdown-grace-ms: " + b.shutdownGraceMs
                + " is below the minimum allowed value (" + MIN_SHUTDOWN_GRACE_MS + " ms)");
        }
        validateRecovery(b);
        validateUdp(b);
        if (!inRange(b.iterationBudgetMs, MIN_ITERATION_BUDGET_MS, MAX_ITERATION_BUDGET_MS))
        {
            throw new UsageException(outOfRange(Flag.ITERATION_BUDGET_MS, b.iterationBudgetMs,
                MIN_ITERATION_BUDGET_MS, MAX_ITERATION_BUDGET_MS) + " ms");
        }
        if (!inRange(b.scrapeBudgetMs, MIN_SCRAPE_BUDGET_MS, MAX_SCRAPE_BUDGET_MS))
        {
            throw new UsageException(outOfRange(Flag.SCRAPE_BUDGET_MS, b.scrapeBudgetMs,
                MIN_SCRAPE_BUDGET_MS, MAX_SCRAPE_BUDGET_MS) + " ms");
        }
        if (!inRange(b.promPidSeriesMax, 0, MAX_PROM_PID_SERIES))
        {
            throw new UsageException(outOfRange(Flag.PROM_PID_SERIES_MAX, b.promPidSeriesMax, 0, MAX_PROM_PID_SERIES));
        }
        if (!inRange(b.evictionScanWindow, 1, MAX_TRACKER_CAPACITY))
        {
            throw new UsageException(
                outOfRange(Flag.EVICTION_SCAN_WINDOW, b.evictionScanWindow, 1, MAX_TRACKER_CAPACITY));
        }
        if (!inRange(b.trackerCapacity, 1, MAX_TRACKER_CAPACITY))
        {
            throw new UsageException(
                outOfRange(Flag.TRACKER_CAPACITY, b.trackerCapacity, 1, MAX_TRACKER_CAPACITY));
        }
        checkClockSupported(b.clockSource);
        if (null != b.selfWatchdogSecs && Long.compareUnsigned(b.selfWatchdogSecs, MIN_SELF_WATCHDOG_SECS) < 0)
        {
            throw new UsageException("--self-watchdog-secs: " + b.selfWatchdogSecs + " is below the minimum "
                + MIN_SELF_WATCHDOG_SECS + " s (0 would abort the observer on its first iteration); omit the flag"
                + " to run without a self-watchdog");
        }
        final long readTimeoutCeiling = readTimeoutCeilingMs(null == b.selfWatchdogSecs ? OptionalLong.empty()
            : OptionalLong.of(b.selfWatchdogSecs < 0 ? Long.MAX_VALUE : b.selfWatchdogSecs));
        if (Long.compareUnsigned(b.readTimeoutMs, readTimeoutCeiling) > 0)
        {
            throw new UsageException("--read-timeout-ms: " + Long.toUnsignedString(b.readTimeoutMs)
                + " ms exceeds the maximum " + readTimeoutCeiling
                + " ms (must stay below the active self-watchdog budget)");
        }
        if (Long.compareUnsigned(b.readTimeoutMs, MIN_READ_TIMEOUT_MS) < 0)
        {
            throw new UsageException("--read-timeout-ms: " + b.readTimeoutMs + " is below the minimum "
                + MIN_READ_TIMEOUT_MS + " ms (0 makes the UDS bind fail with \"cannot set a 0 duration timeout\""
                + " and the observer never starts; omit the flag for the default)");
        }
    }

    /** The reference's recovery checks, in its order (capture bytes range, timeout floor, capture needs a command). */
    private static void validateRecovery(final Options.Builder b) throws UsageException
    {
        if (!inRange(b.recoveryCaptureBytes, MIN_CAPTURE_BYTES, MAX_CAPTURE_BYTES))
        {
            throw new UsageException(outOfRange(Flag.RECOVERY_CAPTURE_BYTES, b.recoveryCaptureBytes, MIN_CAPTURE_BYTES,
                MAX_CAPTURE_BYTES));
        }
        if (null != b.recoveryTimeoutMs && Long.compareUnsigned(b.recoveryTimeoutMs, MIN_RECOVERY_TIMEOUT_MS) < 0)
        {
            throw new UsageException("--recovery-timeout-ms: " + b.recoveryTimeoutMs
                + " is below the minimum allowed value (" + MIN_RECOVERY_TIMEOUT_MS + " ms)");
        }
        if (b.recoveryCaptureStdio && null == b.recoveryExec && null == b.recoveryExecFile)
        {
            throw new UsageException("--recovery-capture-stdio requires --recovery-exec or --recovery-exec-file");
        }
        // The reference's next check (H2) lands with --udp-port, here: when a recovery command (exec or exec file)
        // is set and --udp-port is given, secure UDP (any key file) needs
        // --secure-udp-i-accept-recovery-on-unauthenticated-transport and plaintext UDP (--i-accept-plaintext-udp,
        // no key) needs --plaintext-udp-i-accept-recovery-on-unauthenticated-transport; otherwise the usage error
        // RecoveryRequiresAuthenticatedTransport names the listener's IP:PORT (IP 0.0.0.0 when --udp-bind-addr is
        // absent) and both flags. At runtime a listener with its flag stamps its beats
        // tracker.BeatOrigin.OPERATOR_ATTESTED_TRANSPORT (recovery.RecoveryGate lets them through); without it they
        // are NETWORK_UNVERIFIED and every stall is refused as unauthenticated_transport.
    }

    /**
     * The reference's UDP checks, in its order: H2 (a recovery command with {@code --udp-port} needs the accept flag
     * of the listener that will run: secure when any key file is given, plaintext with
     * {@code --i-accept-plaintext-udp}, else none can), then H4 (keys with an explicit non-loopback
     * {@code --udp-bind-addr} need {@code --i-accept-secure-udp-non-loopback}). Which listener runs, and its
     * startup errors, are decided at startup (exit 1), not here.
     */
    static void validateUdp(final Options.Builder b) throws UsageException
    {
        final boolean keys = null != b.keyFile || null != b.acceptedKeyFile || null != b.masterKeyFile;
        final boolean recovery = null != b.recoveryExec || null != b.recoveryExecFile;
        if (recovery && null != b.udpPort)
        {
            final boolean accepted = keys ? b.secureUdpAcceptRecovery : b.acceptPlaintextUdp && b.plaintextUdpAcceptRecovery;
            if (!accepted)
            {
                final String ip = null == b.udpBindAddr ? "0.0.0.0" : hostText(b.udpBindAddr);
                throw new UsageException(recoveryRequiresAuthenticatedTransport(ip + ":" + b.udpPort));
            }
        }
        if (keys && null != b.udpBindAddr && !b.udpBindAddr.isLoopbackAddress() && !b.acceptSecureUdpNonLoopback)
        {
            throw new UsageException(secureUdpRequiresLoopbackBind(hostText(b.udpBindAddr)));
        }
    }

    /** The reference's RecoveryRequiresAuthenticatedTransport text for the listener at {@code ipPort}. */
    static String recoveryRequiresAuthenticatedTransport(final String ipPort)
    {
        return "recovery with --udp-port: the UDP listener at " + ipPort + " cannot attest which process sent a"
            + " beat, so a forged or replayed beat could make the observer run the recovery command. Accept that"
            + " risk for the listener explicitly: --secure-udp-i-accept-recovery-on-unauthenticated-transport for"
            + " secure UDP (a key file is given), --plaintext-udp-i-accept-recovery-on-unauthenticated-transport for"
            + " plaintext UDP (--i-accept-plaintext-udp)";
    }

    /** The reference's SecureUdpRequiresLoopbackBind text for {@code --udp-bind-addr ip}. */
    static String secureUdpRequiresLoopbackBind(final String ip)
    {
        return "--udp-bind-addr " + ip + " is not a loopback address: the secure UDP listener binds loopback"
            + " unless --i-accept-secure-udp-non-loopback is given (anyone who can reach it can fill its 1024-sender"
            + " replay table with senders holding a key, and new agents are then refused; firewall it to the"
            + " agents' hosts)";
    }

    private static String hostText(final InetAddress ip)
    {
        return IpPort.host(ip);
    }

    /**
     * Rust's {@code IpAddr} syntax for {@code --udp-bind-addr}: a dotted IPv4 literal or an IPv6 literal without
     * brackets; no host names. A bad value gives the reference's BadAddr text, which names {@code --prom-addr}
     * (the reference's feature list §1.4, §9.6: kept for drop-in compatibility).
     */
    static InetAddress ipAddress(final String raw) throws UsageException
    {
        final UsageException bad = new UsageException(
            "--prom-addr: not a valid socket address: " + RustSyntax.debugQuote(raw));
        final boolean v6 = raw.contains(":");
        if (v6 ? !raw.matches("[0-9A-Fa-f:.]+") : !isIpv4(raw))
        {
            throw bad;
        }
        try
        {
            return InetAddress.getByName(raw);
        }
        catch (final UnknownHostException e)
        {
            throw bad;
        }
    }

    /**
     * The largest accepted {@code --read-timeout-ms}: 1000 ms, lowered to half of
     * {@code --self-watchdog-secs} when that flag is set. Any thread.
     *
     * @param selfWatchdogSecs the self-watchdog deadline, if configured
     * @return the ceiling in milliseconds
     */
    static long readTimeoutCeilingMs(final OptionalLong selfWatchdogSecs)
    {
        if (selfWatchdogSecs.isEmpty())
        {
            return MAX_READ_TIMEOUT_MS;
        }
        final long secs = selfWatchdogSecs.getAsLong();
        final long halfMs = secs >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : secs * 1000 / 2;
        return Math.min(halfMs, MAX_READ_TIMEOUT_MS);
    }

    private static void checkClockSupported(final ClockSource source) throws UsageException
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        final boolean linux = os.startsWith("linux");
        final String hint;
        if (source == ClockSource.MONOTONIC_RAW)
        {
            hint = "`monotonic-raw` is macOS / iOS only (CLOCK_MONOTONIC_RAW = mach_continuous_time). On Linux"
                + " use `--clock-source boottime` (CLOCK_BOOTTIME) for advance-through-suspend semantics;"
                + " BSD has no equivalent kernel clock.";
        }
        else if (source == ClockSource.BOOTTIME && !linux)
        {
            hint = "`boottime` semantics (advance through suspend) require Linux's CLOCK_BOOTTIME.";
        }
        else
        {
            return;
        }
        throw new UsageException("--clock-source " + source.cliName() + " is not supported on `"
            + (linux ? "linux" : os) + "`. " + hint + " Otherwise use `--clock-source monotonic` (the default).");
    }

    private static boolean inRange(final long unsignedValue, final long min, final long max)
    {
        return Long.compareUnsigned(unsignedValue, min) >= 0 && Long.compareUnsigned(unsignedValue, max) <= 0;
    }

    private static String outOfRange(final Flag flag, final long unsignedValue, final long min, final long max)
    {
        return flag.flagName() + ": " + Long.toUnsignedString(unsignedValue)
            + " is outside the accepted range [" + min + ", " + max + "]";
    }

    /** A u32 that must not be 0: 0 is reported as "not a valid unsigned integer", as the reference does. */
    private static long positiveU32(final Flag flag, final String raw) throws UsageException
    {
        final long value = unsigned(flag, raw, RustSyntax.U32_MAX);
        if (value == 0)
        {
            throw new UsageException(
                flag.flagName() + ": not a valid unsigned integer: " + RustSyntax.debugQuote(raw));
        }
        return value;
    }

    /**
     * A path value, byte for byte as given: never re-encoded or normalised (a trailing {@code /} stays, and the
     * kernel then says what it means).
     */
    private static PathBytes path(final Flag flag, final byte[] bytes) throws UsageException
    {
        if (0 == bytes.length)
        {
            throw new UsageException(flag.flagName() + ": path must not be empty");
        }
        return PathBytes.of(bytes);
    }

    private static long unsigned(final Flag flag, final String raw, final long max) throws UsageException
    {
        if (!RustSyntax.isUnsigned(raw, 10, max))
        {
            throw new UsageException(
                flag.flagName() + ": not a valid unsigned integer: " + RustSyntax.debugQuote(raw));
        }
        return RustSyntax.parseUnsigned(raw, 10, max);
    }

    /**
     * Rust's {@code SocketAddr} syntax: {@code a.b.c.d:port} or {@code [ipv6]:port}, literal addresses only
     * (no host names, no DNS), decimal port 0..65535.
     */
    static InetSocketAddress socketAddress(final String raw) throws UsageException
    {
        final UsageException bad = new UsageException(
            "--prom-addr: not a valid socket address: " + RustSyntax.debugQuote(raw));
        final int colon = raw.lastIndexOf(':');
        if (colon <= 0)
        {
            throw bad;
        }
        final String host = raw.substring(0, colon);
        final String port = raw.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
            || Integer.parseInt(port) > 65_535)
        {
            throw bad;
        }
        final boolean v6 = host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']';
        final String literal = v6 ? host.substring(1, host.length() - 1) : host;
        if (v6 ? !literal.matches("[0-9A-Fa-f:.]+") || !literal.contains(":") : !isIpv4(literal))
        {
            throw bad;
        }
        try
        {
            return new InetSocketAddress(InetAddress.getByName(literal), Integer.parseInt(port));
        }
        catch (final UnknownHostException e)
        {
            throw bad;
        }
    }

    private static boolean isIpv4(final String s)
    {
        final String[] parts = s.split("\\.", -1);
        if (parts.length != 4)
        {
            return false;
        }
        for (final String p : parts)
        {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255)
            {
                return false;
            }
        }
        return true;
    }

    private static int octalMode(final String raw) throws UsageException
    {
        String digits = raw;
        if (raw.startsWith("0o") || raw.startsWith("0O"))
        {
            digits = raw.substring(2);
        }
        if (digits.isEmpty() || !RustSyntax.isUnsigned(digits, 8, RustSyntax.U32_MAX))
        {
            throw new UsageException("--socket-mode: expected octal digits (e.g. 600, 0600, or 0o600), got: "
                + RustSyntax.debugQuote(raw));
        }
        return (int) RustSyntax.parseUnsigned(digits, 8, RustSyntax.U32_MAX);
    }

    private static <E extends Enum<E>> E word(
        final Flag flag, final String raw, final E[] choices, final Function<E, String> cliName)
        throws UsageException
    {
        for (final E choice : choices)
        {
            if (cliName.apply(choice).equals(raw))
            {
                return choice;
            }
        }
        throw badValue(flag, raw);
    }

    private static UsageException badValue(final Flag flag, final String raw)
    {
        return new UsageException(flag.flagName() + ": invalid value " + RustSyntax.debugQuote(raw));
    }
}
