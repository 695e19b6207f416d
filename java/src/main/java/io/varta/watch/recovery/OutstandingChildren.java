package io.varta.watch.recovery;

import java.util.HashMap;

/**
 * The observer thread's record of recovery children not reaped yet: which pid has one running, for which
 * process lineage, under which token (the handle both threads use for one child), and how many there are in
 * total. A child whose pid was recycled is detached from its pid (an orphan, killed by the recovery thread) but
 * still counts against the capacity until its reap is reported.
 *
 * <p>Threading: observer thread only.
 */
final class OutstandingChildren
{
    /** {@link #tokenOf}: none. */
    static final long NONE = -1;

    private final int capacity;
    private final HashMap<Long, long[]> byPid = new HashMap<>();
    private int total;

    /** @param capacity most children outstanding at once, orphans included */
    OutstandingChildren(final int capacity)
    {
        this.capacity = capacity;
    }

    /** @return the token of the pid's running child, or {@link #NONE} */
    long tokenOf(final long pid)
    {
        final long[] child = byPid.get(pid);
        return null == child ? NONE : child[1];
    }

    /** @return the lineage the pid's running child was spawned for; call only when {@link #tokenOf} found one */
    long lineageOf(final long pid)
    {
        return byPid.get(pid)[0];
    }

    /** @return true when no further child may be started */
    boolean full()
    {
        return total >= capacity;
    }

    /** A child is being started for pid. */
    void reserve(final long pid, final long lineage, final long token)
    {
        byPid.put(pid, new long[] {lineage, token});
        total++;
    }

    /** The pid's child belongs to a process that is gone: detach it (it still counts until reaped). */
    void orphan(final long pid)
    {
        byPid.remove(pid);
    }

    /**
     * A child was reaped, or never started.
     *
     * @return false when the token was not outstanding (an invariant violation)
     */
    boolean release(final long pid, final long token)
    {
        if (total <= 0)
        {
            return false;
        }
        final long[] child = byPid.get(pid);
        if (null != child && child[1] == token)
        {
            byPid.remove(pid);
        }
        total--;
        return true;
    }

    /** @return children outstanding, orphans included */
    int total()
    {
        return total;
    }
}
