package io.varta.watch.nativeio;

/**
 * The native behind {@code ingress.UdpListener} and {@code ingress.SecureUdpListener}: binding a UDP listener
 * socket ({@code native/include/varta/udp.h}). Registered by {@code JNI_OnLoad} from
 * {@code native/src/jni_udp.c}.
 *
 * <p>Returns a descriptor or {@code -errno}; never throws. Static and thread-safe.
 */
public final class UdpNatives
{
    /** Length of the {@code out} array of {@link #udpBind}. */
    public static final int OUT_INTS = 2;
    /** Length of the {@code bound} array of {@link #udpBind}. */
    public static final int ADDRESS_BYTES = 16;

    static
    {
        NativeLibrary.ensureLoaded();
    }

    private UdpNatives()
    {
    }

    /**
     * Binds a non-blocking UDP socket with {@code SO_TIMESTAMPNS} on (and {@code SO_RCVBUF} when
     * {@code rcvbufBytes > 0}) to {@code address} (4 bytes IPv4, 16 bytes IPv6) and {@code port} (0 =
     * ephemeral). {@code bound} ({@link #ADDRESS_BYTES}) gets the bound address (as many bytes as given),
     * {@code out} ({@link #OUT_INTS}) the bound port and the granted {@code SO_RCVBUF}. Returns the fd or
     * {@code -errno}.
     */
    public static native int udpBind(byte[] address, int port, int rcvbufBytes, byte[] bound, int[] out);
}
