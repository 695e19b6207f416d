package io.varta.watch.cli;

/**
 * A command-line or configuration error detected before startup. The message is the text printed after
 * {@code varta-watch: }; the process exits with {@link #EXIT_CODE}.
 *
 * <p>Immutable; any thread.
 */
public final class UsageException extends Exception
{
    /** Exit status of every usage error, as in the reference. */
    public static final int EXIT_CODE = 2;

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error. Any thread.
     *
     * @param message the user-visible text, without prefix
     */
    public UsageException(final String message)
    {
        super(message, null, false, false);
    }

    /**
     * The exit status for this error. Any thread.
     *
     * @return always {@link #EXIT_CODE}
     */
    public int exitCode()
    {
        return EXIT_CODE;
    }
}
