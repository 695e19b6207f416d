package io.varta.watch.recovery;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogLevel;
import io.varta.watch.nativeio.ChildSet;
import io.varta.watch.nativeio.NativeIoException;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.function.LongSupplier;

/**
 * The body of the recovery thread ({@code varta-recovery}), the one thread that spawns, kills and reaps
 * recovery children, however many are outstanding: each child is a pidfd in the {@link ChildSet}'s epoll set,
 * not a thread. Each round it
 * <ol>
 *   <li>takes commands from the observer thread (spawn a child for a pid, kill a recycled pid's child, log and
 *       audit a refusal), a bounded number per round so reaping keeps up during a storm;</li>
 *   <li>kills children past {@code --recovery-timeout-ms} (SIGKILL through the pidfd; logged
 *       "recovery child C killed"); since the timeout is one value, spawn order is deadline order, kept in an
 *       intrusive list;</li>
 *   <li>sleeps in {@link ChildSet#awaitExits} until a child exits, a pipe has output, the next deadline, or a
 *       kick, then reports every reaped child: log (non-zero exits as warnings), counters, {@link RecoveryListener},
 *       and a notice back to the observer thread that frees the pid's outstanding slot.</li>
 * </ol>
 * On stop it sends SIGKILL to every child and reaps them until none is left or the deadline passes.
 *
 * <p>Threading: {@link #run()} on the recovery thread only; {@link #requestStop} from any thread. Per-child
 * state lives in arrays indexed by the child set's slot.
 */
final class RecoveryRunner implements Runnable
{
    /** Commands taken per round before children are reaped again. */
    private static final int COMMANDS_PER_ROUND = 64;
    private static final int NIL = -1;

    private final RecoveryConfig config;
    private final RecoveryHandoff handoff;
    private final ChildSet children;
    private final RecoveryStats stats;
    private final RecoveryListener listener;
    private final Diagnostics log;
    private final LongSupplier monotonicNanos;
    private final LongSupplier wallMillis;

    private final long[] agentPid;
    private final long[] token;
    private final int[] childPid;
    private final long[] spawnedAt;
    private final long[] spawnObserverNanos;
    private final boolean[] killed;
    /** Deadline list: live, not yet killed children in spawn order. */
    private final int[] next;
    private final int[] prev;
    private int oldest = NIL;
    private int newest = NIL;
    private final HashMap<Long, Integer> slotByToken = new HashMap<>();
    private final ArrayDeque<long[]> unsentNotices = new ArrayDeque<>();
    private final long[] command = new long[RecordQueue.FIELDS];
    private final long[] exits;
    private int live;

    private volatile boolean stopRequested;
    private volatile long stopDeadlineNanos;
    private volatile int leftBehind;

    RecoveryRunner(final RecoveryConfig config, final RecoveryHandoff handoff, final ChildSet children,
        final RecoveryStats stats, final RecoveryListener listener, final Diagnostics log,
        final LongSupplier monotonicNanos, final LongSupplier wallMillis)
    {
        this.config = config;
        this.handoff = handoff;
        this.children = children;
        this.stats = stats;
        this.listener = listener;
        this.log = log;
        this.monotonicNanos = monotonicNanos;
        this.wallMillis = wallMillis;
        final int capacity = config.outstandingCapacity();
        this.agentPid = new long[capacity];
        this.token = new long[capacity];
        this.childPid = new int[capacity];
        this.spawnedAt = new long[capacity];
        this.spawnObserverNanos = new long[capacity];
        this.killed = new boolean[capacity];
        this.next = new int[capacity];
        this.prev = new int[capacity];
        this.exits = new long[ChildSet.EXIT_FIELDS * ChildSet.MAX_EXITS_PER_WAIT];
    }

    /**
     * Any thread: asks the recovery thread to kill every child and reap them until {@code deadlineNanos}
     * ({@code monotonicNanos} scale), then return.
     */
    void requestStop(final long deadlineNanos)
    {
        stopDeadlineNanos = deadlineNanos;
        stopRequested = true;
        handoff.kick();
    }

    /** @return children still alive when the recovery thread gave up at its stop deadline; any thread after it ended */
    int leftBehind()
    {
        return leftBehind;
    }

    @Override
    public void run()
    {
        try
        {
            while (!stopRequested)
            {
                final boolean moreCommands = takeCommands();
                killOverdue();
                final long timeout = moreCommands ? 0 : untilNextDeadline();
                if (timeout != 0 && !handoff.announceSleep())
                {
                    continue;
                }
                final int n = children.awaitExits(timeout, exits);
                handoff.awake();
                report(n);
            }
            stopAll();
        }
        catch (final NativeIoException | RuntimeException e)
        {
            log.error("recovery thread failed: " + e.getMessage() + "; no further recovery children are started");
            stats.increment(RecoveryCounter.INVARIANT_VIOLATIONS_RUNNER);
            try
            {
                stopAll();
            }
            catch (final NativeIoException | RuntimeException ignored)
            {
                leftBehind = live;
            }
        }
        finally
        {
            handoff.recoveryEnded();
        }
    }

