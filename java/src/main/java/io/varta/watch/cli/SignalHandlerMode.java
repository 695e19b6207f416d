package io.varta.watch.cli;

/**
 * {@code --signal-handler-mode}: accepted and validated for drop-in compatibility with the reference;
 * the JVM's signal handling does not depend on it.
 *
 * <p>Immutable; any thread.
 */
public enum SignalHandlerMode
{
    /** Default. */
    DIRECT("direct"),
    /** The reference's libc-based installer. */
    LIBC("libc");

    private final String cliName;

    SignalHandlerMode(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * The word used on the command line. Any thread.
     *
     * @return {@code direct} or {@code libc}
     */
    public String cliName()
    {
        return cliName;
    }
}
