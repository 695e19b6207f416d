package io.varta.watch.event;

/**
 * Whether an earlier {@link Stall} verdict still holds: the small view of tracker state a sink needs when it
 * acts on a stall later than the stall was raised (recovery holds stalls over to later loop iterations when its
 * per-iteration budgets are spent, and must not then act on an agent that beat again or on a pid a new process
 * took). The observer implements it over its tracker; sinks receive it in {@link ObserverEvents#onTick} and
 * must not keep it beyond that call.
 *
 * <pre>{@code
 * public long onTick(long nowNanos, StallFreshness freshness) {
 *     if (StallFreshness.AGENT_RESUMED == freshness.check(deferred)) { ... skip it ... }
 * }
 * }</pre>
 *
 * <p>Threading: observer thread only, during {@link ObserverEvents#onTick}.
 */
public interface StallFreshness
{
    /** The pid is still silent since the stall's last beat and still the same process (as far as known). */
    int CURRENT = 0;
    /** The agent beat again after the stall (its slot was re-armed). */
    int AGENT_RESUMED = 1;
    /** The pid now belongs to another process (its start time changed). */
    int PID_RECYCLED = 2;
    /** Kernel attested, but the stall carries no start time to compare: recycling cannot be ruled out. */
    int UNVERIFIABLE = 3;

    /** For sinks driven without an observer (tests, benchmarks): every stall is {@link #CURRENT}. */
    StallFreshness ALWAYS_CURRENT = stall -> CURRENT;

    /**
     * Observer thread only; may read {@code /proc/<pid>/stat} once for a kernel-attested pid.
     *
     * @param stall a stall raised earlier by this observer
     * @return {@link #CURRENT}, {@link #AGENT_RESUMED}, {@link #PID_RECYCLED} or {@link #UNVERIFIABLE}
     */
    int check(Stall stall);
}
