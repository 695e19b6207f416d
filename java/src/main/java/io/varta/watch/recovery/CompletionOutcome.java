package io.varta.watch.recovery;

/**
 * How a spawned child ended: the {@code outcome} of the audit log's {@code complete} record (reference §6.4).
 *
 * <p>Immutable; any thread.
 */
public enum CompletionOutcome
{
    /** It exited (any code) or died of a signal we did not send. */
    REAPED("reaped"),
    /** We sent it SIGKILL (timeout, recycled pid, shutdown). */
    KILLED("killed"),
    /** {@code waitid} failed; the exit status is unknown. */
    REAP_FAILED("reap_failed");

    private final String label;

    CompletionOutcome(final String label)
    {
        this.label = label;
    }

    /** @return e.g. {@code reaped}; any thread */
    public String label()
    {
        return label;
    }

    /**
     * Any thread.
     *
     * @param label an outcome as written in the audit log
     * @return the outcome, or null when {@code label} names none
     */
    public static CompletionOutcome ofLabel(final String label)
    {
        for (final CompletionOutcome outcome : values())
        {
            if (outcome.label.equals(label))
            {
                return outcome;
            }
        }
        return null;
    }
}
