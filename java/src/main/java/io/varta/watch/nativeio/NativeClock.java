package io.varta.watch.nativeio;

/**
 * Clocks the JVM does not expose. {@link System#nanoTime()} is CLOCK_MONOTONIC on Linux, the clock of the
 * ring's {@code recv_ns}; {@link #boottimeNanos()} also counts time the machine spent suspended.
 *
 * <p>Stateless; any thread.
 */
public final class NativeClock
{
    private NativeClock()
    {
    }

    /**
     * Any thread; no allocation.
     *
     * @return CLOCK_BOOTTIME in nanoseconds
     */
    public static long boottimeNanos()
    {
        return Natives.boottimeNanos();
    }

    /**
     * Sets the calling thread's timer slack (Linux {@code PR_SET_TIMERSLACK}): how much later than asked
     * the kernel may end this thread's timed sleeps. The default of 50 µs adds directly to stall
     * latency; the observer thread asks for 1 µs. Failure is harmless and ignored. Calling thread only.
     *
     * @param nanos slack in nanoseconds (≥ 1)
     * @return true if the kernel accepted it
     */
    public static boolean setThreadTimerSlack(final long nanos)
    {
        return 0 == Natives.setThreadTimerSlack(nanos);
    }
}
