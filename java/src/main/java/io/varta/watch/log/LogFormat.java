package io.varta.watch.log;

/**
 * How {@link Diagnostics} renders one stderr line: {@code varta-watch: <msg>} text (the default)
 * or one JSON object per line ({@code --log-format json}).
 *
 * <p>Immutable; any thread.
 */
public enum LogFormat
{
    /** {@code varta-watch: <msg>} lines. */
    TEXT("text"),
    /** {@code {"ts_ns":<unix-ns>,"level":"info|warn|error","msg":"..."}} lines. */
    JSON("json");

    private final String cliName;

    LogFormat(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * The word used on the command line for this format. Any thread.
     *
     * @return {@code text} or {@code json}
     */
    public String cliName()
    {
        return cliName;
    }
}
