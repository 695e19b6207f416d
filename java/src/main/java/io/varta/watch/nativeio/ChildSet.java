package io.varta.watch.nativeio;

/**
 * Child processes spawned without a shell and watched by one thread without a thread per child: each child
 * is a pidfd in one native epoll set ({@code native/src/child_set.c}, {@code spawn.c}).
 * <ul>
 *   <li>{@link #spawn}: {@code posix_spawn} with a clean signal state and every descriptor above stderr
 *       closed; a bare program name is looked up in the {@code PATH} of the child's environment;</li>
 *   <li>{@link #awaitExits}: sleeps until a child exits (or a pipe has output, or a {@link #kick}), reaps
 *       every exited child with {@code waitid(P_PIDFD)} and reports one record per child;</li>
 *   <li>{@link #kill}: {@code SIGKILL} through the pidfd, so a recycled pid can never be hit.</li>
 * </ul>
 * With capture, only the lengths of stdout and stderr are counted (together at most {@code captureBytes};
 * the rest is read, discarded and flagged as truncated), never their content.
 *
 * <pre>{@code
 * try (ChildSet children = ChildSet.create(256, 4096)) {
 *     long child = children.spawn(argv, env, false);          // slot and pid, see slotOf / pidOf
 *     long[] exits = new long[ChildSet.EXIT_FIELDS * ChildSet.MAX_EXITS_PER_WAIT];
 *     int n = children.awaitExits(1_000_000_000L, exits);      // exits[i * EXIT_FIELDS + CODE] ...
 * }
 * }</pre>
 *
 * <p>Threading: one owner thread calls {@link #spawn}, {@link #kill}, {@link #awaitExits} and {@link #close};
 * {@link #kick} may be called from any thread until {@link #close} (both take this object's monitor, which
 * only {@code close} ever holds for longer than an eventfd write).
 */
public final class ChildSet implements AutoCloseable
{
    /** Record {@link #CODE}: exited; {@link #STATUS} is the exit code. */
    public static final int EXITED;
    /** Record {@link #CODE}: killed by a signal; {@link #STATUS} is the signal. */
    public static final int KILLED;
    /** Record {@link #CODE}: killed by a signal and dumped core; {@link #STATUS} is the signal. */
    public static final int DUMPED;
    /** Longs per exit record. */
    public static final int EXIT_FIELDS;
    /** Most records one {@link #awaitExits} call returns. */
    public static final int MAX_EXITS_PER_WAIT;
    /** Largest capacity. */
    public static final int MAX_CAPACITY;

    /** Record field: slot the spawn returned (free again once reported). */
    public static final int SLOT = 0;
    /** Record field: the child's pid. */
    public static final int PID = 1;
    /** Record field: {@link #EXITED}, {@link #KILLED}, {@link #DUMPED}, or {@code -errno} of a failed reap. */
    public static final int CODE = 2;
    /** Record field: exit code or signal number. */
    public static final int STATUS = 3;
    /** Record field: CLOCK_MONOTONIC nanoseconds from spawn to reap. */
    public static final int DURATION_NANOS = 4;
    /** Record field: counted stdout bytes (capture only). */
    public static final int STDOUT_LEN = 5;
    /** Record field: counted stderr bytes (capture only). */
    public static final int STDERR_LEN = 6;
    /** Record field: 1 when output beyond the capture limit was discarded. */
    public static final int TRUNCATED = 7;

    static
    {
        final int[] c = ProcessNatives.processConstants();
        EXITED = c[0];
        KILLED = c[1];
        DUMPED = c[2];
        EXIT_FIELDS = c[3];
        MAX_EXITS_PER_WAIT = c[4];
        MAX_CAPACITY = c[5];
    }

    private static final int ESRCH = 3;

    private final int[] spawned = new int[2];
    private long handle;

    private ChildSet(final long handle)
    {
        this.handle = handle;
    }

