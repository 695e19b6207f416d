package io.varta.watch.nativeio;

/**
 * The natives of the child-process set ({@code native/src/jni_process.c} over {@code child_set.h}), registered
 * by {@code JNI_OnLoad} on this class. They return a value {@code >= 0} or {@code -errno} and never throw;
 * {@link ChildSet} is the typed wrapper and the only caller.
 *
 * <p>Threading: see {@link ChildSet} (one owner thread; {@link #childSetKick} from any thread).
 */
final class ProcessNatives
{
    static
    {
        NativeLibrary.ensureLoaded();
    }

    private ProcessNatives()
    {
    }

    /** Returns a handle {@code > 0} or {@code -errno}. */
    static native long childSetCreate(int capacity, int captureBytes);

    /** Closes every descriptor of the set and frees it (children are not killed). */
    static native void childSetDestroy(long handle);

    /** Spawns; {@code out} gets slot and pid. Returns 0 or {@code -errno}. */
    static native int childSetSpawn(long handle, byte[][] argv, byte[][] envp, boolean capture, int[] out);

    /** SIGKILL through the pidfd of slot if it still holds pid. Returns 0 or {@code -errno}. */
    static native int childSetKill(long handle, int slot, int pid);

    /** Waits and reaps; fills {@code exits} with records of {@code EXIT_FIELDS} longs. Returns the count or {@code -errno}. */
    static native int childSetWait(long handle, long timeoutNanos, long[] exits);

    /** Wakes {@link #childSetWait}. Any thread. */
    static native void childSetKick(long handle);

    /** {EXITED, KILLED, DUMPED, EXIT_FIELDS, EXITS_PER_CALL, MAX_CAPACITY} of child_set.h / jni_process.c. */
    static native int[] processConstants();
}
