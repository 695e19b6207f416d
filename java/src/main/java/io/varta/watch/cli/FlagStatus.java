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
    /** Part of the reference surface but its capability is not built yet: rejected with exit 2. */
    NOT_YET_SUPPORTED,
    /** Removed by the reference for security reasons: rejected with a migration hint. */
    REMOVED,
    /** {@code -h} / {@code --help}. */
    HELP
}
