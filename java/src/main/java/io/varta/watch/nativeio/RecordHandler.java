package io.varta.watch.nativeio;

/**
 * Receives ring records during {@link Ring#drain(RecordHandler, int)}, on the observer thread.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * Called on the observer thread, once per record, in ring order.
     *
     * @param record a flyweight valid only during this call; copy what you keep
     */
    void onRecord(RingRecord record);
}
