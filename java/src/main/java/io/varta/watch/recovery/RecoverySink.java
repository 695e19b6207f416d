package io.varta.watch.recovery;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The observer thread's side of recovery: an {@link ObserverEvents} sink that queues each stall and, once per
 * loop iteration ({@link #onTick}), decides them in order through the {@link RecoveryGate} until
 * {@value RecoveryConfig#EVALUATIONS_PER_TICK} were decided or {@value RecoveryConfig#SPAWNS_PER_TICK} spawns were
 * handed to the recovery thread. Stalls beyond either budget stay queued for the next iteration (which the loop runs at once: {@link #onTick}
 * returns "now") and are re-checked when they are decided.
 *
 * <p>Nothing here waits: spawning, reaping, logging and auditing happen on the recovery thread; the hand-over is
 * a bounded lock-free queue ({@link RecoveryHandoff}) and a kick is one eventfd write. Counting happens here for
 * the verdicts taken here (debounced, refused_*, skipped_*), so a refusal is counted even if the queue could not
 * take its log record.
 *
 * <p>Threading: observer thread only (every {@link ObserverEvents} method).
 */
public final class RecoverySink implements ObserverEvents
{
    /** When the command queue is full: ask for the next tick this much later instead of spinning. */
    private static final long QUEUE_FULL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Command slots an evaluation may need: a kill of a recycled pid's child, then a spawn or a refusal. */
    private static final int COMMANDS_PER_EVALUATION = 2;

    private final RecoveryGate gate;
    private final RecoveryHandoff handoff;
    private final RecoveryStats stats;
    private final ArrayDeque<Stall> pending = new ArrayDeque<>();
    private final long[] notice = new long[RecordQueue.FIELDS];
    /** Stalls at the head of {@link #pending} raised in an earlier iteration (re-checked when decided). */
    private int heldOver;

    RecoverySink(final RecoveryConfig config, final RecoveryHandoff handoff, final RecoveryStats stats)
    {
        this.gate = new RecoveryGate(config, stats);
        this.handoff = handoff;
        this.stats = stats;
    }

    /** Observer thread: queues the stall for this iteration's {@link #onTick}. */
    @Override
    public void onStall(final Stall stall)
    {
        pending.addLast(stall);
    }

    /**
     * Observer thread: takes the recovery thread's notices, then decides queued stalls within this iteration's
     * budgets.
     *
     * @return {@code nowNanos} while stalls remain (the next iteration should come at once), a millisecond later
     *     when the command queue is full, else {@link Long#MAX_VALUE}
     */
    @Override
    public long onTick(final long nowNanos, final StallFreshness freshness)
    {
        takeNotices();
        if (handoff.hasRecoveryEnded())
        {
            pending.clear(); // the recovery thread stopped (or failed, and said so): nothing would take them
            heldOver = 0;
        }
        if (pending.isEmpty())
        {
            return Long.MAX_VALUE;
        }
        int evaluations = 0;
        int spawns = 0;
        boolean queueFull = false;
        boolean offered = false;
        while (!pending.isEmpty() && evaluations < RecoveryConfig.EVALUATIONS_PER_TICK
            && spawns < RecoveryConfig.SPAWNS_PER_TICK)
        {
            if (handoff.commandRoom() < COMMANDS_PER_EVALUATION)
            {
                queueFull = true;
                break;
            }
            final Stall stall = pending.pollFirst();
            final boolean wasHeldOver = heldOver > 0;
            final RecoveryGate.Verdict verdict = gate.evaluate(stall, nowNanos, wasHeldOver, freshness);
            if (wasHeldOver)
            {
                heldOver--;
            }
            evaluations++;
            offered = true;
            if (OutstandingChildren.NONE != gate.staleToken())
            {
                handoff.offerKill(gate.staleToken(), nowNanos);
            }
            if (RecoveryGate.Verdict.SPAWN == verdict)
            {
                handoff.offerSpawn(stall.pid(), gate.token(), nowNanos);
                spawns++;
            }
            else
            {
                stats.count(gate.refusal().outcome());
                if (!handoff.offerRefusal(stall.pid(), gate.refusal(), nowNanos))
                {
                    stats.increment(RecoveryCounter.REFUSALS_NOT_LOGGED);
                }
            }
        }
        if (offered)
        {
            handoff.wakeRecoveryIfAsleep();
        }
        heldOver = pending.size();
        if (pending.isEmpty())
        {
            return Long.MAX_VALUE;
        }
        stats.increment(RecoveryCounter.SPAWN_BUDGET_EXCEEDED);
        return queueFull ? nowNanos + QUEUE_FULL_RETRY_NANOS : nowNanos;
    }

    private void takeNotices()
    {
        while (handoff.pollNotice(notice))
        {
            gate.childGone(notice[1], notice[2], RecoveryHandoff.SPAWN_FAILED == notice[0]);
        }
    }

    /** Observer thread: stalls still queued at shutdown are dropped (every child is killed next anyway). */
    @Override
    public void onShutdown(final long nowNanos)
    {
        pending.clear();
        heldOver = 0;
    }

    /** @return stalls queued for a later iteration; observer thread */
    int pendingStalls()
    {
        return pending.size();
    }

    /** @return children outstanding as this thread knows it; observer thread */
    int outstanding()
    {
        return gate.outstanding();
    }
}
