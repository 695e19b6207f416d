package io.varta.watch.observer;

/**
 * Every outcome a received datagram can have, plus loop-level counts. Each datagram read from a socket
 * ends in exactly one of the outcome counters ({@link #isDatagramOutcome()}), so their sum equals
 * {@link #DATAGRAMS}: nothing received is lost silently.
 */
public enum IngestCounter
{
    /** Datagrams read from the socket (one ring record each, I/O error records excluded). */
    DATAGRAMS(false),
    /**
     * Datagrams the native receiver read from its sockets, by its own count (published each loop iteration): at
     * rest {@code DATAGRAMS_READ = DATAGRAMS = sum of the outcomes}; in flight it may run ahead by what the ring
     * holds.
     */
    DATAGRAMS_READ(false),
    /** Valid frames accepted by the tracker (a {@code beat} event each). */
    BEATS(true),
    /** Valid frames whose nonce (or terminal timestamp) did not advance: dropped without an event. */
    OUT_OF_ORDER(true),
    /** Valid frames from a new pid refused because the tracker was full and nothing could be evicted. */
    CAPACITY_REFUSED(true),
    /** Valid frames dropped by the per-pid minimum spacing ({@code --max-beat-rate}). */
    RATE_LIMITED_PER_PID(true),
    /** Valid frames dropped by the global token bucket ({@code --global-beat-rate/-burst}). */
    RATE_LIMITED_GLOBAL(true),
    /**
     * Rejected frames from a kernel-verified sender that had spent its own reject budget
     * ({@link io.varta.watch.tracker.RejectBudget}): dropped without an event.
     */
    RATE_LIMITED_SENDER(true),
    /** Valid frames from a sender in another pid namespace ({@code namespace_conflict}). */
    NAMESPACE_MISMATCH(true),
    /** Valid frames for a pid pinned to a stronger trust origin ({@code origin_conflict}). */
    ORIGIN_CONFLICT(true),
    DECODE_BAD_MAGIC(true),
    DECODE_BAD_VERSION(true),
    DECODE_BAD_CRC(true),
    DECODE_BAD_STATUS(true),
    DECODE_STALL_ON_WIRE(true),
    DECODE_BAD_PID(true),
    DECODE_BAD_TIMESTAMP(true),
    DECODE_BAD_NONCE(true),
    /** Length other than 32 bytes ({@code varta_truncated_datagrams_total}). */
    WRONG_LENGTH(true),
    /** No SCM_CREDENTIALS attached. */
    NO_CREDENTIALS(true),
    /** Sender uid differs from the observer's uid. */
    UID_MISMATCH(true),
    /** Control data truncated (MSG_CTRUNC). */
    CONTROL_TRUNCATED(true),
    /** Frame pid differs from the kernel-verified sender pid ({@code varta_frame_auth_failures_total}). */
    AUTH_FAILURES(true),
    /** Frames without kernel pid verification (UDP) claiming a pid above {@code pid_max}: dropped silently. */
    PID_ABOVE_MAX(true),
    /** Secure-UDP datagrams no loaded key could authenticate: dropped without an event. */
    DECRYPT_FAILED(true),
    /** Secure-UDP datagrams refused by the replay rules (old counter, stale prefix): dropped without an event. */
    REPLAY_REFUSED(true),
    /** Secure-UDP datagrams from a new sender while the replay table was full: dropped, fail closed. */
    SENDER_TABLE_FULL(true),
    /** recvmmsg failures (not datagrams). */
    IO_ERRORS(false),
    /** Observer loop iterations that drained at least one record. */
    BATCHES(false),
    /** Stall events raised. */
    STALLS(false),
    /**
     * Stalls found only when the silent pid's next beat was handled, because the observer had fallen behind
     * its deadline (a frozen or starved observer thread, a flood): reported like any stall, their recovery
     * skipped (the agent is beating again). Non-zero means the observer lagged by more than the silences.
     */
    STALLS_FOUND_LATE(false),
    /** Tracker slots evicted to make room for a new pid. */
    EVICTIONS(false),
    /** Pids found recycled (start time changed): slot reset or retired. */
    PID_RECYCLES(false),
    /** Accepted regular nonces that wrapped around. */
    NONCE_WRAPS(false),
    /** Eviction scans that found no victim within the scan window. */
    EVICTION_SCAN_TRUNCATED(false),
    /** Observer clock steps backwards that were absorbed. */
    CLOCK_REGRESSIONS(false),
    /** Observer clock steps forward by more than 5 s. */
    CLOCK_FORWARD_JUMPS(false),
    /** Pids currently tracked (a gauge, not a counter). */
    PIDS_TRACKED(false),
    /** Most records the observer thread found waiting in the ring at the start of a drain (a gauge). */
    RING_OCCUPANCY_HIGH_WATER(false),
    /** Loop iterations whose work took longer than {@code --iteration-budget-ms}. */
    ITERATION_BUDGET_EXCEEDED(false),
    /** {@link System#nanoTime()} at the end of the latest loop iteration (a timestamp, not a counter). */
    LAST_ITERATION_NANOS(false),
    /**
     * AEAD trials of the secure UDP listeners' classifiers (every key on every datagram), by their own count
     * (published each loop iteration, like {@link #DATAGRAMS_READ}).
     */
    AEAD_ATTEMPTS(false),
    /** The kernel's {@code pid_max} the UDP pid gate uses, as read last (a gauge). */
    PID_MAX(false);

    private final boolean datagramOutcome;

    IngestCounter(final boolean datagramOutcome)
    {
        this.datagramOutcome = datagramOutcome;
    }

    /** @return true if this counter is one of the mutually exclusive outcomes of a received datagram */
    public boolean isDatagramOutcome()
    {
        return datagramOutcome;
    }

    /**
     * @param decodeErrorCode 1..8 ({@link io.varta.vlp.DecodeError#code()})
     * @return the counter of that decode error
     */
    public static IngestCounter ofDecodeError(final int decodeErrorCode)
    {
        return BY_DECODE_ERROR[decodeErrorCode - 1];
    }

    /** Decode-error counters in {@link io.varta.vlp.DecodeError} code order (code 1 first). */
    private static final IngestCounter[] BY_DECODE_ERROR = {DECODE_BAD_MAGIC, DECODE_BAD_VERSION, DECODE_BAD_CRC,
        DECODE_BAD_STATUS, DECODE_STALL_ON_WIRE, DECODE_BAD_PID, DECODE_BAD_TIMESTAMP, DECODE_BAD_NONCE};
}
