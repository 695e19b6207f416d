package io.varta.watch.cli;

/**
 * {@code --clock-source}: which kernel clock stamps observer time.
 *
 * <p>Immutable; any thread.
 */
public enum ClockSource
{
    /** {@code CLOCK_MONOTONIC} (default); stops during suspend. */
    MONOTONIC("monotonic"),
    /** {@code CLOCK_BOOTTIME}; keeps counting through suspend. Linux only. */
    BOOTTIME("boottime"),
    /** The reference's macOS/iOS continuous clock; parsed but unsupported on Linux. */
    MONOTONIC_RAW("monotonic-raw");

    private final String cliName;

    ClockSource(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * The word used on the command line. Any thread.
     *
     * @return e.g. {@code boottime}
     */
    public String cliName()
    {
        return cliName;
    }
}
