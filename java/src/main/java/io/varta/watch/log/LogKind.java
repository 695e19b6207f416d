package io.varta.watch.log;

/**
 * A family of repeated diagnostics that share one rate-limit cooldown in {@link Diagnostics}.
 * The label is the {@code kind} label of the suppressed-lines counter
 * ({@code varta_log_suppressed_total{kind}}).
 *
 * <p>Immutable; any thread.
 */
public enum LogKind
{
    /** Export-file write, sync and rotation failures ("file export error: ..."). */
    FILE_EXPORT_IO("file_export_io"),
    /** Recovery audit-log I/O failures. */
    AUDIT_IO("audit_io"),
    /** Metrics endpoint serve failures. */
    PROM_SERVE("prom_serve"),
    /** Heartbeat-file write failures. */
    HEARTBEAT_IO("heartbeat_io"),
    /** Audit ring filling up (warning threshold). */
    AUDIT_RING_WARN("audit_ring_warn"),
    /** Audit ring filling up (critical threshold). */
    AUDIT_RING_CRITICAL("audit_ring_critical"),
    /** Frames that failed VLP decoding. */
    DECODE("decode"),
    /** Socket receive errors. */
    IO("io"),
    /** Authentication / identity failures of received frames. */
    AUTH("auth");

    private final String label;

    LogKind(final String label)
    {
        this.label = label;
    }

    /**
     * Metric label of this kind. Any thread.
     *
     * @return e.g. {@code file_export_io}
     */
    public String label()
    {
        return label;
    }
}
