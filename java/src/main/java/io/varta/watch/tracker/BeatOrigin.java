package io.varta.watch.tracker;

/**
 * Trust origin of a beat, as an int rank (higher is stronger) so the hot path never boxes. A slot pins the
 * origin of the beat that created it; a stronger origin replaces the slot, a weaker one is a conflict.
 *
 * <pre>
 *  rank  origin                        when                                     recovery
 *   0    NETWORK_UNVERIFIED            UDP without the listener's accept flag   never
 *   1    SOCKET_MODE_ONLY              UDS without a kernel pid                 refused
 *   2    OPERATOR_ATTESTED_TRANSPORT   UDP with the listener's accept flag      allowed
 *   3    KERNEL_ATTESTED               UDS with a kernel-provided pid           allowed
 * </pre>
 *
 * <p>Constants only; any thread.
 */
public final class BeatOrigin
{
    /** UDP without an accept flag. */
    public static final int NETWORK_UNVERIFIED = 0;
    /** UDS with no kernel pid. */
    public static final int SOCKET_MODE_ONLY = 1;
    /** UDP with the listener's accept flag. */
    public static final int OPERATOR_ATTESTED_TRANSPORT = 2;
    /** UDS with a kernel-provided pid. */
    public static final int KERNEL_ATTESTED = 3;

    private static final String[] NAMES =
        {"NetworkUnverified", "SocketModeOnly", "OperatorAttestedTransport", "KernelAttested"};

    private BeatOrigin()
    {
    }

    /**
     * @param origin a rank
     * @return true for the origins that arrive over UDP
     */
    public static boolean isNetwork(final int origin)
    {
        return NETWORK_UNVERIFIED == origin || OPERATOR_ATTESTED_TRANSPORT == origin;
    }

    /**
     * @param origin a rank 0..3
     * @return the reference's name for it
     */
    public static String name(final int origin)
    {
        return origin >= 0 && origin < NAMES.length ? NAMES[origin] : "unknown(" + origin + ")";
    }
}
