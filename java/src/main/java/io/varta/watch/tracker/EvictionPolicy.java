package io.varta.watch.tracker;

import java.util.Locale;

/**
 * Which slots a full tracker may give to a new pid ({@code --tracker-eviction-policy}). The eviction bar
 * is 10 × the stall threshold of silence.
 *
 * <p>Immutable; any thread.
 */
public enum EvictionPolicy
{
    /** Only slots that have stalled and stayed silent for at least the bar (the default). */
    STRICT,
    /** As {@link #STRICT}; if no such slot is found, any slot silent for at least the bar. */
    BALANCED;

    /** @return the command-line word: {@code strict} or {@code balanced} */
    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
