package io.varta.watch.recovery;

/**
 * The {@code outcome} label values of {@code varta_recovery_outcomes_total}, in the reference's order. Every
 * stall that reaches recovery ends in exactly one of debounced, refused_*, skipped_*, spawn_failed or spawned;
 * every spawned child ends in exactly one of reaped_zero, reaped_nonzero (a failed reap included, as the
 * reference counts it) or killed (timeout, recycled pid or shutdown). So at rest
 * {@code spawned = reaped_zero + reaped_nonzero + killed + outstanding children}.
 *
 * <p>Immutable; any thread.
 */
public enum RecoveryOutcome
{
    /** A child was started. */
    SPAWNED("spawned"),
    /** Within the debounce window, or the pid's previous child still runs. */
    DEBOUNCED("debounced"),
    /** A child exited 0. */
    REAPED_ZERO("reaped_zero"),
    /** A child exited non-zero or died of a signal it was not sent by us, or could not be reaped. */
    REAPED_NONZERO("reaped_nonzero"),
    /** A child was sent SIGKILL by us. */
    KILLED("killed"),
    /** The command could not be started. */
    SPAWN_FAILED("spawn_failed"),
    /** The agent beats over UDP without the listener's accept flag. */
    REFUSED_UNAUTHENTICATED_TRANSPORT("refused_unauthenticated_transport"),
    /** The agent lives in another pid namespace. */
    REFUSED_CROSS_NAMESPACE("refused_cross_namespace"),
    /** The debounce ledger is full of pids still inside their window. */
    REFUSED_DEBOUNCE_CAPACITY("refused_debounce_capacity"),
    /** As many children are outstanding as allowed. */
    REFUSED_OUTSTANDING_CAPACITY("refused_outstanding_capacity"),
    /** The agent's beats carry no kernel-verified pid. */
    REFUSED_SOCKET_MODE_ONLY("refused_socket_mode_only"),
    /** A held-over stall whose agent beat again. */
    SKIPPED_AGENT_RESUMED("skipped_agent_resumed"),
    /** A held-over stall whose pid now belongs to another process. */
    SKIPPED_PID_RECYCLED("skipped_pid_recycled"),
    /** A held-over kernel-attested stall without a start time to check. */
    SKIPPED_STALL_UNVERIFIABLE("skipped_stall_unverifiable");

    private final String label;

    RecoveryOutcome(final String label)
    {
        this.label = label;
    }

    /** @return the metric label, e.g. {@code reaped_zero}; any thread */
    public String label()
    {
        return label;
    }
}
