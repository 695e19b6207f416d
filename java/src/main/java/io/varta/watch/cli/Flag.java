package io.varta.watch.cli;

import io.varta.watch.audit.AuditConfig;
import io.varta.watch.export.FileExporter;
import io.varta.watch.ingress.SecureUdpListener;
import io.varta.watch.ingress.UdpListener;
import io.varta.watch.ingress.UdsListener;
import io.varta.watch.metrics.IpRateLimiter;
import io.varta.watch.metrics.MetricsEndpoint;
import io.varta.watch.metrics.VartaMetrics;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.supervision.HardwareWatchdog;
import io.varta.watch.supervision.HeartbeatFile;
import io.varta.watch.supervision.SelfWatchdog;
import io.varta.watch.recovery.RecoveryConfig;
import io.varta.watch.tracker.RateLimiter;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The complete command-line surface of the reference observer, one row per flag: name, whether it
 * takes a value, its status (supported, removed with a migration hint, help), and its help text. Defaults and
 * limits in the help text are read from the component that owns them (never restated here), so the help,
 * docs/FLAGS.md (generated from the help) and the running code cannot disagree. A new flag adds a row and its
 * conversion in {@link CommandLineParser}.
 *
 * <p>Immutable; any thread.
 */
public enum Flag
{
    // ---- required ----------------------------------------------------------------------------
    SOCKET("--socket", "PATH", FlagStatus.SUPPORTED, "REQUIRED",
        "Path of the Unix datagram socket agents send beats to."),
    THRESHOLD_MS("--threshold-ms", "MS", FlagStatus.SUPPORTED, "REQUIRED",
        "Silence window per pid before a stall is reported (minimum " + TrackingConfig.MIN_THRESHOLD_MILLIS + ")."),

    // ---- UDS ingress ---------------------------------------------------------------------------
    SOCKET_MODE("--socket-mode", "OCTAL", FlagStatus.SUPPORTED, octal(UdsListener.DEFAULT_SOCKET_MODE),
        "Permission bits applied to the socket after bind (600, 0600, 0o600)."),
    READ_TIMEOUT_MS("--read-timeout-ms", "MS", FlagStatus.SUPPORTED, Options.DEFAULT_READ_TIMEOUT_MS,
        "UDS read timeout; range " + Options.MIN_READ_TIMEOUT_MS + ".." + Options.MAX_READ_TIMEOUT_MS
            + " (at most half of --self-watchdog-secs when set)."),
    UDS_RCVBUF_BYTES("--uds-rcvbuf-bytes", "BYTES", FlagStatus.SUPPORTED, UdsListener.DEFAULT_RCVBUF_BYTES,
        "SO_RCVBUF requested on the socket; 0 keeps the kernel default (max 2147483647)."),

    // ---- UDP ingress ---------------------------------------------------------------------------
    UDP_PORT("--udp-port", "PORT", FlagStatus.SUPPORTED, "none",
        "Also listen for beats on this UDP port: secure UDP when a key file is given, plaintext UDP with"
            + " --i-accept-plaintext-udp; 0 binds an ephemeral port (logged)."),
    UDP_BIND_ADDR("--udp-bind-addr", "IP", FlagStatus.SUPPORTED,
        SecureUdpListener.DEFAULT_BIND_ADDRESS + " with keys, else " + UdpListener.DEFAULT_BIND_ADDRESS,
        "Address the UDP listener binds (IPv4 or IPv6; used with --udp-port)."),
    KEY_FILE("--key-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Secure-UDP key: one 64-hex-character key, file mode 0600, owned by the observer."),
    ACCEPTED_KEY_FILE("--accepted-key-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Additional accepted secure-UDP keys, one per line, for key rotation (blank and # lines skipped)."),
    MASTER_KEY_FILE("--master-key-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Master key (64 hex characters) from which a key per agent is derived (64-byte datagrams)."),
    I_ACCEPT_PLAINTEXT_UDP("--i-accept-plaintext-udp", null, FlagStatus.SUPPORTED, "off",
        "Allow an unauthenticated plaintext UDP listener when no key is given (never for production)."),
    I_ACCEPT_SECURE_UDP_NON_LOOPBACK("--i-accept-secure-udp-non-loopback", null,
        FlagStatus.SUPPORTED, "off",
        "Allow the secure-UDP listener on a non-loopback address."),
    SECURE_UDP_ACCEPT_RECOVERY("--secure-udp-i-accept-recovery-on-unauthenticated-transport", null,
        FlagStatus.SUPPORTED, "off",
        "Allow recovery for stalls of agents that beat over secure UDP (their beats count as operator-attested)."),
    PLAINTEXT_UDP_ACCEPT_RECOVERY("--plaintext-udp-i-accept-recovery-on-unauthenticated-transport", null,
        FlagStatus.SUPPORTED, "off",
        "Allow recovery for stalls of agents that beat over plaintext UDP (their beats count as operator-attested)."),

