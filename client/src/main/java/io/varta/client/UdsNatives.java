package io.varta.client;

import java.nio.ByteBuffer;

/**
 * The JNI table of {@code libvarta_client.so} ({@code client/native/src/jni_client.c}). Every call returns a value or
 * {@code -errno}; none throws. Only {@link UdsTransport} calls these, after {@link ClientNativeLibrary#ensureLoaded()}.
 *
 * <p>Any thread.
 */
final class UdsNatives
{
    private UdsNatives()
    {
    }

    /** {@code VARTA_CLIENT_ABI_VERSION} of the loaded library. */
    static native int abiVersion();

    /** The errno names the library exports, in the order of {@link #errnoValues()}. */
    static native String[] errnoNames();

    /** Their values on this system. */
    static native int[] errnoValues();

    /** The address of a direct buffer's memory (0 for a heap buffer). */
    static native long address(ByteBuffer direct);

    /** A non-blocking AF_UNIX SOCK_DGRAM socket connected to the path: the descriptor, or -errno. */
    static native int open(byte[] path);

    /** One non-blocking send of {@code length} bytes at {@code address}: the bytes sent, or -errno. */
    static native int send(int fd, long address, int length);

    /** Closes the descriptor: 0 or -errno. */
    static native int close(int fd);
}
