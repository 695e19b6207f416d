package io.varta.watch.tracker;

/**
 * Open-addressing hash map from an unsigned 32-bit pid to a tracker slot index, built on one
 * primitive {@code long[]} so that a lookup touches one cache line in the common case and nothing is boxed.
 *
 * <p><b>Layout.</b> Each table entry packs one mapping into a long:
 * <pre>
 *  bits 63..32  pid   (unsigned 32-bit, never 0)
 *  bits 31..0   slot  (0 .. capacity-1)
 *  entry == 0   empty  (pid 0 is reserved by the protocol, so no live entry is 0)
 * </pre>
 * The table size is the next power of two at or above {@code 2 × capacity}, so the load factor never
 * exceeds 0.5 and linear probe runs stay short. The hash is the Murmur3 32-bit finalizer.
 *
 * <p><b>Removal</b> uses backward-shift deletion: after emptying an entry, later entries of the same probe
 * run are moved back into the hole when their home position allows it. There are no tombstones, so the
 * table never degrades after many insert/remove cycles and a miss always ends at the first empty entry.
 *
 * <p>Memory: 8 bytes per table entry, i.e. 16 bytes per pid of capacity when the capacity is a power of two.
 *
 * <p><b>Threading:</b> not thread-safe; observer thread only.
 *
 * <pre>{@code
 * PidIndex index = new PidIndex(1024);
 * index.put(4242, 7);
 * int slot = index.get(4242);   // 7, or PidIndex.MISSING
 * index.remove(4242);
 * }</pre>
 */
public final class PidIndex
{
    /** Returned by {@link #get} and {@link #remove} when the pid has no mapping. */
    public static final int MISSING = -1;
    /** Largest supported number of mappings (Linux {@code pid_max} ceiling). */
    public static final int MAX_CAPACITY = 4_194_304;

    private static final long SLOT_MASK = 0xFFFF_FFFFL;

    private final long[] table;
    private final int mask;
    private final int capacity;
    private int size;

    /**
     * Creates an empty index able to hold {@code capacity} mappings.
     *
     * @param capacity 1 .. {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException when out of range
     */
    public PidIndex(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ": " + capacity);
        }
        final int tableSize = Integer.highestOneBit(Math.max(2, 2 * capacity - 1)) << 1;
        this.table = new long[tableSize];
        this.mask = tableSize - 1;
        this.capacity = capacity;
    }

    /** @return number of mappings; observer thread only */
    public int size()
    {
        return size;
    }

    /** @return the maximum number of mappings; any thread (immutable) */
    public int capacity()
    {
        return capacity;
    }

    /** @return number of table entries (power of two); any thread (immutable) */
    public int tableLength()
    {
        return table.length;
    }

    /**
     * Looks up a pid. Observer thread only.
     *
     * @param pid unsigned 32-bit pid (1 .. 2^32-1) held in a long
     * @return the slot, or {@link #MISSING}
     */
    public int get(final long pid)
    {
        final long key = checkedPid(pid);
        int i = home(key);
        while (true)
        {
            final long entry = table[i];
            if (0L == entry)
            {
                return MISSING;
            }
            if ((entry >>> 32) == key)
            {
                return (int)(entry & SLOT_MASK);
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Maps {@code pid} to {@code slot}, replacing any previous mapping of that pid. Observer thread only.
     *
     * @param pid  unsigned 32-bit pid, not 0
     * @param slot 0 .. 2^31-1
     * @return the previous slot of that pid, or {@link #MISSING}
     * @throws IllegalStateException when a new pid would exceed the capacity
     */
    public int put(final long pid, final int slot)
    {
        final long key = checkedPid(pid);
        if (slot < 0)
        {
            throw new IllegalArgumentException("slot must be >= 0: " + slot);
        }
        final long packed = (key << 32) | slot;
        int i = home(key);
        while (true)
        {
            final long entry = table[i];
            if (0L == entry)
            {
                if (size == capacity)
                {
                    throw new IllegalStateException("pid index full (" + capacity + ")");
                }
                table[i] = packed;
                size++;
                return MISSING;
            }
            if ((entry >>> 32) == key)
            {
                table[i] = packed;
                return (int)(entry & SLOT_MASK);
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Removes the mapping of a pid. Observer thread only.
     *
     * @param pid unsigned 32-bit pid, not 0
     * @return the slot it mapped to, or {@link #MISSING}
     */
    public int remove(final long pid)
    {
        final long key = checkedPid(pid);
        int hole = home(key);
        while (true)
        {
            final long entry = table[hole];
            if (0L == entry)
            {
                return MISSING;
            }
            if ((entry >>> 32) == key)
            {
                break;
            }
            hole = (hole + 1) & mask;
        }
        final int removedSlot = (int)(table[hole] & SLOT_MASK);
        // Backward shift: walk the rest of the run; an entry may fill the hole when its home position is
        // not cyclically inside (hole, current], i.e. moving it back keeps it reachable from its home.
        int i = (hole + 1) & mask;
        while (true)
        {
            final long entry = table[i];
            if (0L == entry)
            {
                break;
            }
            final int entryHome = home(entry >>> 32);
            final int distanceFromHome = (i - entryHome) & mask;
            final int distanceFromHole = (i - hole) & mask;
            if (distanceFromHome >= distanceFromHole)
            {
                table[hole] = entry;
                hole = i;
            }
            i = (i + 1) & mask;
        }
        table[hole] = 0L;
        size--;
        return removedSlot;
    }

    /** Removes every mapping. Observer thread only. */
    public void clear()
    {
        java.util.Arrays.fill(table, 0L);
        size = 0;
    }

    private int home(final long key)
    {
        return mix((int)key) & mask;
    }

    /** Murmur3 fmix32: spreads sequential pids across the table. */
    static int mix(final int key)
    {
        int h = key;
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        h *= 0xC2B2_AE35;
        h ^= h >>> 16;
        return h;
    }

    private static long checkedPid(final long pid)
    {
        if (pid <= 0 || pid > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("pid must be an unsigned 32-bit value other than 0: " + pid);
        }
        return pid;
    }
}
