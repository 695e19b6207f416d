package io.varta.watch.recovery;

import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.tracker.BeatOrigin;

/**
 * The stall → spawn decision, in the reference's order (§6.2):
 * <ol>
 *   <li>a stall found by the agent's own next beat ({@link Stall#agentResumed()}: the observer lagged past the
 *       deadline) → skipped_agent_resumed: the silence is reported, but the agent is already beating again;</li>
 *   <li>a stall held over from an earlier iteration is re-checked first ({@link StallFreshness}): the agent beat
 *       again → skipped_agent_resumed; its pid belongs to another process → skipped_pid_recycled; kernel attested
 *       without a start time → skipped_stall_unverifiable;</li>
 *   <li>cross-namespace agent, unless allowed → refused (cross_namespace_agent);</li>
 *   <li>origin, by {@link BeatOrigin} rank: 0 network unverified → refused (unauthenticated_transport: a UDP
 *       listener stamps rank 2 instead when its recovery accept flag was given); 1 socket mode only → refused;
 *       2 operator-attested transport and 3 kernel attested continue; any other rank fails closed as 0;</li>
 *   <li>debounce per (pid, process lineage): recovered for this process less than the window ago → debounced;
 *       another process's entry does not debounce (counted as a debounce recycle reset);</li>
 *   <li>a child already running for the pid: same lineage → debounced (outstanding_in_flight); another lineage →
 *       that child is killed and detached (counted as an outstanding recycle reset) and evaluation goes on;</li>
 *   <li>outstanding capacity full → refused (outstanding_capacity);</li>
 *   <li>debounce ledger full of pids inside their window → refused (debounce_capacity, fail closed);</li>
 *   <li>spawn: the outstanding slot and the ledger entry are taken now, under a new token.</li>
 * </ol>
 * After every verdict, {@link #staleToken()} names a child to kill (step 5) or is {@link OutstandingChildren#NONE}.
 * The per-iteration budgets are the caller's ({@link RecoverySink}): it stops evaluating once they are spent.
 *
 * <pre>{@code
 * Verdict v = gate.evaluate(stall, now, heldOver, freshness);
 * if (Verdict.SPAWN == v) handOver(stall, gate.token()); else report(gate.refusal());
 * }</pre>
 *
 * <p>Threading: observer thread only. Allocates a little per spawn (ledger and table entries), nothing per refusal.
 */
final class RecoveryGate
{
    /** What to do with one stall. */
    enum Verdict
    {
        /** Start a child under {@link #token()}. */
        SPAWN,
        /** Do not; {@link #refusal()} says why. */
        REFUSE
    }

    private final boolean allowCrossNamespace;
    private final DebounceLedger ledger;
    private final OutstandingChildren outstanding;
    private final RecoveryStats stats;

    private RefusalReason refusal;
    private long token = OutstandingChildren.NONE;
    private long staleToken = OutstandingChildren.NONE;
    private long nextToken = 1;

    /**
     * @param config debounce window, outstanding capacity, namespace policy
     * @param stats where the gate's own counters go (evictions, recycle resets)
     */
    RecoveryGate(final RecoveryConfig config, final RecoveryStats stats)
    {
        this.allowCrossNamespace = config.allowCrossNamespace();
        this.ledger = new DebounceLedger(RecoveryConfig.DEBOUNCE_LEDGER_CAPACITY, config.debounceNanos());
        this.outstanding = new OutstandingChildren(config.outstandingCapacity());
        this.stats = stats;
    }

