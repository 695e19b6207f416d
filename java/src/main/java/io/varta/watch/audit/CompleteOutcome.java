package io.varta.watch.audit;

/**
 * How a recovery child ended: the {@code outcome} column of a {@code complete} record.
 *
 * <p>Immutable; any thread.
 */
public enum CompleteOutcome
{
    /** The child exited (with an exit code or a signal) and was reaped. */
    REAPED("reaped"),
    /** The child outlived {@code --recovery-timeout-ms} and was killed. */
    KILLED("killed"),
    /** Waiting for or killing the child failed. */
    REAP_FAILED("reap_failed");

    private final String label;

    CompleteOutcome(final String label)
    {
        this.label = label;
    }

    /**
     * Any thread.
     *
     * @return the column text, e.g. {@code reap_failed}
     */
    public String label()
    {
        return label;
    }

    /**
     * Any thread.
     *
     * @param label an outcome column
     * @return the outcome, or {@code null} when the label names none
     */
    public static CompleteOutcome ofLabel(final String label)
    {
        for (final CompleteOutcome outcome : values())
        {
            if (outcome.label.equals(label))
            {
                return outcome;
            }
        }
        return null;
    }
}
