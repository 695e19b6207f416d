package io.varta.watch.cli;

/**
 * {@code --tracker-eviction-policy}: what the tracker does with a new pid when it is full.
 *
 * <p>Immutable; any thread.
 */
public enum TrackerEvictionPolicy
{
    /** Refuse new pids while full (default). */
    STRICT("strict"),
    /** Evict a stale slot (within the scan window) to admit a new pid. */
    BALANCED("balanced");

    private final String cliName;

    TrackerEvictionPolicy(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * The word used on the command line. Any thread.
     *
     * @return {@code strict} or {@code balanced}
     */
    public String cliName()
    {
        return cliName;
    }
}
