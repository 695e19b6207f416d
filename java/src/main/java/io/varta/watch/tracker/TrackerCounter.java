package io.varta.watch.tracker;

/**
 * Indices of the tracker's counters in the array filled by {@link Tracker#copyCounters(long[])}, with the
 * metric name each one feeds. Counters only grow.
 *
 * <pre>
 *  index  counter                    metric
 *   0     ACCEPTED                   (beats accepted, all kinds)
 *   1     OUT_OF_ORDER               (regular + terminal; the reference exports no counter)
 *   2     NONCE_WRAPS                varta_nonce_wrap_total
 *   3     CAPACITY_REFUSED           varta_tracker_capacity_exceeded_total
 *   4     EVICTIONS                  varta_tracker_evicted_total
 *   5     EVICTION_SCAN_TRUNCATED    varta_tracker_eviction_scan_truncated_total
 *   6     PID_RECYCLES               varta_tracker_pid_recycle_total
 *   7     ORIGIN_CONFLICTS           varta_origin_conflict_total
 *   8     NAMESPACE_CONFLICTS        varta_tracker_namespace_conflict_total
 *   9     STALLS                     (stall events raised, all pids)
 *  10     STALLS_FOUND_LATE          varta_stalls_found_late_total
 * </pre>
 *
 * <p>Constants only; any thread.
 */
public final class TrackerCounter
{
    /** Beats accepted (regular, wrap and terminal). */
    public static final int ACCEPTED = 0;
    /** Regular and terminal frames dropped as out of order. */
    public static final int OUT_OF_ORDER = 1;
    /** Regular frames accepted as a nonce wrap. */
    public static final int NONCE_WRAPS = 2;
    /** New pids refused because the tracker was full and nothing could be evicted. */
    public static final int CAPACITY_REFUSED = 3;
    /** Slots taken from an old pid for a new one. */
    public static final int EVICTIONS = 4;
    /** Eviction scans that inspected their window and found no victim. */
    public static final int EVICTION_SCAN_TRUNCATED = 5;
    /** Recycled pids (slot reset by a new process, or retired at stall time). */
    public static final int PID_RECYCLES = 6;
    /** Frames dropped for a weaker origin than the pinned one. */
    public static final int ORIGIN_CONFLICTS = 7;
    /** Frames dropped for a different pid namespace. */
    public static final int NAMESPACE_CONFLICTS = 8;
    /** Stall events raised. */
    public static final int STALLS = 9;
    /** Stalls raised by the pid's next beat, because the observer had not polled the deadline in time. */
    public static final int STALLS_FOUND_LATE = 10;
    /** Length of the counters array. */
    public static final int COUNT = 11;

    private static final String[] NAMES = {
        "accepted", "out_of_order", "nonce_wraps", "capacity_refused", "evictions", "eviction_scan_truncated",
        "pid_recycles", "origin_conflicts", "namespace_conflicts", "stalls", "stalls_found_late"};

    private TrackerCounter()
    {
    }

    /**
     * @param index 0 .. {@link #COUNT}-1
     * @return a short snake_case name
     */
    public static String name(final int index)
    {
        return NAMES[index];
    }
}
