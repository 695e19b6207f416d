package io.varta.watch.log;

/**
 * Severity of a diagnostic line, spelled as the JSON {@code level} field prints it.
 *
 * <p>Immutable; any thread.
 */
public enum LogLevel
{
    /** Informational. */
    INFO("info"),
    /** Degraded but running. */
    WARN("warn"),
    /** Failure. */
    ERROR("error");

    private final String label;

    LogLevel(final String label)
    {
        this.label = label;
    }

    /**
     * Lower-case name as written in JSON lines. Any thread.
     *
     * @return {@code info}, {@code warn} or {@code error}
     */
    public String label()
    {
        return label;
    }
}