    // ---- recovery ------------------------------------------------------------------------------
    RECOVERY_EXEC("--recovery-exec", "CMD", FlagStatus.SUPPORTED, "none",
        "Command run (no shell) for each stalled pid; {pid} in any argument is replaced by the pid."),
    RECOVERY_EXEC_FILE("--recovery-exec-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Read the recovery command from a file (mode 0600, owned by the observer)."),
    RECOVERY_DEBOUNCE_MS("--recovery-debounce-ms", "MS", FlagStatus.SUPPORTED, RecoveryConfig.DEFAULT_DEBOUNCE_MILLIS,
        "Minimum spacing of recoveries for the same pid; 0 disables debouncing."),
    RECOVERY_ENV("--recovery-env", "KEY=VALUE", FlagStatus.SUPPORTED, "none",
        "Environment entry for the recovery child (otherwise cleared to PATH=" + RecoveryConfig.DEFAULT_CHILD_PATH
            + "); repeatable."),
    RECOVERY_INHERIT_ENV("--recovery-inherit-env", null, FlagStatus.SUPPORTED, "off",
        "Give the recovery child the observer's whole environment."),
    RECOVERY_TIMEOUT_MS("--recovery-timeout-ms", "MS", FlagStatus.SUPPORTED, "none (never kill)",
        "Kill a recovery child still running after this long (minimum " + RecoveryConfig.MIN_TIMEOUT_MILLIS + ")."),
    RECOVERY_AUDIT_FILE("--recovery-audit-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Append-only, hash-chained audit log of recovery decisions (mode 0600; check it with varta-audit verify)."),
    RECOVERY_AUDIT_MAX_BYTES("--recovery-audit-max-bytes", "BYTES", FlagStatus.SUPPORTED,
        "none (unbounded)", "Rotate the audit log at this size (minimum " + AuditConfig.MIN_MAX_BYTES + ", "
            + AuditConfig.GENERATIONS + " generations)."),
    RECOVERY_AUDIT_SYNC_EVERY("--recovery-audit-sync-every", "N", FlagStatus.SUPPORTED,
        AuditConfig.DEFAULT_SYNC_EVERY, "fdatasync the audit log every N records (N >= 1)."),
    AUDIT_FSYNC_BUDGET_MS("--audit-fsync-budget-ms", "MS", FlagStatus.SUPPORTED, AuditConfig.DEFAULT_FSYNC_BUDGET_MS,
        "Defer further audit syncs in a drain once one fdatasync took this long (>= 1)."),
    AUDIT_SYNC_INTERVAL_MS("--audit-sync-interval-ms", "MS", FlagStatus.SUPPORTED,
        AuditConfig.DEFAULT_SYNC_INTERVAL_MS + " (off)", "Also fdatasync the audit log at least this often."),
    AUDIT_ROTATION_BUDGET_MS("--audit-rotation-budget-ms", "MS", FlagStatus.SUPPORTED,
        AuditConfig.DEFAULT_ROTATION_BUDGET_MS, "Count audit-log rotations slower than this (1.."
            + AuditConfig.MAX_ROTATION_BUDGET_MS + ")."),
    RECOVERY_CAPTURE_STDIO("--recovery-capture-stdio", null, FlagStatus.SUPPORTED, "off",
        "Pipe the recovery child's stdout and stderr and record their lengths, never their content."),
    RECOVERY_CAPTURE_BYTES("--recovery-capture-bytes", "BYTES", FlagStatus.SUPPORTED,
        RecoveryConfig.DEFAULT_CAPTURE_BYTES, "Cap on captured child output, stdout and stderr together ("
            + RecoveryConfig.MIN_CAPTURE_BYTES + ".." + RecoveryConfig.MAX_CAPTURE_BYTES + ")."),
    SHUTDOWN_GRACE_MS("--shutdown-grace-ms", "MS", FlagStatus.SUPPORTED, Options.DEFAULT_SHUTDOWN_GRACE_MS,
        "How long shutdown waits for recovery children after killing them (minimum "
            + Options.MIN_SHUTDOWN_GRACE_MS + ", max 60000)."),

