package io.varta.watch.recovery;

/**
 * A bounded single-producer/single-consumer queue of fixed-size records of four longs, lock-free and
 * allocation-free: the hand-over between the observer thread and the recovery thread. A full queue refuses the
 * offer at once; nothing ever waits.
 *
 * <p>Protocol: the producer writes a record's longs plainly, then publishes it with a volatile store of the
 * tail; the consumer reads the tail (volatile), reads the record, then frees it with a volatile store of the
 * head. Each side caches the other's index and re-reads it only when the cache says full (producer) or empty
 * (consumer).
 *
 * <pre>{@code
 * RecordQueue q = new RecordQueue(1024);
 * q.offer(kind, pid, token, nanos);           // producer thread
 * long[] r = new long[RecordQueue.FIELDS];
 * while (q.poll(r)) { ... r[0] .. r[3] ... }  // consumer thread
 * }</pre>
 *
 * <p>Threading: {@link #offer} and {@link #room} from one producer thread; {@link #poll} from one consumer thread;
 * {@link #isEmpty} from either.
 */
final class RecordQueue
{
    /** Longs per record. */
    static final int FIELDS = 4;

    private final long[] data;
    private final int mask;
    private final int capacity;
    private volatile long tail;
    private volatile long head;
    private long producerHeadCache;
    private long consumerTailCache;

    /** @param minCapacity records it must hold at least (rounded up to a power of two) */
    RecordQueue(final int minCapacity)
    {
        int capacity = 1;
        while (capacity < minCapacity)
        {
            capacity <<= 1;
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.data = new long[capacity * FIELDS];
    }

    /** Producer: appends one record, or returns false at once when full. */
    boolean offer(final long a, final long b, final long c, final long d)
    {
        final long t = tail;
        if (t - producerHeadCache >= capacity)
        {
            producerHeadCache = head;
            if (t - producerHeadCache >= capacity)
            {
                return false;
            }
        }
        final int at = (int)(t & mask) * FIELDS;
        data[at] = a;
        data[at + 1] = b;
        data[at + 2] = c;
        data[at + 3] = d;
        tail = t + 1; // volatile store: publishes the record
        return true;
    }

    /** Producer: records that can be offered now without failing. */
    int room()
    {
        return capacity - (int)(tail - head);
    }

    /** Consumer: takes the oldest record into {@code into[0..FIELDS)}, or returns false when empty. */
    boolean poll(final long[] into)
    {
        final long h = head;
        if (h >= consumerTailCache)
        {
            consumerTailCache = tail;
            if (h >= consumerTailCache)
            {
                return false;
            }
        }
        final int at = (int)(h & mask) * FIELDS;
        into[0] = data[at];
        into[1] = data[at + 1];
        into[2] = data[at + 2];
        into[3] = data[at + 3];
        head = h + 1; // volatile store: frees the slot
        return true;
    }

    /** @return true when nothing is queued (a volatile read of both indexes); either thread */
    boolean isEmpty()
    {
        return head == tail;
    }

    /** @return capacity in records */
    int capacity()
    {
        return capacity;
    }
}
