package io.varta.watch.cli;

/**
 * Whether this build accepts a flag of the reference command line.
 *
 * <p>Immutable; any thread.
 */
public enum FlagStatus
{
    /** Parsed and validated; the value reaches {@link Options}. */
    SUPPORTED,
    /** Removed by the reference for security reasons: rejected with a migration hint. */
    REMOVED,
    /** {@code -h} / {@code --help}. */
    HELP
}
