package io.varta.watch.nativeio;

/**
 * A process's identity read from {@code /proc} natively ({@code native/include/varta/proc_identity.h}): its start
 * time ({@code /proc/<pid>/stat} field 22) and its pid-namespace inode ({@code /proc/<pid>/ns/pid}). The observer
 * thread reads them for every pid it sees first and re-reads the start time when a stall falls due, so these
 * calls allocate nothing (the Java file API it replaces left a few kB of garbage per pid) and cost the system
 * calls only. Registered by {@code JNI_OnLoad} from {@code native/src/jni_proc.c}.
 *
 * <p>The result codes and the "not read" value are {@link #constants()}: {@code tracker.ProcessIdentity} owns
 * their meaning and its adapter compares them by value.
 *
 * <p>All methods are static, keep no state and are thread-safe.
 */
public final class ProcNatives
{
    /** Length of the {@code out} array of {@link #identity}. */
    public static final int IDENTITY_LONGS = 2;

    static
    {
        NativeLibrary.ensureLoaded();
    }

    private ProcNatives()
    {
    }

    /**
     * Reads both identity fields of a pid. Any thread; allocates nothing.
     *
     * @param pid the pid (an unsigned 32-bit value in an int)
     * @param out receives {@code [start time, namespace inode]}, each the "unknown" constant where not read;
     *            at least {@link #IDENTITY_LONGS} long
     * @return the present, gone or partial code of {@link #constants()}, or -1 if {@code out} is too short
     */
    public static native int identity(int pid, long[] out);

    /**
     * Any thread; allocates nothing.
     *
     * @param pid the pid (an unsigned 32-bit value in an int)
     * @return its start time in clock ticks since boot, or the "unknown" constant
     */
    public static native long startTime(int pid);

    /**
     * Any thread.
     *
     * @return this process's pid-namespace inode, or the "unknown" constant
     */
    public static native long ownNsInode();

    /**
     * Any thread; allocates the array.
     *
     * @return in this order: the codes present, gone and partial, and the "unknown" field value
     */
    public static native int[] constants();
}
