package io.varta.watch.recovery;

import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.tracker.BeatOrigin;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The observer thread's side of recovery, driven the way the observer loop drives it (onStall, then onTick per
 * iteration) over the real hand-over queues; the test plays the recovery thread by reading the commands and
 * posting notices. Observer times are plain numbers: nothing here reads a clock.
 */
class RecoverySinkTest
{
    private static final long MS = 1_000_000L;
    private static final long DEBOUNCE_MS = 1_000;
    private static final long LINEAGE_A = 111;
    private static final long LINEAGE_B = 222;

    private final RecoveryStats stats = new RecoveryStats();
    private final AtomicInteger kicks = new AtomicInteger();
    private RecoveryHandoff handoff;
    private RecoverySink sink;

    private void start(final int outstanding, final boolean allowCrossNamespace)
    {
        final RecoveryConfig config = RecoveryConfig.builder(RecoveryCommand.of("/bin/true {pid}"),
            ChildEnvironment.of(List.of(), false, Map.of()))
            .debounceMillis(DEBOUNCE_MS)
            .outstandingCapacity(outstanding)
            .allowCrossNamespace(allowCrossNamespace)
            .build();
        handoff = new RecoveryHandoff(config.outstandingCapacity(), kicks::incrementAndGet);
        sink = new RecoverySink(config, handoff, stats);
    }

    private static Stall stall(final long pid, final int origin, final long lineage, final long lastBeat)
    {
        return new Stall(lastBeat + 500 * MS, pid, 1, lastBeat, origin, lineage, 4026531836L, false, false);
    }

    private static Stall kernel(final long pid, final long lineage)
    {
        return stall(pid, BeatOrigin.KERNEL_ATTESTED, lineage, 0);
    }

    /** One iteration: the stalls raised in it, then the tick. */
    private long iteration(final long now, final Stall... raised)
    {
        return iteration(now, StallFreshness.ALWAYS_CURRENT, raised);
    }

    private long iteration(final long now, final StallFreshness freshness, final Stall... raised)
    {
        for (final Stall s : raised)
        {
            sink.onStall(s);
        }
        return sink.onTick(now, freshness);
    }

    /** What the recovery thread would take: "spawn pid token", "kill token", "refuse pid reason". */
    private List<String> commands()
    {
        final List<String> out = new ArrayList<>();
        final long[] c = new long[RecordQueue.FIELDS];
        while (handoff.pollCommand(c))
        {
            final long kind = c[0] & 0xFF;
            if (RecoveryHandoff.SPAWN == kind)
            {
                out.add("spawn " + c[1] + " " + c[2]);
            }
            else if (RecoveryHandoff.KILL == kind)
            {
                out.add("kill " + c[2]);
            }
            else
            {
                out.add("refuse " + c[1] + " " + RefusalReason.of((int)(c[0] >>> 8)).label());
            }
        }
        return out;
    }

    @Test
    void everyOriginRankIsGatedAsTheReferenceDoes()
    {
        start(16, false);
        iteration(0,
            stall(10, BeatOrigin.NETWORK_UNVERIFIED, -1, 0),
            stall(11, BeatOrigin.SOCKET_MODE_ONLY, -1, 0),
            stall(12, BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, -1, 0),
            stall(13, BeatOrigin.KERNEL_ATTESTED, LINEAGE_A, 0),
            stall(14, 9, -1, 0));
        assertEquals(List.of("refuse 10 unauthenticated_transport", "refuse 11 socket_mode_only", "spawn 12 1",
            "spawn 13 2", "refuse 14 unauthenticated_transport"), commands());
        assertEquals(2, stats.get(RecoveryOutcome.REFUSED_UNAUTHENTICATED_TRANSPORT));
        assertEquals(1, stats.get(RecoveryOutcome.REFUSED_SOCKET_MODE_ONLY));
        assertEquals(1, stats.invariantViolations(), "an unknown rank fails closed and is counted");
        assertEquals(0, stats.get(RecoveryOutcome.SPAWNED), "spawned is the recovery thread's count");
        assertEquals(0, kicks.get(), "the recovery thread never announced a sleep: no kick needed");
    }

