package io.varta.watch.observer;

/**
 * A copy of the per-pid exporter rows ({@code pid, beats, stalls, status}) taken by the observer thread and
 * handed to scrapes, so the HTTP side never reads tracker state.
 *
 * <p>A snapshot may hold fewer rows than the tracker had pids ({@link #tracked()}): a scrape can ask for at
 * most N rows ({@link PidSnapshotPublisher#request(Runnable, long, int)}); {@link #omitted()} says how many
 * were left out. A snapshot with a row for every tracked pid is in slot order; one with rows left out has the
 * currently stalled pids first, then the others (see {@link PidSnapshotPublisher}). The text writer orders the
 * rendered rows by label either way.
 *
 * <p>Immutable once published (the arrays are never written after construction); any thread.
 */
public final class PidSnapshot
{
    /** No rows. */
    public static final PidSnapshot EMPTY = new PidSnapshot(new long[0], new long[0], new long[0], new byte[0], 0, 0);

    private final long[] pids;
    private final long[] beats;
    private final long[] stalls;
    private final byte[] status;
    private final int count;
    private final int tracked;
    private final long sequence;

    /**
     * A snapshot with a row for every tracked pid ({@code tracked == count}).
     *
     * @param pids unsigned 32-bit pids
     * @param beats accepted beats per row
     * @param stalls stalls per row
     * @param status last status per row (0 ok, 1 degraded, 2 critical, 3 stalled)
     * @param count rows used (arrays may be longer)
     * @param sequence publication number (0 for {@link #EMPTY})
     */
    public PidSnapshot(final long[] pids, final long[] beats, final long[] stalls, final byte[] status,
        final int count, final long sequence)
    {
        this(pids, beats, stalls, status, count, count, sequence);
    }

    /**
     * @param pids unsigned 32-bit pids
     * @param beats accepted beats per row
     * @param stalls stalls per row
     * @param status last status per row (0 ok, 1 degraded, 2 critical, 3 stalled)
     * @param count rows used (arrays may be longer)
     * @param tracked pids the tracker held when the rows were copied ({@code >= count})
     * @param sequence publication number (0 for {@link #EMPTY})
     */
    public PidSnapshot(final long[] pids, final long[] beats, final long[] stalls, final byte[] status,
        final int count, final int tracked, final long sequence)
    {
        if (tracked < count)
        {
            throw new IllegalArgumentException("tracked " + tracked + " < rows " + count);
        }
        this.pids = pids;
        this.beats = beats;
        this.stalls = stalls;
        this.status = status;
        this.count = count;
        this.tracked = tracked;
        this.sequence = sequence;
    }

    /** @return number of rows */
    public int count()
    {
        return count;
    }

    /** @return pids the tracker held when this copy was taken (rows plus {@link #omitted()}) */
    public int tracked()
    {
        return tracked;
    }

    /** @return tracked pids without a row in this snapshot */
    public int omitted()
    {
        return tracked - count;
    }

    /** @return publication number; a newer snapshot has a larger one */
    public long sequence()
    {
        return sequence;
    }

    /** @param row 0..count-1 @return the pid of that row */
    public long pid(final int row)
    {
        return pids[row];
    }

    /** @param row 0..count-1 @return accepted beats */
    public long beats(final int row)
    {
        return beats[row];
    }

    /** @param row 0..count-1 @return stalls raised */
    public long stalls(final int row)
    {
        return stalls[row];
    }

    /** @param row 0..count-1 @return last status 0..3 */
    public int status(final int row)
    {
        return status[row];
    }
}