    // ---- export file ---------------------------------------------------------------------------
    EXPORT_FILE("--export-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Append one tab-separated line per event to this file."),
    EXPORT_FILE_MAX_BYTES("--export-file-max-bytes", "BYTES", FlagStatus.SUPPORTED, "none (unbounded)",
        "Rotate the export file at this size, keeping " + FileExporter.GENERATIONS + " generations (minimum "
            + FileExporter.MIN_MAX_BYTES + ")."),
    EXPORT_FILE_SYNC_EVERY("--export-file-sync-every", "N", FlagStatus.SUPPORTED, FileExporter.DEFAULT_SYNC_EVERY,
        "Flush and fdatasync the export file every N lines; 0 flushes only when the buffer fills."),

    // ---- metrics -------------------------------------------------------------------------------
    PROM_ADDR("--prom-addr", "IP:PORT", FlagStatus.SUPPORTED, "none",
        "Serve Prometheus /metrics on this address (requires --prom-token-file)."),
    PROM_TOKEN_FILE("--prom-token-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Bearer token for /metrics: 64 hex characters, mode 0600."),
    PROM_RATE_LIMIT_PER_SEC("--prom-rate-limit-per-sec", "N", FlagStatus.SUPPORTED, IpRateLimiter.DEFAULT_PER_SEC,
        "Connections per second refilled per client IP."),
    PROM_RATE_LIMIT_BURST("--prom-rate-limit-burst", "N", FlagStatus.SUPPORTED, IpRateLimiter.DEFAULT_BURST,
        "Connection burst per client IP; 0 disables the per-IP limit."),
    SCRAPE_BUDGET_MS("--scrape-budget-ms", "MS", FlagStatus.SUPPORTED, MetricsEndpoint.DEFAULT_SCRAPE_BUDGET_MILLIS,
        "Soft time budget for serving one scrape; slower ones are counted (" + MetricsEndpoint.MIN_SCRAPE_BUDGET_MILLIS
            + ".." + MetricsEndpoint.MAX_SCRAPE_BUDGET_MILLIS + ")."),
    PROM_PID_SERIES_MAX("--prom-pid-series-max", "N", FlagStatus.SUPPORTED, VartaMetrics.DEFAULT_PID_SERIES_MAX,
        "Most pids with per-pid series in one /metrics body (0.." + VartaMetrics.MAX_PID_SERIES_MAX + "): stalled"
            + " pids first, most recent stall first; the others are counted in varta_prom_pid_series_omitted."
            + " GET /metrics?pids=0 omits all per-pid series."),

