package io.varta.watch.recovery;

import io.varta.watch.log.LogLevel;

/**
 * Why a stall did not lead to a recovery child: the {@code reason} of the audit log's {@code refused} record
 * (reference §6.4), the outcome it is counted under, and how it is logged. Refusals are warnings; debounces
 * and skips of held-over stalls are info lines (routine, not a configuration problem).
 *
 * <p>The reference's {@code orphan_reap_capacity} and {@code stale_child_kill_failed} have no counterpart here:
 * a child killed because its pid was recycled stays in the one outstanding table until reaped (so a full table
 * is {@link #OUTSTANDING_CAPACITY}), and it is killed through its pidfd by the recovery thread, which cannot
 * hit another process.
 *
 * <p>Immutable; any thread.
 */
public enum RefusalReason
{
    /** The agent's pid namespace differs from the observer's and cross-namespace agents are not allowed. */
    CROSS_NAMESPACE_AGENT("cross_namespace_agent", RecoveryOutcome.REFUSED_CROSS_NAMESPACE, LogLevel.WARN,
        "REFUSED: agent's PID namespace differs from the observer's (--allow-cross-namespace-agents not set)"),
    /** Network-unverified origin: UDP without the listener's accept flag. */
    UNAUTHENTICATED_TRANSPORT("unauthenticated_transport", RecoveryOutcome.REFUSED_UNAUTHENTICATED_TRANSPORT,
        LogLevel.WARN, "REFUSED: the agent beats over an unauthenticated transport; recovery for it needs"
            + " --secure-udp-i-accept-recovery-on-unauthenticated-transport or"
            + " --plaintext-udp-i-accept-recovery-on-unauthenticated-transport"),
    /** Socket-mode-only origin: no kernel-verified pid. */
    SOCKET_MODE_ONLY("socket_mode_only", RecoveryOutcome.REFUSED_SOCKET_MODE_ONLY, LogLevel.WARN,
        "REFUSED: the agent's beats are socket-mode-only (no kernel-verified pid)"),
    /** Recovered for the same process less than {@code --recovery-debounce-ms} ago. */
    DEBOUNCED("debounced", RecoveryOutcome.DEBOUNCED, LogLevel.INFO,
        "debounced: recovered less than --recovery-debounce-ms ago"),
    /** The pid's previous child (same process lineage) is still running. */
    OUTSTANDING_IN_FLIGHT("outstanding_in_flight", RecoveryOutcome.DEBOUNCED, LogLevel.INFO,
        "debounced: its previous recovery child is still running"),
    /** The debounce ledger is full of pids inside their window (fail closed). */
    DEBOUNCE_CAPACITY("debounce_capacity", RecoveryOutcome.REFUSED_DEBOUNCE_CAPACITY, LogLevel.WARN,
        "REFUSED: the debounce ledger is full (" + RecoveryConfig.DEBOUNCE_LEDGER_CAPACITY
            + " pids recovered within --recovery-debounce-ms)"),
    /** As many children are outstanding as allowed. */
    OUTSTANDING_CAPACITY("outstanding_capacity", RecoveryOutcome.REFUSED_OUTSTANDING_CAPACITY, LogLevel.WARN,
        "REFUSED: the most recovery children allowed at once are still outstanding"),
    /** The command could not be started (logged as an error with the system's reason by the recovery thread). */
    SPAWN_FAILED("spawn_failed", RecoveryOutcome.SPAWN_FAILED, LogLevel.ERROR, "spawn failed"),
    /** A stall whose agent beat again: held over and re-checked, or found by that very beat. */
    SKIPPED_AGENT_RESUMED("skipped_agent_resumed", RecoveryOutcome.SKIPPED_AGENT_RESUMED, LogLevel.INFO,
        "skipped: the agent beat again"),
    /** A held-over stall whose pid now belongs to another process. */
    SKIPPED_PID_RECYCLED("skipped_pid_recycled", RecoveryOutcome.SKIPPED_PID_RECYCLED, LogLevel.INFO,
        "skipped: the pid now belongs to another process"),
    /** A held-over kernel-attested stall with no start time to check. */
    SKIPPED_STALL_UNVERIFIABLE("skipped_stall_unverifiable", RecoveryOutcome.SKIPPED_STALL_UNVERIFIABLE,
        LogLevel.INFO, "skipped: its start time is unknown, so a recycled pid cannot be ruled out");

    private static final RefusalReason[] ALL = values();

    private final String label;
    private final RecoveryOutcome outcome;
    private final LogLevel level;
    private final String logText;

    RefusalReason(final String label, final RecoveryOutcome outcome, final LogLevel level, final String logText)
    {
        this.label = label;
        this.outcome = outcome;
        this.level = level;
        this.logText = logText;
    }

    /** @return the reason by ordinal; any thread */
    static RefusalReason of(final int ordinal)
    {
        return ALL[ordinal];
    }

    /** @return the audit reason, e.g. {@code debounce_capacity}; any thread */
    public String label()
    {
        return label;
    }

    /** @return the outcome it is counted under in {@code varta_recovery_outcomes_total}; any thread */
    public RecoveryOutcome outcome()
    {
        return outcome;
    }

    /** @return the level it is logged at; any thread */
    public LogLevel level()
    {
        return level;
    }

    /** @return the log line after {@code "recovery for pid P "}; any thread */
    public String logText()
    {
        return logText;
    }
}