    /** @return true when commands remain after this round's share */
    private boolean takeCommands()
    {
        flushNotices();
        for (int taken = 0; taken < COMMANDS_PER_ROUND; taken++)
        {
            if (!handoff.pollCommand(command))
            {
                return false;
            }
            final long kind = command[0] & 0xFF;
            if (RecoveryHandoff.SPAWN == kind)
            {
                spawn(command[1], command[2], command[3]);
            }
            else if (RecoveryHandoff.KILL == kind)
            {
                killRecycled(command[2]);
            }
            else if (RecoveryHandoff.REFUSE == kind)
            {
                refused(command[1], RefusalReason.of((int)(command[0] >>> 8)), command[3]);
            }
            else
            {
                stats.increment(RecoveryCounter.INVARIANT_VIOLATIONS_RUNNER);
            }
        }
        return true;
    }

    private void spawn(final long pid, final long childToken, final long observerNanos)
    {
        final long result;
        try
        {
            result = children.spawn(config.command().argvFor(pid), config.environment().entriesFor(pid),
                config.capture());
        }
        catch (final NativeIoException e)
        {
            log.error("recovery for pid " + pid + " spawn failed: " + e.getMessage());
            stats.count(RecoveryOutcome.SPAWN_FAILED);
            listener.onRefusal(new RecoveryListener.Refusal(wallMillis.getAsLong(), observerNanos, pid,
                RefusalReason.SPAWN_FAILED));
            notice(RecoveryHandoff.SPAWN_FAILED, pid, childToken);
            return;
        }
        final int slot = ChildSet.slotOf(result);
        agentPid[slot] = pid;
        token[slot] = childToken;
        childPid[slot] = ChildSet.pidOf(result);
        spawnedAt[slot] = monotonicNanos.getAsLong();
        spawnObserverNanos[slot] = observerNanos;
        killed[slot] = false;
        link(slot);
        slotByToken.put(childToken, slot);
        live++;
        stats.set(RecoveryCounter.CHILDREN_OUTSTANDING, live);
        stats.count(RecoveryOutcome.SPAWNED);
        log.info("recovery for pid " + pid + " spawned (child " + childPid[slot] + ")");
        listener.onSpawn(new RecoveryListener.Spawn(wallMillis.getAsLong(), observerNanos, pid, childPid[slot],
            config.command().program(), config.command().source(), config.command().templateLength()));
    }

    private void refused(final long pid, final RefusalReason reason, final long observerNanos)
    {
        log.log(reason.level(), "recovery for pid " + pid + " " + reason.logText());
        listener.onRefusal(new RecoveryListener.Refusal(wallMillis.getAsLong(), observerNanos, pid, reason));
    }

    /** The observer found this child's pid taken by a new process: the child is for a process that is gone. */
    private void killRecycled(final long childToken)
    {
        final Integer slot = slotByToken.get(childToken);
        if (null != slot && !killed[slot])
        {
            kill(slot, "recovery child " + childPid[slot] + " killed: pid " + agentPid[slot]
                + " now belongs to another process");
        }
    }

    private void killOverdue()
    {
        if (Long.MAX_VALUE == config.timeoutNanos())
        {
            return;
        }
        final long now = monotonicNanos.getAsLong();
        while (NIL != oldest && now - spawnedAt[oldest] >= config.timeoutNanos())
        {
            kill(oldest, "recovery child " + childPid[oldest] + " killed");
        }
    }

    /** SIGKILL to a live child on the deadline list; message: the warning to log, null for none. */
    private void kill(final int slot, final String message)
    {
        unlink(slot);
        killed[slot] = true;
        try
        {
            if (!children.kill(slot, childPid[slot]))
            {
                stats.increment(RecoveryCounter.INVARIANT_VIOLATIONS_RUNNER);
            }
        }
        catch (final NativeIoException e)
        {
            log.error(e.getMessage());
            stats.increment(RecoveryCounter.INVARIANT_VIOLATIONS_RUNNER);
        }
        stats.count(RecoveryOutcome.KILLED);
        if (null != message)
        {
            log.warn(message);
        }
    }

    /** @return ns until the oldest child's timeout (0 if due), or -1 (wait without limit) */
    private long untilNextDeadline()
    {
        if (NIL == oldest || Long.MAX_VALUE == config.timeoutNanos())
        {
            return -1;
        }
        return Math.max(0, spawnedAt[oldest] + config.timeoutNanos() - monotonicNanos.getAsLong());
    }

    /** Reports n exit records from {@link #exits}, then asks for more at once if the room was filled. */
    private void report(final int n) throws NativeIoException
    {
        int count = n;
        while (count > 0)
        {
            for (int i = 0; i < count; i++)
            {
                completed(i * ChildSet.EXIT_FIELDS);
            }
            count = count == ChildSet.MAX_EXITS_PER_WAIT ? children.awaitExits(0, exits) : 0;
        }
        stats.set(RecoveryCounter.CHILDREN_OUTSTANDING, live);
    }