    // ---- admission and tracking ----------------------------------------------------------------
    MAX_BEAT_RATE("--max-beat-rate", "N", FlagStatus.SUPPORTED, RateLimiter.DEFAULT_MAX_BEAT_RATE,
        "Beats per second accepted per pid; 0 disables the limit."),
    GLOBAL_BEAT_RATE("--global-beat-rate", "N", FlagStatus.SUPPORTED, RateLimiter.DEFAULT_GLOBAL_RATE,
        "Frames per second accepted from all senders together; 0 disables the limit."),
    GLOBAL_BEAT_BURST("--global-beat-burst", "N", FlagStatus.SUPPORTED, RateLimiter.DEFAULT_GLOBAL_BURST,
        "Burst size of the global limit; 0 disables the limit."),
    TRACKER_CAPACITY("--tracker-capacity", "N", FlagStatus.SUPPORTED, TrackingConfig.DEFAULT_TRACKER_CAPACITY,
        "Maximum number of tracked pids (1.." + TrackingConfig.MAX_TRACKER_CAPACITY + ")."),
    EVICTION_SCAN_WINDOW("--eviction-scan-window", "N", FlagStatus.SUPPORTED, TrackingConfig.DEFAULT_EVICTION_SCAN_WINDOW,
        "Slots examined when looking for an eviction victim (1.." + TrackingConfig.MAX_TRACKER_CAPACITY + ")."),
    TRACKER_EVICTION_POLICY("--tracker-eviction-policy", "strict|balanced", FlagStatus.SUPPORTED, "strict",
        "What happens to a new pid when the tracker is full."),
    CLOCK_SOURCE("--clock-source", "monotonic|boottime", FlagStatus.SUPPORTED, "monotonic",
        "Observer clock; boottime keeps counting through suspend."),
    ITERATION_BUDGET_MS("--iteration-budget-ms", "MS", FlagStatus.SUPPORTED, TrackingConfig.DEFAULT_ITERATION_BUDGET_MILLIS,
        "Soft time budget of one observer loop iteration (" + TrackingConfig.MIN_ITERATION_BUDGET_MILLIS + ".."
            + TrackingConfig.MAX_ITERATION_BUDGET_MILLIS + ")."),
    ALLOW_CROSS_NAMESPACE_AGENTS("--allow-cross-namespace-agents", null, FlagStatus.SUPPORTED, "off",
        "Accept beats from agents in another pid namespace."),
    STRICT_NAMESPACE_CHECK("--strict-namespace-check", null, FlagStatus.SUPPORTED, "off",
        "Exit (code 1) when an agent from another pid namespace is seen."),

    // ---- liveness and lifecycle ----------------------------------------------------------------
    HEARTBEAT_FILE("--heartbeat-file", "PATH", FlagStatus.SUPPORTED, "none",
        "Atomically rewrite this file with '<loop_count> <observer_ns>' while the loop moves (at most every "
            + HeartbeatFile.INTERVAL_MILLIS + " ms)."),
    SELF_WATCHDOG_SECS("--self-watchdog-secs", "SECS", FlagStatus.SUPPORTED,
        "none (" + SelfWatchdog.SYSTEMD_DEADLINE_SECS + " under systemd WatchdogSec)",
        "Abort (SIGABRT) when a loop stage or iteration lasts this long (>= " + SelfWatchdog.MIN_DEADLINE_SECS
            + ")."),
    HW_WATCHDOG("--hw-watchdog", "PATH", FlagStatus.SUPPORTED, "none",
        "Kick this hardware watchdog device while the loop makes progress (timeout raised to >= "
            + HardwareWatchdog.MIN_TIMEOUT_SECS + " s)."),
    SHUTDOWN_AFTER_SECS("--shutdown-after-secs", "SECS", FlagStatus.SUPPORTED, "none",
        "Exit cleanly (code 0) after this many seconds."),
    SIGNAL_HANDLER_MODE("--signal-handler-mode", "direct|libc", FlagStatus.SUPPORTED, "direct",
        "Accepted for compatibility; has no effect on the JVM."),
    LOG_FORMAT("--log-format", "text|json", FlagStatus.SUPPORTED, "text",
        "stderr diagnostics as 'varta-watch: <msg>' lines or as JSON lines."),