    @Test
    void aStallFoundByTheAgentsOwnNextBeatIsSkippedNotRecovered()
    {
        start(16, false);
        final Stall late = new Stall(600 * MS, 15, 1, 0, BeatOrigin.KERNEL_ATTESTED, LINEAGE_A, 4026531836L, false,
            true);
        iteration(600 * MS, late, kernel(16, LINEAGE_A));
        assertEquals(List.of("refuse 15 skipped_agent_resumed", "spawn 16 1"), commands());
        assertEquals(1, stats.get(RecoveryOutcome.SKIPPED_AGENT_RESUMED));
    }

    @Test
    void aSleepingRecoveryThreadIsKickedOncePerIterationThatHandsItWork()
    {
        start(16, false);
        assertTrue(handoff.announceSleep(), "nothing queued: the recovery thread may sleep");
        iteration(0, kernel(70, LINEAGE_A), kernel(71, LINEAGE_A));
        assertEquals(1, kicks.get());
        iteration(MS);
        assertEquals(1, kicks.get(), "an iteration without work does not kick");
        handoff.awake();
        iteration(2 * MS, kernel(72, LINEAGE_A));
        assertEquals(1, kicks.get(), "awake: no kick");
        assertTrue(!handoff.announceSleep(), "commands are queued: it must not sleep");
    }

    @Test
    void crossNamespaceAgentsAreRefusedUnlessAllowed()
    {
        final Stall foreign = new Stall(0, 20, 1, 0, BeatOrigin.KERNEL_ATTESTED, LINEAGE_A, 99, true, false);
        start(16, false);
        iteration(0, foreign);
        assertEquals(List.of("refuse 20 cross_namespace_agent"), commands());
        assertEquals(1, stats.get(RecoveryOutcome.REFUSED_CROSS_NAMESPACE));
        start(16, true);
        iteration(0, foreign);
        assertEquals(List.of("spawn 20 1"), commands());
    }

    @Test
    void aSecondStallInsideTheDebounceWindowDoesNotSpawn()
    {
        start(16, false);
        iteration(0, kernel(30, LINEAGE_A));
        assertEquals(List.of("spawn 30 1"), commands());
        iteration(200 * MS, kernel(30, LINEAGE_A));
        assertEquals(List.of("refuse 30 debounced"), commands(), "inside the window");
        iteration(DEBOUNCE_MS * MS, kernel(30, LINEAGE_A));
        assertEquals(List.of("refuse 30 outstanding_in_flight"), commands(), "window passed, its child still runs");
        handoff.offerNotice(RecoveryHandoff.REAPED, 30, 1);
        iteration((DEBOUNCE_MS + 100) * MS, kernel(30, LINEAGE_A));
        assertEquals(List.of("spawn 30 2"), commands(), "window passed and the child reaped");
        assertEquals(2, stats.get(RecoveryOutcome.DEBOUNCED));
    }

    @Test
    void aRecycledPidDoesNotInheritTheDebounceAndItsOldChildIsKilled()
    {
        start(16, false);
        iteration(0, kernel(40, LINEAGE_A));
        assertEquals(List.of("spawn 40 1"), commands());
        iteration(100 * MS, kernel(40, LINEAGE_B));
        assertEquals(List.of("kill 1", "spawn 40 2"), commands());
        assertEquals(1, stats.get(RecoveryCounter.DEBOUNCE_RECYCLE_RESETS));
        assertEquals(1, stats.get(RecoveryCounter.OUTSTANDING_RECYCLE_RESETS));
        assertEquals(2, sink.outstanding(), "the killed child counts until its reap is reported");
        handoff.offerNotice(RecoveryHandoff.REAPED, 40, 1);
        iteration(200 * MS);
        assertEquals(1, sink.outstanding());
        iteration(300 * MS, kernel(40, LINEAGE_B));
        assertEquals(List.of("refuse 40 debounced"), commands(), "the new process is debounced on its own");
        iteration((DEBOUNCE_MS + 200) * MS, kernel(40, LINEAGE_B));
        assertEquals(List.of("refuse 40 outstanding_in_flight"), commands(), "the new process's child is in flight");
    }

