package io.varta.watch.audit;

/**
 * Why recovery was declined for a stalled agent: the {@code reason} column of a {@code refused} record (the
 * reference observer's names, {@code observer-features.md} §6.4).
 *
 * <p>Immutable; any thread.
 */
public enum RefusalReason
{
    /** The agent's pid namespace differs from the observer's (and cross-namespace agents are not allowed). */
    CROSS_NAMESPACE_AGENT("cross_namespace_agent"),
    /** The agent's beats came over a transport that cannot attest the sender (UDP without the accept flag). */
    UNAUTHENTICATED_TRANSPORT("unauthenticated_transport"),
    /** The agent's beats were trusted only by the socket mode (no kernel credentials). */
    SOCKET_MODE_ONLY("socket_mode_only"),
    /** A recovery for the same pid and process fired less than the debounce window ago. */
    DEBOUNCED("debounced"),
    /** A recovery child for the same pid and process is still running. */
    OUTSTANDING_IN_FLIGHT("outstanding_in_flight"),
    /** The debounce ledger is full of entries younger than the window (fail closed). */
    DEBOUNCE_CAPACITY("debounce_capacity"),
    /** No outstanding-child slot is free. */
    OUTSTANDING_CAPACITY("outstanding_capacity"),
    /** The orphan list (killed children of recycled pids awaiting reaping) is full. */
    ORPHAN_REAP_CAPACITY("orphan_reap_capacity"),
    /** The stale child of a recycled pid could not be killed. */
    STALE_CHILD_KILL_FAILED("stale_child_kill_failed"),
    /** Spawning the recovery command failed. */
    SPAWN_FAILED("spawn_failed"),
    /** A deferred stall was re-checked and the agent had beaten again. */
    SKIPPED_AGENT_RESUMED("skipped_agent_resumed"),
    /** A deferred stall was re-checked and the pid now belongs to another process. */
    SKIPPED_PID_RECYCLED("skipped_pid_recycled"),
    /** A deferred stall could not be re-checked (no process start time on this platform). */
    SKIPPED_STALL_UNVERIFIABLE("skipped_stall_unverifiable");

    private final String label;

    RefusalReason(final String label)
    {
        this.label = label;
    }

    /**
     * Any thread.
     *
     * @return the column text, e.g. {@code debounce_capacity}
     */
    public String label()
    {
        return label;
    }
}
