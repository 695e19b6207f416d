package io.varta.watch.observer;

/**
 * The stages of one observer-loop iteration, in the order the loop passes them, plus the states before the
 * first and after the last iteration. {@link LoopProgress} publishes the current stage and when the loop
 * entered it; the self-watchdog names the stage when it aborts a wedged loop
 * ({@code varta-watch stage 'flush' wedged for >...ns; aborting}).
 *
 * <p>The code of a stage is its ordinal; codes must fit the 4 stage bits of the progress block (16 stages).
 *
 * <p>Immutable; any thread.
 */
public enum LoopStage
{
    /** The loop has not begun its first iteration. */
    STARTING("starting"),
    /** Records are taken from the ring and handled one by one: admission, tracker, per-record sink events. */
    DRAIN("drain"),
    /** The sinks flush what the batch wrote (export file write, fdatasync every N lines). */
    FLUSH("flush"),
    /** Due stalls are raised and reported to the sinks. */
    STALL_CHECK("stall_check"),
    /** Counters and, when a scrape asked, the per-pid rows are published for other threads. */
    PUBLISH("publish"),
    /** Waiting for records or the next stall deadline, at most one second; the wake-up is announced. */
    SLEEP("sleep"),
    /** The loop has returned. */
    STOPPED("stopped");

    private final String label;

    LoopStage(final String label)
    {
        this.label = label;
    }

    /**
     * Any thread.
     *
     * @return the name used in the abort line and by the test-only {@link LoopWedge}, e.g. {@code stall_check}
     */
    public String label()
    {
        return label;
    }

    /**
     * Any thread.
     *
     * @return the number published in the progress block
     */
    public int code()
    {
        return ordinal();
    }

    /**
     * Any thread.
     *
     * @param label a {@link #label()}
     * @return its stage
     * @throws IllegalArgumentException for an unknown label
     */
    public static LoopStage byLabel(final String label)
    {
        for (final LoopStage stage : values())
        {
            if (stage.label.equals(label))
            {
                return stage;
            }
        }
        throw new IllegalArgumentException("no loop stage '" + label + "'");
    }
}
