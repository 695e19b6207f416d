package io.varta.watch.cli;

import java.util.Objects;

/**
 * What {@link CommandLine#parseOrExit} decided: either run with {@link #options()}, or exit at once
 * with {@link #exitCode()} (0 after {@code --help}, 2 after a usage error).
 *
 * <p>Immutable; any thread.
 */
public final class ParseOutcome
{
    private final Options options;
    private final int exitCode;

    private ParseOutcome(final Options options, final int exitCode)
    {
        this.options = options;
        this.exitCode = exitCode;
    }

    static ParseOutcome run(final Options options)
    {
        return new ParseOutcome(Objects.requireNonNull(options, "options"), 0);
    }

    static ParseOutcome exit(final int exitCode)
    {
        return new ParseOutcome(null, exitCode);
    }

    /**
     * Whether the process should exit now instead of starting the observer. Any thread.
     *
     * @return {@code true} after help or a usage error
     */
    public boolean shouldExit()
    {
        return options == null;
    }

    /**
     * The exit status when {@link #shouldExit()}. Any thread.
     *
     * @return 0 or 2 (0 as well when the observer should run)
     */
    public int exitCode()
    {
        return exitCode;
    }

    /**
     * The parsed configuration. Any thread.
     *
     * @return the options
     * @throws IllegalStateException when {@link #shouldExit()}
     */
    public Options options()
    {
        if (options == null)
        {
            throw new IllegalStateException("no options: the process must exit with " + exitCode);
        }
        return options;
    }
}
