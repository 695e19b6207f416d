package io.varta.watch.audit;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogKind;
import io.varta.watch.log.LogLevel;

import java.util.concurrent.TimeUnit;

/**
 * The bounded hand-off between the threads that record recovery decisions (the observer thread, the recovery
 * thread) and the audit writer thread: formatted records wait here while the writer appends and syncs, so no caller
 * ever waits on the file.
 *
 * <ul>
 *   <li><b>Full</b>: a record offered to a full ring is dropped and counted ({@link #dropped()},
 *       {@code varta_recovery_audit_dropped_total}); the drop is remembered at its place in the order (on the next
 *       record offered, or as a trailing drop) so the writer declares the skipped sequence numbers exactly where the
 *       records would have been ({@link GapDeclaration}).</li>
 *   <li><b>Watermarks</b>: when an offer brings the ring to 75 % ({@value #WARN_PERCENT}) or 95 %
 *       ({@value #CRITICAL_PERCENT}) of its capacity for the first time since it was last below that level, the edge
 *       is counted ({@code varta_audit_ring_watermark_total{level}}) and logged rate-limited
 *       ({@code audit_ring_warn} as a warning, {@code audit_ring_critical} as an error).</li>
 * </ul>
 *
 * <p>Threading: {@link #offer}, {@link #stop} and the counters from any thread; {@link #poll} and {@link #await} from
 * the writer thread only. One monitor guards the slots; it is held only for a few array operations, never across
 * I/O, so an offer waits at most for another offer or a poll, never for a write or an fdatasync. A watermark line is
 * logged by the offering thread after it released the monitor (one stderr line a second at most per level).
 */
final class AuditRing
{
    /** Fill level of the warning watermark, in percent. */
    static final int WARN_PERCENT = 75;
    /** Fill level of the critical watermark, in percent. */
    static final int CRITICAL_PERCENT = 95;

    /**
     * A record waiting for the writer.
     *
     * @param kind its kind; {@code null} for a drop marker with no record (drops after the last record offered)
     * @param columns the columns between {@code seq} and {@code chain}, tab-separated, UTF-8
     * @param dropsBefore records dropped (ring full) just before this one
     */
    record Entry(RecordKind kind, byte[] columns, long dropsBefore)
    {
    }

    private final Object lock = new Object();
    private final Entry[] slots;
    private final int warnAt;
    private final int criticalAt;
    private final Diagnostics log;
    private int head;
    private int count;
    private long pendingDrops;
    private boolean stopped;
    private boolean writerWaiting;
    private boolean aboveWarn;
    private boolean aboveCritical;

    private volatile long dropped;
    private volatile long warnEdges;
    private volatile long criticalEdges;

    /**
     * Any thread.
     *
     * @param capacity lines held at most
     * @param log where watermark lines go
     */
    AuditRing(final int capacity, final Diagnostics log)
    {
        this.slots = new Entry[capacity];
        this.warnAt = Math.max(1, capacity * WARN_PERCENT / 100);
        this.criticalAt = Math.max(1, capacity * CRITICAL_PERCENT / 100);
        this.log = log;
    }

    /**
     * Queues one record for the writer, or drops it when the ring is full or stopped. Never blocks on I/O. Any
     * thread.
     *
     * @param kind the record's kind
     * @param columns its columns between {@code seq} and {@code chain}
     * @return true if queued, false if dropped (and counted)
     */
    boolean offer(final RecordKind kind, final byte[] columns)
    {
        final int size;
        boolean warnEdge = false;
        boolean criticalEdge = false;
        synchronized (lock)
        {
            if (stopped || count == slots.length)
            {
                dropped = dropped + 1;
                if (!stopped)
                {
                    pendingDrops++;
                }
                return false;
            }
            slots[(head + count) % slots.length] = new Entry(kind, columns, pendingDrops);
            pendingDrops = 0;
            count++;
            size = count;
            if (!aboveWarn && size >= warnAt)
            {
                aboveWarn = true;
                warnEdge = true;
                warnEdges = warnEdges + 1;
            }
            if (!aboveCritical && size >= criticalAt)
            {
                aboveCritical = true;
                criticalEdge = true;
                criticalEdges = criticalEdges + 1;
            }
            if (writerWaiting)
            {
                lock.notify();
            }
        }
        if (warnEdge)
        {
            log.rateLimited(LogKind.AUDIT_RING_WARN, LogLevel.WARN, "audit ring >= " + WARN_PERCENT + "% full ("
                + size + "/" + slots.length + "); drain not keeping up");
        }
        if (criticalEdge)
        {
            log.rateLimited(LogKind.AUDIT_RING_CRITICAL, LogLevel.ERROR, "audit ring >= " + CRITICAL_PERCENT
                + "% full (" + size + "/" + slots.length + "); records will start dropping");
        }
        return true;
    }

    /**
     * Takes the oldest record; when the ring is empty but records were dropped after the last one offered, a drop
     * marker ({@link Entry#kind()} {@code null}) carrying their number. Writer thread.
     *
     * @return the entry, or {@code null} when there is nothing to write
     */
    Entry poll()
    {
        synchronized (lock)
        {
            if (count == 0)
            {
                if (pendingDrops == 0)
                {
                    return null;
                }
                final Entry marker = new Entry(null, null, pendingDrops);
                pendingDrops = 0;
                return marker;
            }
            final Entry entry = slots[head];
            slots[head] = null;
            head = (head + 1) % slots.length;
            count--;
            if (aboveCritical && count < criticalAt)
            {
                aboveCritical = false;
            }
            if (aboveWarn && count < warnAt)
            {
                aboveWarn = false;
            }
            return entry;
        }
    }

    /**
     * Sleeps until a record is offered, {@link #stop} is called or the timeout passes. Writer thread.
     *
     * @param timeoutNanos longest wait; 0 or less waits without a deadline
     * @throws InterruptedException if the writer thread is interrupted
     */
    void await(final long timeoutNanos) throws InterruptedException
    {
        synchronized (lock)
        {
            if (count > 0 || pendingDrops > 0 || stopped)
            {
                return;
            }
            writerWaiting = true;
            try
            {
                if (timeoutNanos <= 0)
                {
                    lock.wait();
                }
                else
                {
                    TimeUnit.NANOSECONDS.timedWait(lock, timeoutNanos);
                }
            }
            finally
            {
                writerWaiting = false;
            }
        }
    }

    /** Refuses further records (they are dropped and counted) and wakes the writer. Any thread. */
    void stop()
    {
        synchronized (lock)
        {
            stopped = true;
            lock.notifyAll();
        }
    }

    /**
     * Writer thread.
     *
     * @return true once {@link #stop} was called and nothing is left to take
     */
    boolean drainedAfterStop()
    {
        synchronized (lock)
        {
            return stopped && count == 0 && pendingDrops == 0;
        }
    }

    /**
     * Any thread.
     *
     * @return records dropped because the ring was full (or the log closed) since open
     */
    long dropped()
    {
        return dropped;
    }

    /**
     * Any thread.
     *
     * @return rising edges through the 75 % watermark
     */
    long warnEdges()
    {
        return warnEdges;
    }

    /**
     * Any thread.
     *
     * @return rising edges through the 95 % watermark
     */
    long criticalEdges()
    {
        return criticalEdges;
    }

    /**
     * Any thread.
     *
     * @return the capacity in lines
     */
    int capacity()
    {
        return slots.length;
    }
}
