package io.varta.watch.audit;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogKind;
import io.varta.watch.log.LogLevel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded hand-off between the threads that record recovery decisions (the observer thread, the recovery
 * thread) and the audit writer thread: formatted records wait here while the writer appends and syncs, so no caller
 * ever waits on the file, nor on a lock the writer holds.
 *
 * <ul>
 *   <li><b>Lock-free</b>: a bounded multi-producer, single-consumer array queue (Vyukov's: every slot carries a
 *       sequence number; a producer claims a position with one CAS on the tail and publishes by advancing the slot's
 *       sequence). An offer never blocks and never waits for the writer; a preempted writer cannot hold it up.</li>
 *   <li><b>Full</b>: a record offered to a full ring is dropped and counted ({@link #dropped()},
 *       {@code varta_recovery_audit_dropped_total}). Each record carries the number of drops counted when it was
 *       queued, so the writer declares the skipped sequence numbers where the records would have been
 *       ({@link GapDeclaration}): exactly with one producer; with several producers racing, among the records they
 *       offered at the same time. Drops after the last queued record come as a marker ({@link #poll()}).</li>
 *   <li><b>Watermarks</b>: when an offer brings the ring to 75 % ({@value #WARN_PERCENT}) or 95 %
 *       ({@value #CRITICAL_PERCENT}) of its capacity for the first time since it was last below that level, the edge
 *       is counted ({@code varta_audit_ring_watermark_total{level}}) and logged rate-limited by the offering thread
 *       ({@code audit_ring_warn} as a warning, {@code audit_ring_critical} as an error).</li>
 * </ul>
 *
 * <p>Threading: {@link #offer}, {@link #stop} and the counters from any thread; {@link #poll}, {@link #await} and
 * {@link #drainedAfterStop} from the writer thread only.
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
     * @param dropsBefore for a marker, the drops it stands for; for a record as queued, the ring's drop count when
     *     it was queued (turned into "drops just before this record" by {@link #poll()})
     */
    record Entry(RecordKind kind, byte[] columns, long dropsBefore)
    {
    }

    private final int capacity;
    private final Entry[] slots;
    /** Per slot: the position a producer may claim it at (== position), or position + 1 once published. */
    private final AtomicLongArray sequences;
    private final AtomicLong tail = new AtomicLong();
    /** Next position the writer takes; written by the writer only. */
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong ringDrops = new AtomicLong();
    private final AtomicLong closedDrops = new AtomicLong();
    private final AtomicInteger offering = new AtomicInteger();
    private final AtomicBoolean aboveWarn = new AtomicBoolean();
    private final AtomicBoolean aboveCritical = new AtomicBoolean();
    private final AtomicLong warnEdges = new AtomicLong();
    private final AtomicLong criticalEdges = new AtomicLong();
    private final int warnAt;
    private final int criticalAt;
    private final Diagnostics log;
    private volatile boolean stopped;
    private volatile boolean writerParked;
    private volatile Thread writer;
    /** Drops the writer has been told about (writer thread only). */
    private long dropsSeen;

    /**
     * Any thread.
     *
     * @param capacity lines held at most
     * @param log where watermark lines go
     */
    AuditRing(final int capacity, final Diagnostics log)
    {
        this.capacity = capacity;
        this.slots = new Entry[capacity];
        this.sequences = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++)
        {
            sequences.set(i, i);
        }
        this.warnAt = Math.max(1, capacity * WARN_PERCENT / 100);
        this.criticalAt = Math.max(1, capacity * CRITICAL_PERCENT / 100);
        this.log = log;
    }

    /**
     * Queues one record for the writer, or drops it when the ring is full or stopped. Lock-free: never blocks, never
     * waits for the writer. Any thread.
     *
     * @param kind the record's kind
     * @param columns its columns between {@code seq} and {@code chain}
     * @return true if queued, false if dropped (and counted)
     */
    boolean offer(final RecordKind kind, final byte[] columns)
    {
        offering.incrementAndGet(); // before reading stopped: close waits for offers it might have missed
        try
        {
            if (stopped)
            {
                closedDrops.incrementAndGet();
                return false;
            }
            long position = tail.get();
            while (true)
            {
                final int index = (int)(position % capacity);
                final long sequence = sequences.get(index);
                if (sequence == position)
                {
                    if (tail.compareAndSet(position, position + 1))
                    {
                        break;
                    }
                    position = tail.get();
                }
                else if (sequence < position)
                {
                    ringDrops.incrementAndGet(); // the slot still holds the record capacity positions back: full
                    return false;
                }
                else
                {
                    position = tail.get(); // another producer took this position
                }
            }
            final int index = (int)(position % capacity);
            slots[index] = new Entry(kind, columns, ringDrops.get());
            sequences.set(index, position + 1); // publish (volatile: ordered before the parked check below)
            if (writerParked)
            {
                LockSupport.unpark(writer);
            }
            watermarks(position + 1 - head.get());
            return true;
        }
        finally
        {
            offering.decrementAndGet();
        }
    }

    private void watermarks(final long size)
    {
        if (size >= warnAt && !aboveWarn.get() && aboveWarn.compareAndSet(false, true))
        {
            warnEdges.incrementAndGet();
            log.rateLimited(LogKind.AUDIT_RING_WARN, LogLevel.WARN, "audit ring >= " + WARN_PERCENT + "% full ("
                + size + "/" + capacity + "); drain not keeping up");
        }
        if (size >= criticalAt && !aboveCritical.get() && aboveCritical.compareAndSet(false, true))
        {
            criticalEdges.incrementAndGet();
            log.rateLimited(LogKind.AUDIT_RING_CRITICAL, LogLevel.ERROR, "audit ring >= " + CRITICAL_PERCENT
                + "% full (" + size + "/" + capacity + "); records will start dropping");
        }
    }

    /**
     * Takes the oldest record, its {@link Entry#dropsBefore()} set to the drops that happened just before it; when
     * the ring is empty but drops were counted after the last record taken, a drop marker ({@link Entry#kind()}
     * {@code null}) carrying their number. Writer thread.
     *
     * @return the entry, or {@code null} when there is nothing to write
     */
    Entry poll()
    {
        final long position = head.get();
        final int index = (int)(position % capacity);
        if (sequences.get(index) != position + 1)
        {
            final long drops = ringDrops.get();
            if (drops > dropsSeen && tail.get() == position)
            {
                final Entry marker = new Entry(null, null, drops - dropsSeen);
                dropsSeen = drops;
                return marker;
            }
            return null; // empty, or the next record is claimed but not yet published
        }
        final Entry queued = slots[index];
        slots[index] = null;
        sequences.set(index, position + capacity);
        head.set(position + 1);
        final long size = tail.get() - position - 1;
        if (size < criticalAt)
        {
            aboveCritical.set(false);
        }
        if (size < warnAt)
        {
            aboveWarn.set(false);
        }
        final long before = Math.max(0, queued.dropsBefore() - dropsSeen);
        dropsSeen += before;
        return new Entry(queued.kind(), queued.columns(), before);
    }

    /**
     * Parks until a record is offered, {@link #stop} is called or the timeout passes (spurious returns are harmless:
     * the caller polls again). Writer thread.
     *
     * @param timeoutNanos longest wait; 0 or less parks without a deadline
     */
    void await(final long timeoutNanos)
    {
        writer = Thread.currentThread();
        writerParked = true;
        try
        {
            if (stopped || hasWork())
            {
                return;
            }
            if (timeoutNanos <= 0)
            {
                LockSupport.park(this);
            }
            else
            {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        }
        finally
        {
            writerParked = false;
        }
    }

    private boolean hasWork()
    {
        final long position = head.get();
        return sequences.get((int)(position % capacity)) == position + 1 || ringDrops.get() > dropsSeen;
    }

    /** Refuses further records (they are dropped and counted) and wakes the writer. Any thread. */
    void stop()
    {
        stopped = true;
        final Thread parked = writer;
        if (null != parked)
        {
            LockSupport.unpark(parked);
        }
    }

    /**
     * Writer thread.
     *
     * @return true once {@link #stop} was called, no offer is still in progress and nothing is left to take
     */
    boolean drainedAfterStop()
    {
        return stopped && offering.get() == 0 && tail.get() == head.get() && ringDrops.get() == dropsSeen;
    }

    /**
     * Any thread.
     *
     * @return records dropped because the ring was full, or offered after the log closed, since open
     */
    long dropped()
    {
        return ringDrops.get() + closedDrops.get();
    }

    /**
     * Any thread.
     *
     * @return rising edges through the 75 % watermark
     */
    long warnEdges()
    {
        return warnEdges.get();
    }

    /**
     * Any thread.
     *
     * @return rising edges through the 95 % watermark
     */
    long criticalEdges()
    {
        return criticalEdges.get();
    }
}
