package io.varta.watch.tracker;

/**
 * Where {@link ProcessIdentity} gets a process's identity from: the start time ({@code /proc/<pid>/stat} field
 * 22) and the pid-namespace inode ({@code /proc/<pid>/ns/pid}). {@link ProcessIdentity#ProcessIdentity(java.nio.file.Path)}
 * reads them with the Java file API (any directory laid out like {@code /proc}; allocates); the observer plugs in
 * a native reader that allocates nothing, since it reads for every pid it sees first and at stall time.
 *
 * <p>Threading: an implementation is called only from the thread that owns its {@link ProcessIdentity} (the
 * observer thread).
 */
public interface IdentitySource
{
    /** Length of the {@code out} array of {@link #read}. */
    int FIELDS = 2;

    /**
     * Reads both identity fields of a pid.
     *
     * @param pid unsigned 32-bit pid
     * @param out receives {@code [start time, namespace inode]}, {@link ProcessIdentity#UNKNOWN} where not read
     * @return {@link ProcessIdentity#PRESENT}, {@link ProcessIdentity#GONE} or {@link ProcessIdentity#PARTIAL}
     */
    int read(long pid, long[] out);

    /**
     * @param pid unsigned 32-bit pid
     * @return its start time in clock ticks since boot, or {@link ProcessIdentity#UNKNOWN}
     */
    long readStartTime(long pid);

    /** @return the reading process's own pid-namespace inode, or {@link ProcessIdentity#UNKNOWN} */
    long ownNsInode();
}