    @Test
    void outstandingChildrenAreBoundedAndFreedByTheirReaps()
    {
        start(2, false);
        iteration(0, kernel(50, LINEAGE_A), kernel(51, LINEAGE_A), kernel(52, LINEAGE_A));
        assertEquals(List.of("spawn 50 1", "spawn 51 2", "refuse 52 outstanding_capacity"), commands());
        assertEquals(1, stats.get(RecoveryOutcome.REFUSED_OUTSTANDING_CAPACITY));
        handoff.offerNotice(RecoveryHandoff.REAPED, 50, 1);
        iteration(MS, kernel(52, LINEAGE_A));
        assertEquals(List.of("spawn 52 3"), commands());
    }

    @Test
    void aFullDebounceLedgerFailsClosedUntilItsOldestEntryLeavesTheWindow()
    {
        final int ledger = RecoveryConfig.DEBOUNCE_LEDGER_CAPACITY;
        start(2 * ledger, false);
        for (int pid = 0; pid < ledger; pid++)
        {
            sink.onStall(kernel(1_000 + pid, LINEAGE_A));
        }
        long now = 0;
        while (sink.pendingStalls() > 0)
        {
            sink.onTick(now, StallFreshness.ALWAYS_CURRENT);
            now += MS;
        }
        assertEquals(ledger, commands().stream().filter(c -> c.startsWith("spawn")).count());
        iteration(now, kernel(9_999, LINEAGE_A));
        assertEquals(List.of("refuse 9999 debounce_capacity"), commands());
        assertEquals(1, stats.get(RecoveryOutcome.REFUSED_DEBOUNCE_CAPACITY));
        iteration(DEBOUNCE_MS * MS, kernel(9_999, LINEAGE_A));
        assertEquals(List.of("spawn 9999 " + (ledger + 1)), commands(), "the oldest entry left its window");
        assertEquals(1, stats.get(RecoveryCounter.LAST_FIRED_EVICTIONS));
    }

    @Test
    void spawnsAndEvaluationsPerIterationAreBoundedAndTheRestFollowAtOnce()
    {
        start(64, false);
        final Stall[] storm = new Stall[40];
        for (int i = 0; i < storm.length; i++)
        {
            storm[i] = kernel(100 + i, LINEAGE_A);
        }
        assertEquals(0, iteration(0, storm), "stalls left: the next iteration comes at once");
        assertEquals(RecoveryConfig.SPAWNS_PER_TICK, commands().size());
        assertEquals(MS, iteration(MS));
        assertEquals(RecoveryConfig.SPAWNS_PER_TICK, commands().size());
        assertEquals(Long.MAX_VALUE, iteration(2 * MS), "nothing left: no wake-up wish");
        assertEquals(40 - 2 * RecoveryConfig.SPAWNS_PER_TICK, commands().size());
        assertEquals(2, stats.get(RecoveryCounter.SPAWN_BUDGET_EXCEEDED));

        final Stall[] refusals = new Stall[300];
        for (int i = 0; i < refusals.length; i++)
        {
            refusals[i] = stall(1_000 + i, BeatOrigin.SOCKET_MODE_ONLY, -1, 0);
        }
        iteration(3 * MS, refusals);
        assertEquals(RecoveryConfig.EVALUATIONS_PER_TICK, commands().size());
        iteration(4 * MS);
        assertEquals(300 - RecoveryConfig.EVALUATIONS_PER_TICK, commands().size());
    }