    /**
     * Any thread; the set then belongs to the calling (owner) thread.
     *
     * @param capacity most children alive at once, 1..{@link #MAX_CAPACITY}
     * @param captureBytes stdout and stderr bytes counted per captured child, together
     * @return the set
     * @throws NativeIoException when the epoll set or eventfd cannot be created
     */
    public static ChildSet create(final int capacity, final int captureBytes) throws NativeIoException
    {
        final long handle = ProcessNatives.childSetCreate(capacity, captureBytes);
        if (handle <= 0)
        {
            throw new NativeIoException("cannot create the recovery child set: " + Natives.strerror((int)-handle),
                (int)-handle);
        }
        return new ChildSet(handle);
    }

    /**
     * Spawns one child. Owner thread; allocation-free apart from the native copies of the arguments.
     *
     * @param argv program and arguments as the kernel should see them (no NUL bytes; argv[0] non-empty)
     * @param env the child's whole environment, {@code KEY=VALUE} entries
     * @param capture pipe stdout and stderr and count their lengths (else both are inherited)
     * @return slot and pid packed, read with {@link #slotOf} and {@link #pidOf}
     * @throws NativeIoException with {@code "<argv[0]>: <strerror>"} when it cannot be started (no such program,
     *     not executable, the set is full: EAGAIN, descriptors exhausted, ...)
     */
    public long spawn(final byte[][] argv, final byte[][] env, final boolean capture) throws NativeIoException
    {
        final int rc = ProcessNatives.childSetSpawn(handle, argv, env, capture, spawned);
        if (rc < 0)
        {
            final String program = argv.length > 0 ? PathBytes.decode(argv[0]) : "";
            throw new NativeIoException(program + ": " + Natives.strerror(-rc), -rc);
        }
        return ((long)spawned[0] << 32) | (spawned[1] & 0xFFFF_FFFFL);
    }

    /** @return the slot of a {@link #spawn} result; any thread */
    public static int slotOf(final long spawnResult)
    {
        return (int)(spawnResult >>> 32);
    }

    /** @return the pid of a {@link #spawn} result; any thread */
    public static int pidOf(final long spawnResult)
    {
        return (int)spawnResult;
    }

    /**
     * Sends SIGKILL to the child through its pidfd. Owner thread.
     *
     * @return true when sent (also when the child had exited and awaits its reap); false when the slot does not
     *     hold that pid any more (it was reported already)
     * @throws NativeIoException on any other failure
     */
    public boolean kill(final int slot, final int pid) throws NativeIoException
    {
        final int rc = ProcessNatives.childSetKill(handle, slot, pid);
        if (0 == rc)
        {
            return true;
        }
        if (-ESRCH == rc)
        {
            return false;
        }
        throw new NativeIoException("cannot kill recovery child " + pid + ": " + Natives.strerror(-rc), -rc);
    }

    /**
     * Sleeps up to {@code timeoutNanos} (negative: no limit, 0: poll) for an exit, a pipe's output or a
     * {@link #kick}; counts ready output and reaps every exited child. Owner thread.
     *
     * @param exits receives up to {@code exits.length / EXIT_FIELDS} records (at most {@link #MAX_EXITS_PER_WAIT})
     * @return the number of records (0 after a timeout or a kick); more may be pending when it equals the
     *     room given, ask again with a 0 timeout
     * @throws NativeIoException if epoll fails
     */
    public int awaitExits(final long timeoutNanos, final long[] exits) throws NativeIoException
    {
        final int n = ProcessNatives.childSetWait(handle, timeoutNanos, exits);
        if (n < 0)
        {
            throw new NativeIoException("recovery child wait failed: " + Natives.strerror(-n), -n);
        }
        return n;
    }

    /** Wakes {@link #awaitExits}; any thread until {@link #close}, a no-op afterwards. */
    public synchronized void kick()
    {
        if (0 != handle)
        {
            ProcessNatives.childSetKick(handle);
        }
    }

    /** Closes every descriptor; children still alive are left (kill and reap them first). Owner thread; idempotent. */
    @Override
    public synchronized void close()
    {
        if (0 != handle)
        {
            ProcessNatives.childSetDestroy(handle);
            handle = 0;
        }
    }
}
