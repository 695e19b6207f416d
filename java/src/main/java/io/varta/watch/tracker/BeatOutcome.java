package io.varta.watch.tracker;

/**
 * Result codes of {@link Tracker#beat}. A result is an {@code int}: the low byte is one of the codes below,
 * higher bits are flags ({@link #EVICTED}, {@link #RECYCLED}). Use {@link #code(int)} and the flag tests
 * rather than comparing the whole int.
 *
 * <p>Constants only; any thread.
 */
public final class BeatOutcome
{
    /** Regular frame accepted (new pid inserted, or nonce advanced). */
    public static final int ACCEPTED = 1;
    /** Regular frame accepted as a nonce wrap (last ≥ 2^64−1−2^20, new ≤ 2^20); counted. */
    public static final int ACCEPTED_NONCE_WRAP = 2;
    /** Regular frame whose nonce does not advance; dropped, slot not refreshed, no counter. */
    public static final int OUT_OF_ORDER = 3;
    /** Terminal frame (nonce 2^64−1) with a newer timestamp; accepted. */
    public static final int TERMINAL_ACCEPTED = 4;
    /** Terminal frame whose timestamp does not advance; dropped, slot not refreshed. */
    public static final int TERMINAL_OUT_OF_ORDER = 5;
    /** New pid on a full tracker and no eviction victim found; dropped and counted. */
    public static final int CAPACITY_REFUSED = 6;
    /** Weaker trust origin than the one pinned in the slot; dropped and counted. */
    public static final int ORIGIN_CONFLICT = 7;
    /** Pid-namespace inode differs from the pinned one; dropped and counted. */
    public static final int NAMESPACE_CONFLICT = 8;

    /** Flag: another pid was evicted to make room (the listener has been told). */
    public static final int EVICTED = 1 << 8;
    /** Flag: the slot was reset because the pid was recycled (the listener has been told). */
    public static final int RECYCLED = 1 << 9;

    private static final int CODE_MASK = 0xFF;

    private BeatOutcome()
    {
    }

    /**
     * @param outcome a value returned by {@link Tracker#beat}
     * @return its code without flags
     */
    public static int code(final int outcome)
    {
        return outcome & CODE_MASK;
    }

    /**
     * @param outcome a value returned by {@link Tracker#beat}
     * @return true when the slot was refreshed (a Beat event is due)
     */
    public static boolean isAccepted(final int outcome)
    {
        final int code = outcome & CODE_MASK;
        return ACCEPTED == code || ACCEPTED_NONCE_WRAP == code || TERMINAL_ACCEPTED == code;
    }

    /**
     * @param outcome a value returned by {@link Tracker#beat}
     * @return true when an eviction happened while handling the beat
     */
    public static boolean evicted(final int outcome)
    {
        return 0 != (outcome & EVICTED);
    }

    /**
     * @param outcome a value returned by {@link Tracker#beat}
     * @return true when the slot was reset for a recycled pid
     */
    public static boolean recycled(final int outcome)
    {
        return 0 != (outcome & RECYCLED);
    }

    /**
     * @param code a code from {@link #code(int)}
     * @return a short lower-case name for logs and tests
     */
    public static String name(final int code)
    {
        switch (code & CODE_MASK)
        {
            case ACCEPTED:
                return "accepted";
            case ACCEPTED_NONCE_WRAP:
                return "accepted_nonce_wrap";
            case OUT_OF_ORDER:
                return "out_of_order";
            case TERMINAL_ACCEPTED:
                return "terminal_accepted";
            case TERMINAL_OUT_OF_ORDER:
                return "terminal_out_of_order";
            case CAPACITY_REFUSED:
                return "capacity_refused";
            case ORIGIN_CONFLICT:
                return "origin_conflict";
            case NAMESPACE_CONFLICT:
                return "namespace_conflict";
            default:
                return "unknown(" + code + ")";
        }
    }
}
