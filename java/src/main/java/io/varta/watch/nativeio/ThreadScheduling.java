package io.varta.watch.nativeio;

/**
 * Per-thread scheduling the JVM does not expose (Linux). The observer thread asks for a tiny timer slack
 * so its sleeps end on the stall deadline; side threads (the metrics server) lower their priority so
 * that, when the host is short of CPU, receiving and tracking beats win over serving scrapes.
 *
 * <p>Every method acts on the calling thread only. Failures are harmless and reported as {@code false}.
 */
public final class ThreadScheduling
{
    private ThreadScheduling()
    {
    }

    /**
     * Sets the calling thread's timer slack ({@code PR_SET_TIMERSLACK}): how much later than asked the
     * kernel may end its timed sleeps. The default of 50 µs adds directly to stall latency.
     *
     * @param nanos slack in nanoseconds (≥ 1)
     * @return true if the kernel accepted it
     */
    public static boolean setTimerSlack(final long nanos)
    {
        return 0 == Natives.setThreadTimerSlack(nanos);
    }

    /**
     * Sets the calling thread's nice value (raising it needs no privilege).
     *
     * @param nice -20..19; higher is lower priority
     * @return true if the kernel accepted it
     */
    public static boolean setNice(final int nice)
    {
        return 0 == Natives.setThreadNice(nice);
    }
}
