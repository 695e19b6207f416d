package io.varta.watch.recovery;

/**
 * The two queues between the observer thread and the recovery thread, and the recovery thread's wake-up.
 * <ul>
 *   <li>commands, observer → recovery: spawn a child for a pid under a token; kill the child of a token (its pid
 *       was recycled); log and audit a refusal. Sized for every outstanding child's spawn and kill plus two
 *       iterations of evaluations, so a spawn never finds it full while the capacity allows the child;</li>
 *   <li>notices, recovery → observer: a child of a token was reaped, or its spawn failed. At most one per
 *       outstanding child, so it is sized to the outstanding capacity and never full.</li>
 * </ul>
 * Wake-up without lost signals: the recovery thread announces its sleep ({@link #announceSleep}, a volatile
 * store) and then checks the command queue; the observer thread publishes commands (volatile store of the tail)
 * and then checks the announcement ({@link #wakeRecoveryIfAsleep}). Volatile accesses are sequentially consistent,
 * so at least one side sees the other: either the recovery thread finds the command, or the observer thread
 * kicks it (one eventfd write, which never blocks).
 *
 * <p>Threading: methods are named for the thread that may call them.
 */
final class RecoveryHandoff
{
    /** Command: start a child. Fields: kind, pid, token, observer time. */
    static final long SPAWN = 1;
    /** Command: kill the child of a token. Fields: kind, 0, token, observer time. */
    static final long KILL = 2;
    /** Command: a refusal to log and audit. Fields: kind | reason ordinal << 8, pid, 0, observer time. */
    static final long REFUSE = 3;
    /** Notice: a child was reaped. Fields: kind, pid, token, 0. */
    static final long REAPED = 1;
    /** Notice: a spawn failed. Fields: kind, pid, token, 0. */
    static final long SPAWN_FAILED = 2;

    private final RecordQueue commands;
    private final RecordQueue notices;
    private final Runnable kick;
    private volatile boolean recoveryAsleep;
    private volatile boolean recoveryEnded;

    /**
     * @param outstandingCapacity most children at once
     * @param kick wakes the recovery thread from its wait (any thread, non-blocking)
     */
    RecoveryHandoff(final int outstandingCapacity, final Runnable kick)
    {
        this.commands = new RecordQueue(2 * outstandingCapacity + 2 * RecoveryConfig.EVALUATIONS_PER_TICK);
        this.notices = new RecordQueue(outstandingCapacity);
        this.kick = kick;
    }

    /** Observer thread: commands that fit now. */
    int commandRoom()
    {
        return commands.room();
    }

    /** Observer thread. */
    boolean offerSpawn(final long pid, final long token, final long observerNanos)
    {
        return commands.offer(SPAWN, pid, token, observerNanos);
    }

    /** Observer thread. */
    boolean offerKill(final long token, final long observerNanos)
    {
        return commands.offer(KILL, 0, token, observerNanos);
    }

    /** Observer thread. */
    boolean offerRefusal(final long pid, final RefusalReason reason, final long observerNanos)
    {
        return commands.offer(REFUSE | (long)reason.ordinal() << 8, pid, 0, observerNanos);
    }

    /** Observer thread, after offering: kicks the recovery thread if it announced a sleep. */
    void wakeRecoveryIfAsleep()
    {
        if (recoveryAsleep)
        {
            kick.run();
        }
    }

    /** Observer thread: the next notice into {@code into[0..4)}, false when none. */
    boolean pollNotice(final long[] into)
    {
        return notices.poll(into);
    }

    /** Recovery thread: the next command into {@code into[0..4)}, false when none. */
    boolean pollCommand(final long[] into)
    {
        return commands.poll(into);
    }

    /** Recovery thread. */
    boolean offerNotice(final long kind, final long pid, final long token)
    {
        return notices.offer(kind, pid, token, 0);
    }

    /**
     * Recovery thread, before a wait that only a kick or a child can end.
     *
     * @return true when it may sleep (no command arrived meanwhile); false: handle the commands first
     */
    boolean announceSleep()
    {
        recoveryAsleep = true;
        if (!commands.isEmpty())
        {
            recoveryAsleep = false;
            return false;
        }
        return true;
    }

    /** Recovery thread, after its wait. */
    void awake()
    {
        recoveryAsleep = false;
    }

    /** Recovery thread, as it ends (a stop, or a failure it logged): no command will be taken any more. */
    void recoveryEnded()
    {
        recoveryEnded = true;
    }

    /** @return true once the recovery thread ended; observer thread (any thread) */
    boolean hasRecoveryEnded()
    {
        return recoveryEnded;
    }

    /** Kicks the recovery thread unconditionally (shutdown). Any thread. */
    void kick()
    {
        kick.run();
    }
}
