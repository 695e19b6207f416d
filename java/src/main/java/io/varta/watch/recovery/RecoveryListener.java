package io.varta.watch.recovery;

/**
 * Every recovery decision, in the order it was taken: the hook the recovery audit log implements (its
 * {@code spawn}, {@code complete} and {@code refused} records, reference §6.4). Each record carries what the
 * audit line needs; {@code seq}, the hash chain and the {@code boot} record are the audit log's own.
 *
 * <pre>{@code
 * RecoveryListener audit = new RecoveryListener() {
 *     public void onSpawn(Spawn s)        { append(s.wallMillis(), s.observerNanos(), "spawn", s.agentPid(), ...); }
 *     public void onCompletion(Completion c) { append(..., "complete", c.outcome().label(), ...); }
 *     public void onRefusal(Refusal r)    { append(..., "refused", r.agentPid(), r.reason().label()); }
 * };
 * }</pre>
 *
 * <p>Threading: every method is called on the recovery thread only, never concurrently, in decision order
 * (a stall's refusal or spawn before any later stall's; a child's completion after its spawn). A listener may
 * block briefly (an fdatasync): that delays spawning and reaping, never stall detection. It must not throw.
 */
public interface RecoveryListener
{
    /** A listener that records nothing. */
    RecoveryListener NONE = new RecoveryListener()
    {
    };

    /**
     * A child was started for a stalled agent.
     *
     * @param wallMillis Unix time of the spawn, ms
     * @param observerNanos observer time of the decision
     * @param agentPid the stalled pid
     * @param childPid the child's pid
     * @param program argv[0] as configured
     * @param source {@code inline} or the exec file's path
     * @param templateLength byte length of the configured command, words joined by single spaces
     */
    record Spawn(long wallMillis, long observerNanos, long agentPid, long childPid, String program, String source,
        int templateLength)
    {
    }

    /**
     * A child ended and was reaped (or could not be).
     *
     * @param wallMillis Unix time of the reap, ms
     * @param observerNanos observer time of the reap, taken as the spawn decision's observer time plus the time
     *     since the spawn (the recovery thread does not read the observer's clock)
     * @param agentPid the stalled pid it ran for
     * @param childPid the child's pid
     * @param outcome reaped, killed or reap_failed
     * @param exitCode exit code, or -1 when it did not exit (signal, reap failure)
     * @param signal the signal that ended it, or -1
     * @param durationNanos spawn to reap
     * @param stdoutLength captured stdout bytes (0 without capture)
     * @param stderrLength captured stderr bytes (0 without capture)
     * @param truncated true when output beyond {@code --recovery-capture-bytes} was discarded
     */
    record Completion(long wallMillis, long observerNanos, long agentPid, long childPid, CompletionOutcome outcome,
        int exitCode, int signal, long durationNanos, long stdoutLength, long stderrLength, boolean truncated)
    {
    }

    /**
     * A stall did not lead to a child.
     *
     * @param wallMillis Unix time the recovery thread handled the decision, ms
     * @param observerNanos observer time of the decision
     * @param agentPid the stalled pid
     * @param reason why
     */
    record Refusal(long wallMillis, long observerNanos, long agentPid, RefusalReason reason)
    {
    }

    /** @param spawn a started child; recovery thread */
    default void onSpawn(final Spawn spawn)
    {
    }

    /** @param completion a finished child; recovery thread */
    default void onCompletion(final Completion completion)
    {
    }

    /** @param refusal a stall without a child (a failed spawn included); recovery thread */
    default void onRefusal(final Refusal refusal)
    {
    }
}