    private void completed(final int at)
    {
        final int slot = (int)exits[at + ChildSet.SLOT];
        final int code = (int)exits[at + ChildSet.CODE];
        final int status = (int)exits[at + ChildSet.STATUS];
        final long duration = exits[at + ChildSet.DURATION_NANOS];
        final long stdoutLength = exits[at + ChildSet.STDOUT_LEN];
        final long stderrLength = exits[at + ChildSet.STDERR_LEN];
        final boolean truncated = 0 != exits[at + ChildSet.TRUNCATED];
        if (!killed[slot])
        {
            unlink(slot);
        }
        slotByToken.remove(token[slot]);
        live--;
        final int child = childPid[slot];
        final CompletionOutcome outcome;
        int exitCode = -1;
        int signal = -1;
        if (code < 0)
        {
            outcome = CompletionOutcome.REAP_FAILED;
            stats.count(RecoveryOutcome.REAPED_NONZERO);
            log.error("recovery child " + child + " could not be reaped: errno " + -code);
        }
        else
        {
            if (ChildSet.EXITED == code)
            {
                exitCode = status;
            }
            else
            {
                signal = status;
            }
            if (killed[slot])
            {
                outcome = CompletionOutcome.KILLED;
            }
            else
            {
                outcome = CompletionOutcome.REAPED;
                if (0 == exitCode)
                {
                    stats.count(RecoveryOutcome.REAPED_ZERO);
                }
                else
                {
                    stats.count(RecoveryOutcome.REAPED_NONZERO);
                    log.warn("recovery child " + child + " exited non-zero: " + describe(code, status));
                }
            }
        }
        stats.add(RecoveryCounter.DURATION_NANOS_SUM, duration);
        stats.increment(RecoveryCounter.DURATION_COUNT);
        if (config.capture())
        {
            stats.add(RecoveryCounter.CAPTURED_STDOUT_BYTES, stdoutLength);
            stats.add(RecoveryCounter.CAPTURED_STDERR_BYTES, stderrLength);
            if (truncated)
            {
                stats.increment(RecoveryCounter.CAPTURE_TRUNCATED);
            }
        }
        listener.onCompletion(new RecoveryListener.Completion(wallMillis.getAsLong(),
            spawnObserverNanos[slot] + (monotonicNanos.getAsLong() - spawnedAt[slot]), agentPid[slot], child, outcome,
            exitCode, signal, duration, stdoutLength, stderrLength, truncated));
        notice(RecoveryHandoff.REAPED, agentPid[slot], token[slot]);
    }

    /** Rust's {@code ExitStatus} display, as the reference logs it: "exit status: 3", "signal: 9 (SIGKILL)". */
    static String describe(final int code, final int status)
    {
        if (ChildSet.EXITED == code)
        {
            return "exit status: " + status;
        }
        final String name = signalName(status);
        return "signal: " + status + (null == name ? "" : " (" + name + ")")
            + (ChildSet.DUMPED == code ? " (core dumped)" : "");
    }

    private static String signalName(final int signal)
    {
        final String[] names = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
            "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};
        return signal > 0 && signal < names.length ? names[signal] : null;
    }

    private void notice(final long kind, final long pid, final long childToken)
    {
        if (!unsentNotices.isEmpty() || !handoff.offerNotice(kind, pid, childToken))
        {
            // Cannot happen while the notice queue holds the outstanding capacity; kept, not lost, if it does.
            stats.increment(RecoveryCounter.INVARIANT_VIOLATIONS_RUNNER);
            unsentNotices.addLast(new long[] {kind, pid, childToken});
        }
    }

    private void flushNotices()
    {
        while (!unsentNotices.isEmpty())
        {
            final long[] n = unsentNotices.peekFirst();
            if (!handoff.offerNotice(n[0], n[1], n[2]))
            {
                return;
            }
            unsentNotices.pollFirst();
        }
    }

    /** Shutdown: commands still queued are dropped, every child gets SIGKILL and is reaped until the deadline. */
    private void stopAll() throws NativeIoException
    {
        int killedAtStop = 0;
        for (int slot = oldest; NIL != slot; slot = oldest)
        {
            kill(slot, null); // every live child not killed yet is on the deadline list
            killedAtStop++;
        }
        while (live > 0)
        {
            final long remaining = stopDeadlineNanos - monotonicNanos.getAsLong();
            if (remaining <= 0)
            {
                break;
            }
            report(children.awaitExits(remaining, exits));
        }
        leftBehind = live;
        if (killedAtStop > 0)
        {
            log.log(0 == live ? LogLevel.INFO : LogLevel.WARN, "recovery: " + killedAtStop
                + " children killed at shutdown, " + live + " not reaped within --shutdown-grace-ms");
        }
    }

    private void link(final int slot)
    {
        prev[slot] = newest;
        next[slot] = NIL;
        if (NIL == newest)
        {
            oldest = slot;
        }
        else
        {
            next[newest] = slot;
        }
        newest = slot;
    }

    private void unlink(final int slot)
    {
        if (NIL == prev[slot])
        {
            oldest = next[slot];
        }
        else
        {
            next[prev[slot]] = next[slot];
        }
        if (NIL == next[slot])
        {
            newest = prev[slot];
        }
        else
        {
            prev[next[slot]] = prev[slot];
        }
        prev[slot] = NIL;
        next[slot] = NIL;
    }
}
