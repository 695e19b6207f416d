package io.varta.watch.tracker;

/**
 * Which slots a full tracker may give to a new pid ({@code --eviction-policy}). The eviction bar is
 * 10 × the stall threshold of silence.
 *
 * <p>Immutable; any thread.
 */
public enum EvictionPolicy
{
    /** Only slots that have stalled and stayed silent for at least the bar (the default). */
    STRICT,
    /** As {@link #STRICT}; if no such slot is found, any slot silent for at least the bar. */
    BALANCED
}
