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
}