    @Test
    void heldOverStallsAreRecheckedAndFreshOnesAreNot()
    {
        start(64, false);
        final List<Long> checked = new ArrayList<>();
        final StallFreshness freshness = s ->
        {
            checked.add(s.pid());
            switch ((int)(s.pid() % 4))
            {
                case 1:
                    return StallFreshness.AGENT_RESUMED;
                case 2:
                    return StallFreshness.PID_RECYCLED;
                case 3:
                    return StallFreshness.UNVERIFIABLE;
                default:
                    return StallFreshness.CURRENT;
            }
        };
        final Stall[] storm = new Stall[RecoveryConfig.SPAWNS_PER_TICK + 4];
        for (int i = 0; i < storm.length; i++)
        {
            storm[i] = kernel(200 + i, LINEAGE_A);
        }
        iteration(0, freshness, storm);
        assertEquals(List.of(), checked, "stalls of this iteration are not re-checked");
        commands();
        iteration(MS, freshness);
        assertEquals(List.of(216L, 217L, 218L, 219L), checked);
        assertEquals(List.of("spawn 216 17", "refuse 217 skipped_agent_resumed", "refuse 218 skipped_pid_recycled",
            "refuse 219 skipped_stall_unverifiable"), commands());
        assertEquals(1, stats.get(RecoveryOutcome.SKIPPED_AGENT_RESUMED));
        assertEquals(1, stats.get(RecoveryOutcome.SKIPPED_PID_RECYCLED));
        assertEquals(1, stats.get(RecoveryOutcome.SKIPPED_STALL_UNVERIFIABLE));
    }

    @Test
    void aFailedSpawnFreesItsSlotAndDoesNotArmTheDebounce()
    {
        start(1, false);
        iteration(0, kernel(60, LINEAGE_A));
        assertEquals(List.of("spawn 60 1"), commands());
        handoff.offerNotice(RecoveryHandoff.SPAWN_FAILED, 60, 1);
        iteration(MS, kernel(60, LINEAGE_A));
        assertEquals(List.of("spawn 60 2"), commands());
    }

    @Test
    void aFullCommandQueueHoldsStallsBackWithoutSpinning()
    {
        start(1, false);
        final int capacity = 2 + 2 * RecoveryConfig.EVALUATIONS_PER_TICK;
        int roomy = 1;
        while (roomy < capacity)
        {
            roomy <<= 1;
        }
        final Stall[] flood = new Stall[roomy + 10];
        for (int i = 0; i < flood.length; i++)
        {
            flood[i] = stall(5_000 + i, BeatOrigin.SOCKET_MODE_ONLY, -1, 0);
        }
        long now = 0;
        long wake = iteration(now, flood);
        while (wake == now)
        {
            now += MS;
            wake = iteration(now);
        }
        assertEquals(now + MS, wake, "queue full: the next iteration is asked for a millisecond later");
        assertTrue(sink.pendingStalls() > 0);
        assertEquals(roomy - 1, commands().size(), "one slot is always kept free for a kill");
        while (sink.pendingStalls() > 0)
        {
            now += MS;
            iteration(now);
            commands();
        }
        assertEquals(flood.length, stats.get(RecoveryOutcome.REFUSED_SOCKET_MODE_ONLY));
        assertEquals(0, stats.get(RecoveryCounter.REFUSALS_NOT_LOGGED));
    }

    @Test
    void onceTheRecoveryThreadEndedStallsAreNotQueuedForNobody()
    {
        start(64, false);
        handoff.recoveryEnded();
        assertEquals(Long.MAX_VALUE, iteration(0, kernel(400, LINEAGE_A)), "no wake-up wish: nothing will take it");
        assertEquals(0, sink.pendingStalls());
        assertEquals(List.of(), commands());
    }

    @Test
    void stallsStillQueuedAtShutdownAreDropped()
    {
        start(64, false);
        final Stall[] storm = new Stall[RecoveryConfig.SPAWNS_PER_TICK + 1];
        for (int i = 0; i < storm.length; i++)
        {
            storm[i] = kernel(300 + i, LINEAGE_A);
        }
        iteration(0, storm);
        sink.onShutdown(MS);
        assertEquals(0, sink.pendingStalls());
    }
}
