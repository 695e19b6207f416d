package io.varta.watch.nativeio;

/**
 * The natives behind {@code ingress.SecureUdpKeys}: resolving libcrypto at run time
 * ({@code native/include/varta/crypto.h}) and a secure listener's native key set
 * ({@code native/include/varta/secure_keys.h}). Key files are read and parsed natively: only their paths go
 * in and only counts and codes come back, so no key byte reaches the Java heap. Registered by
 * {@code JNI_OnLoad} from {@code native/src/jni_secure_udp.c}.
 *
 * <p>Codes are {@code -errno}, the private-file codes ({@code PRIVATE_*}), the key codes ({@code KEY_ERR_*}) or
 * the libcrypto codes ({@code OPENSSL_ERR_*}, {@code CRYPTO_ERR_*}), read by name from {@link NativeConstants};
 * none of these methods throws. Static; a key set handle is used as {@code SecureUdpKeys} documents.
 */
public final class SecureUdpNatives
{
    /** Length of the {@code detail} array of {@link #keysAddFile}. */
    public static final int DETAIL_LONGS = 5;

    static
    {
        NativeLibrary.ensureLoaded();
    }

    private SecureUdpNatives()
    {
    }

    /**
     * Resolves libcrypto from {@code soname} (a library name or path, as bytes) unless it is resolved already.
     * Returns 0, or a code with the reason (the loader's message, a missing function, the version) in
     * {@code why[0]}. Any thread.
     */
    public static native int cryptoLoad(byte[] soname, String[] why);

    /** A new, empty key set with its session-restart gap; returns a handle {@code > 0} or {@code -errno}. */
    public static native long keysNew(long restartGapNanos);

    /**
     * Reads the key file {@code path} of {@code kind} ({@code KEY_FILE_*}) under the secret-file rules for owner
     * {@code uid} and adds its keys. Returns the number added or a code; {@code detail} ({@link #DETAIL_LONGS})
     * gets the line and detail of a content error and the mode, owner and expected owner of a rule error.
     */
    public static native int keysAddFile(long handle, byte[] path, int kind, int uid, long[] detail);

    /** AEAD trials the listener's classifier made so far. Any thread while the handle lives. */
    public static native long keysAttempts(long handle);

    /** Wipes and frees the key set (after the receiver that used it stopped). Once. */
    public static native void keysFree(long handle);
}