    // ---- removed by the reference ------------------------------------------------------------
    RECOVERY_CMD("--recovery-cmd", "--recovery-exec"),
    RECOVERY_CMD_FILE("--recovery-cmd-file", "--recovery-exec-file"),
    I_ACCEPT_SHELL_RISK("--i-accept-shell-risk", "--recovery-exec"),
    KEY_ENV("--key-env", Flag.KEY_FILE_HINT),
    MASTER_KEY_ENV("--master-key-env", Flag.KEY_FILE_HINT),
    ACCEPTED_KEY_ENV("--accepted-key-env", Flag.KEY_FILE_HINT),

    // ---- help ----------------------------------------------------------------------------------
    HELP_SHORT("-h", null, FlagStatus.HELP, "", "Print this help to stdout and exit 0."),
    HELP("--help", null, FlagStatus.HELP, "", "Print this help to stdout and exit 0.");

    private static final String KEY_FILE_HINT = "--key-file (mode 0600, owned by the observer UID)";

    private static final Map<String, Flag> BY_NAME;

    static
    {
        final Map<String, Flag> byName = new HashMap<>();
        for (final Flag flag : values())
        {
            byName.put(flag.flagName, flag);
        }
        BY_NAME = Collections.unmodifiableMap(byName);
    }

    private final String flagName;
    private final String valueName;
    private final FlagStatus status;
    private final String defaultText;
    private final String description;
    private final String replacement;

    Flag(
        final String flagName,
        final String valueName,
        final FlagStatus status,
        final String defaultText,
        final String description)
    {
        this.flagName = flagName;
        this.valueName = valueName;
        this.status = status;
        this.defaultText = defaultText;
        this.description = description;
        this.replacement = null;
    }

    Flag(
        final String flagName,
        final String valueName,
        final FlagStatus status,
        final long defaultValue,
        final String description)
    {
        this(flagName, valueName, status, Long.toString(defaultValue), description);
    }

    Flag(final String flagName, final String replacement)
    {
        this.flagName = flagName;
        this.valueName = null;
        this.status = FlagStatus.REMOVED;
        this.defaultText = "";
        this.description = "";
        this.replacement = replacement;
    }

    /** Help text of a file mode: {@code 0600}. */
    private static String octal(final int mode)
    {
        return String.format("%04o", mode);
    }

    /**
     * Looks a command-line token up. Any thread.
     *
     * @param token an argv element
     * @return the flag, or {@code null} when the token is not a flag of the reference surface
     */
    public static Flag byName(final String token)
    {
        return BY_NAME.get(token);
    }

    /**
     * The token as typed, e.g. {@code --socket}. Any thread.
     *
     * @return the flag name
     */
    public String flagName()
    {
        return flagName;
    }

    /**
     * Whether the flag consumes the next token as its value. Any thread.
     *
     * @return {@code false} for boolean flags, help and removed flags
     */
    public boolean takesValue()
    {
        return valueName != null;
    }

    /**
     * Placeholder of the value in help, e.g. {@code MS}. Any thread.
     *
     * @return the placeholder, or {@code null} for flags without a value
     */
    public String valueName()
    {
        return valueName;
    }

    /**
     * Whether this build accepts the flag. Any thread.
     *
     * @return the status
     */
    public FlagStatus status()
    {
        return status;
    }

    /**
     * The default as shown in help ({@code REQUIRED} for the two mandatory flags). Any thread.
     *
     * @return default text, empty for help and removed flags
     */
    public String defaultText()
    {
        return defaultText;
    }

    /**
     * One-line help description. Any thread.
     *
     * @return the description, empty for removed flags
     */
    public String description()
    {
        return description;
    }

    /**
     * Migration hint of a removed flag. Any thread.
     *
     * @return what to use instead, or {@code null} when the flag is not removed
     */
    public String replacement()
    {
        return replacement;
    }
}
