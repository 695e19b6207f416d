package io.varta.watch.nativeio;

/**
 * Constants of the loaded {@code libvarta_watch.so}, by name: errno values and the library's own negative
 * codes ({@code EADDRINUSE}, {@code ELOOP}, {@code UDS_ERR_LIVE_OBSERVER}, {@code SECRET_SYMLINK}, ...; the
 * table is {@code native/src/jni_constants.c}). Java never types such a number itself and never relies on
 * the order of a native array.
 *
 * <pre>{@code
 * private static final int EADDRINUSE = NativeConstants.value("EADDRINUSE");
 * }</pre>
 *
 * <p>Stateless; any thread.
 */
public final class NativeConstants
{
    private NativeConstants()
    {
    }

    /**
     * Loads the library if needed (checking it, see {@link NativeLibrary}). Any thread.
     *
     * @param name a name of the native table
     * @return its value
     * @throws IllegalStateException if the library has no constant of that name
     */
    public static int value(final String name)
    {
        Natives.ensureLoaded();
        final Integer value = NativeLibrary.constants().get(name);
        if (null == value)
        {
            throw new IllegalStateException("native library has no constant " + name);
        }
        return value;
    }

    /** {@code VARTA_RING_ABI_VERSION} of the library; the first call into it. */
    static native int abiVersion();

    /** Names of the constant table, index for index with {@link #values()}. */
    static native String[] names();

    /** Values of the constant table. */
    static native int[] values();
}
