package io.varta.watch.recovery;

/**
 * Recovery's published counters besides the outcomes ({@link RecoveryOutcome}), each written by exactly one
 * thread (named per constant) and read by any through {@link RecoveryStats}.
 *
 * <p>Immutable; any thread.
 */
public enum RecoveryCounter
{
    /** Sum of child run times (spawn to reap), ns; recovery thread. */
    DURATION_NANOS_SUM,
    /** Completions in {@link #DURATION_NANOS_SUM}; recovery thread. */
    DURATION_COUNT,
    /** Debounce-ledger entries evicted to make room (older than the window); observer thread. */
    LAST_FIRED_EVICTIONS,
    /** Stalls not debounced because the pid's ledger entry was another process (recycled pid); observer thread. */
    DEBOUNCE_RECYCLE_RESETS,
    /** Outstanding children of a recycled pid killed to make way for the new process's; observer thread. */
    OUTSTANDING_RECYCLE_RESETS,
    /** Loop iterations that left stalls for the next one (spawn or evaluation budget spent); observer thread. */
    SPAWN_BUDGET_EXCEEDED,
    /** Internal fall-throughs seen by the observer thread (should stay 0); observer thread. */
    INVARIANT_VIOLATIONS_OBSERVER,
    /** Internal fall-throughs seen by the recovery thread (should stay 0); recovery thread. */
    INVARIANT_VIOLATIONS_RUNNER,
    /** Captured stdout bytes over all children; recovery thread. */
    CAPTURED_STDOUT_BYTES,
    /** Captured stderr bytes over all children; recovery thread. */
    CAPTURED_STDERR_BYTES,
    /** Children whose output exceeded the capture limit; recovery thread. */
    CAPTURE_TRUNCATED,
    /** Gauge: children spawned and not reaped yet; recovery thread. */
    CHILDREN_OUTSTANDING,
    /** Refusal records not handed to the recovery thread (queue full: not logged, not audited; still counted); observer thread. */
    REFUSALS_NOT_LOGGED
}