    /**
     * Decides one stall.
     *
     * @param stall the stall
     * @param nowNanos observer time
     * @param heldOver true when the stall was raised in an earlier loop iteration (it is re-checked)
     * @param freshness the observer's view for that re-check
     * @return the verdict
     */
    Verdict evaluate(final Stall stall, final long nowNanos, final boolean heldOver, final StallFreshness freshness)
    {
        refusal = null;
        token = OutstandingChildren.NONE;
        staleToken = OutstandingChildren.NONE;
        if (stall.agentResumed())
        {
            return refuse(RefusalReason.SKIPPED_AGENT_RESUMED);
        }
        if (heldOver)
        {
            final RefusalReason skip = skipReason(freshness.check(stall));
            if (null != skip)
            {
                return refuse(skip);
            }
        }
        if (stall.crossNamespace() && !allowCrossNamespace)
        {
            return refuse(RefusalReason.CROSS_NAMESPACE_AGENT);
        }
        final RefusalReason originRefusal = originRefusal(stall.origin());
        if (null != originRefusal)
        {
            return refuse(originRefusal);
        }
        final long pid = stall.pid();
        final long lineage = stall.startTime();
        ledger.prune(nowNanos);
        final int debounce = ledger.check(pid, lineage, nowNanos);
        if (DebounceLedger.WITHIN_WINDOW == debounce)
        {
            return refuse(RefusalReason.DEBOUNCED);
        }
        final long running = outstanding.tokenOf(pid);
        final boolean stale = OutstandingChildren.NONE != running;
        if (stale && outstanding.lineageOf(pid) == lineage)
        {
            return refuse(RefusalReason.OUTSTANDING_IN_FLIGHT);
        }
        RefusalReason full = null;
        if (outstanding.full())
        {
            full = RefusalReason.OUTSTANDING_CAPACITY;
        }
        else if (!ledger.hasRoomFor(pid, nowNanos))
        {
            full = RefusalReason.DEBOUNCE_CAPACITY;
        }
        if (DebounceLedger.OTHER_LINEAGE == debounce)
        {
            stats.increment(RecoveryCounter.DEBOUNCE_RECYCLE_RESETS);
        }
        if (stale)
        {
            outstanding.orphan(pid);
            staleToken = running;
            stats.increment(RecoveryCounter.OUTSTANDING_RECYCLE_RESETS);
        }
        if (null != full)
        {
            return refuse(full);
        }
        token = nextToken++;
        if (ledger.record(pid, lineage, nowNanos, token))
        {
            stats.increment(RecoveryCounter.LAST_FIRED_EVICTIONS);
        }
        outstanding.reserve(pid, lineage, token);
        return Verdict.SPAWN;
    }

    private Verdict refuse(final RefusalReason reason)
    {
        refusal = reason;
        return Verdict.REFUSE;
    }

    private static RefusalReason skipReason(final int freshness)
    {
        switch (freshness)
        {
            case StallFreshness.AGENT_RESUMED:
                return RefusalReason.SKIPPED_AGENT_RESUMED;
            case StallFreshness.PID_RECYCLED:
                return RefusalReason.SKIPPED_PID_RECYCLED;
            case StallFreshness.UNVERIFIABLE:
                return RefusalReason.SKIPPED_STALL_UNVERIFIABLE;
            default:
                return null;
        }
    }

    private RefusalReason originRefusal(final int origin)
    {
        switch (origin)
        {
            case BeatOrigin.KERNEL_ATTESTED:
            case BeatOrigin.OPERATOR_ATTESTED_TRANSPORT:
                return null;
            case BeatOrigin.SOCKET_MODE_ONLY:
                return RefusalReason.SOCKET_MODE_ONLY;
            case BeatOrigin.NETWORK_UNVERIFIED:
                return RefusalReason.UNAUTHENTICATED_TRANSPORT;
            default:
                stats.increment(RecoveryCounter.INVARIANT_VIOLATIONS_OBSERVER);
                return RefusalReason.UNAUTHENTICATED_TRANSPORT;
        }
    }

    /**
     * A child is gone (reaped) or was never started (its spawn failed): its outstanding slot is free again, and a
     * failed spawn does not arm the debounce.
     *
     * @param spawnFailed true for a failed spawn
     */
    void childGone(final long pid, final long token, final boolean spawnFailed)
    {
        if (!outstanding.release(pid, token))
        {
            stats.increment(RecoveryCounter.INVARIANT_VIOLATIONS_OBSERVER);
        }
        if (spawnFailed)
        {
            ledger.forget(pid, token);
        }
    }

    /** @return why the last {@link Verdict#REFUSE} refused */
    RefusalReason refusal()
    {
        return refusal;
    }

    /** @return the token of the last {@link Verdict#SPAWN} */
    long token()
    {
        return token;
    }

    /** @return a child to kill after the last verdict (its pid was recycled), or {@link OutstandingChildren#NONE} */
    long staleToken()
    {
        return staleToken;
    }

    /** @return children outstanding as the observer thread knows it (orphans included) */
    int outstanding()
    {
        return outstanding.total();
    }

    /** @return debounce-ledger entries */
    int ledgerSize()
    {
        return ledger.size();
    }
}
