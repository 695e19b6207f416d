package io.varta.client;

/**
 * One way to the observer. {@link VartaClient} calls it under its lock, so an implementation is used by one thread at
 * a time and may keep mutable state without its own synchronisation.
 */
interface Transport extends AutoCloseable
{
    /**
     * Sends the 32-byte frame at {@code frame[0..32)} (sealed first where the transport seals). Never blocks, never
     * throws; allocates nothing in steady state.
     */
    BeatOutcome send(byte[] frame);

    /** Releases the socket. Idempotent. */
    @Override
    void close();
}
