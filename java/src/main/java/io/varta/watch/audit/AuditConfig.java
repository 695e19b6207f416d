package io.varta.watch.audit;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.files.RotatingAppendFile;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * How a {@link RecoveryAuditLog} is opened, synced and rotated; also the one home of the audit flags' defaults and
 * limits ({@code cli} reads them for its help text and validation).
 *
 * <pre>{@code
 * AuditConfig config = AuditConfig.of(Path.of("/var/lib/varta/audit.tsv"))
 *     .maxBytes(1 << 20).syncEvery(1).fsyncObserver(histogram::observe);
 * }</pre>
 *
 * <p>Immutable; any thread. The clocks and the fsync observer it carries are called on the writer thread (and, for
 * the boot record, on the thread that opens the log).
 */
public final class AuditConfig
{
    /** Default {@code --recovery-audit-sync-every}: fdatasync after every record. */
    public static final long DEFAULT_SYNC_EVERY = 1;
    /** Smallest {@code --recovery-audit-max-bytes}: a tiny cap would rotate per record and shred the trail. */
    public static final long MIN_MAX_BYTES = 4096;
    /** Rotated generations kept: {@code PATH.1} .. {@code PATH.5}. */
    public static final int GENERATIONS = RotatingAppendFile.GENERATIONS;
    /** Default {@code --audit-fsync-budget-ms}. */
    public static final long DEFAULT_FSYNC_BUDGET_MS = 50;
    /** Default {@code --audit-sync-interval-ms}: 0 = no time-based sync. */
    public static final long DEFAULT_SYNC_INTERVAL_MS = 0;
    /** Default {@code --audit-rotation-budget-ms}. */
    public static final long DEFAULT_ROTATION_BUDGET_MS = 50;
    /** Largest {@code --audit-rotation-budget-ms}: below the reference's Maintenance-stage abort. */
    public static final long MAX_ROTATION_BUDGET_MS = 250;
    /** The reference's Maintenance-stage self-watchdog abort, named in the rotation-budget error text. */
    public static final long MAINTENANCE_STAGE_ABORT_MS = 500;
    /** Lines the ring between callers and the writer thread holds, as the reference's audit ring. */
    public static final int RING_CAPACITY = 256;

    private final PathBytes path;
    private final long maxBytes;
    private final long syncEvery;
    private final long fsyncBudgetMillis;
    private final long syncIntervalMillis;
    private final long rotationBudgetMillis;
    private final int ringCapacity;
    private final long daemonPid;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClockMillis;
    private final LongConsumer fsyncObserver;

    private AuditConfig(final PathBytes path, final long maxBytes, final long syncEvery, final long fsyncBudgetMillis,
        final long syncIntervalMillis, final long rotationBudgetMillis, final int ringCapacity, final long daemonPid,
        final LongSupplier nanoClock, final LongSupplier wallClockMillis, final LongConsumer fsyncObserver)
    {
        this.path = path;
        this.maxBytes = maxBytes;
        this.syncEvery = syncEvery;
        this.fsyncBudgetMillis = fsyncBudgetMillis;
        this.syncIntervalMillis = syncIntervalMillis;
        this.rotationBudgetMillis = rotationBudgetMillis;
        this.ringCapacity = ringCapacity;
        this.daemonPid = daemonPid;
        this.nanoClock = nanoClock;
        this.wallClockMillis = wallClockMillis;
        this.fsyncObserver = fsyncObserver;
    }

    /**
     * Any thread.
     *
     * @param path {@code --recovery-audit-file}
     * @return the defaults: never rotate, sync every record, the default budgets, no time-based sync, a 256-line
     *     ring, this process's pid, the system clocks, fsync times discarded
     */
    public static AuditConfig of(final Path path)
    {
        return of(PathBytes.of(path));
    }

    /**
     * {@link #of(Path)} for a path given as bytes (the command line's, taken as given). Any thread.
     *
     * @param path the audit file
     * @return a configuration with the reference's defaults
     */
    public static AuditConfig of(final PathBytes path)
    {
        return new AuditConfig(Objects.requireNonNull(path, "path"), 0, DEFAULT_SYNC_EVERY, DEFAULT_FSYNC_BUDGET_MS,
            DEFAULT_SYNC_INTERVAL_MS, DEFAULT_ROTATION_BUDGET_MS, RING_CAPACITY, ProcessHandle.current().pid(),
            System::nanoTime, System::currentTimeMillis, nanos -> { });
    }

    /**
     * Any thread.
     *
     * @param bytes {@code --recovery-audit-max-bytes}: rotate once the file reaches this size; 0 = never
     * @return a config with that limit
     */
    public AuditConfig maxBytes(final long bytes)
    {
        if (bytes != 0 && bytes < MIN_MAX_BYTES)
        {
            throw new IllegalArgumentException("maxBytes must be 0 or at least " + MIN_MAX_BYTES + ": " + bytes);
        }
        return new AuditConfig(path, bytes, syncEvery, fsyncBudgetMillis, syncIntervalMillis, rotationBudgetMillis,
            ringCapacity, daemonPid, nanoClock, wallClockMillis, fsyncObserver);
    }

    /**
     * Any thread.
     *
     * @param records {@code --recovery-audit-sync-every}: fdatasync after this many lines (at least 1)
     * @return a config with that cadence
     */
    public AuditConfig syncEvery(final long records)
    {
        if (records < 1)
        {
            throw new IllegalArgumentException("syncEvery must be at least 1: " + records);
        }
        return new AuditConfig(path, maxBytes, records, fsyncBudgetMillis, syncIntervalMillis, rotationBudgetMillis,
            ringCapacity, daemonPid, nanoClock, wallClockMillis, fsyncObserver);
    }

    /**
     * Any thread.
     *
     * @param millis {@code --audit-fsync-budget-ms}: an fdatasync slower than this is counted and defers the
     *     remaining cadence syncs of the current drain (at least 1)
     * @return a config with that budget
     */
    public AuditConfig fsyncBudgetMillis(final long millis)
    {
        if (millis < 1)
        {
            throw new IllegalArgumentException("fsyncBudgetMillis must be at least 1: " + millis);
        }
        return new AuditConfig(path, maxBytes, syncEvery, millis, syncIntervalMillis, rotationBudgetMillis,
            ringCapacity, daemonPid, nanoClock, wallClockMillis, fsyncObserver);
    }

    /**
     * Any thread.
     *
     * @param millis {@code --audit-sync-interval-ms}: also fdatasync unsynced lines this long after the last sync;
     *     0 = only by count
     * @return a config with that interval
     */
    public AuditConfig syncIntervalMillis(final long millis)
    {
        if (millis < 0)
        {
            throw new IllegalArgumentException("syncIntervalMillis must not be negative: " + millis);
        }
        return new AuditConfig(path, maxBytes, syncEvery, fsyncBudgetMillis, millis, rotationBudgetMillis,
            ringCapacity, daemonPid, nanoClock, wallClockMillis, fsyncObserver);
    }

    /**
     * Any thread.
     *
     * @param millis {@code --audit-rotation-budget-ms}: a rotation slower than this is counted (1..250)
     * @return a config with that budget
     */
    public AuditConfig rotationBudgetMillis(final long millis)
    {
        if (millis < 1 || millis > MAX_ROTATION_BUDGET_MS)
        {
            throw new IllegalArgumentException("rotationBudgetMillis must be in 1.." + MAX_ROTATION_BUDGET_MS + ": "
                + millis);
        }
        return new AuditConfig(path, maxBytes, syncEvery, fsyncBudgetMillis, syncIntervalMillis, millis,
            ringCapacity, daemonPid, nanoClock, wallClockMillis, fsyncObserver);
    }

    /**
     * Any thread.
     *
     * @param lines capacity of the ring between callers and the writer thread, at least 2 (tests use small rings)
     * @return a config with that ring
     */
    public AuditConfig ringCapacity(final int lines)
    {
        if (lines < 2)
        {
            throw new IllegalArgumentException("ringCapacity must be at least 2: " + lines);
        }
        return new AuditConfig(path, maxBytes, syncEvery, fsyncBudgetMillis, syncIntervalMillis, rotationBudgetMillis,
            lines, daemonPid, nanoClock, wallClockMillis, fsyncObserver);
    }

    /**
     * Any thread.
     *
     * @param pid the {@code daemon_pid} column of boot records
     * @return a config with that pid
     */
    public AuditConfig daemonPid(final long pid)
    {
        return new AuditConfig(path, maxBytes, syncEvery, fsyncBudgetMillis, syncIntervalMillis, rotationBudgetMillis,
            ringCapacity, pid, nanoClock, wallClockMillis, fsyncObserver);
    }

    /**
     * Tests inject clocks. Any thread.
     *
     * @param nanos monotonic nanoseconds (sync cadence, budgets)
     * @param wallMillis milliseconds since the epoch (the {@code wallclock_ms} column of boot records)
     * @return a config with those clocks
     */
    public AuditConfig clocks(final LongSupplier nanos, final LongSupplier wallMillis)
    {
        return new AuditConfig(path, maxBytes, syncEvery, fsyncBudgetMillis, syncIntervalMillis, rotationBudgetMillis,
            ringCapacity, daemonPid, Objects.requireNonNull(nanos, "nanos"),
            Objects.requireNonNull(wallMillis, "wallMillis"), fsyncObserver);
    }

    /**
     * Any thread.
     *
     * @param observer receives the duration in nanoseconds of every audit fdatasync, on the writer thread (e.g. a
     *     histogram's single-writer {@code observe})
     * @return a config with that observer
     */
    public AuditConfig fsyncObserver(final LongConsumer observer)
    {
        return new AuditConfig(path, maxBytes, syncEvery, fsyncBudgetMillis, syncIntervalMillis, rotationBudgetMillis,
            ringCapacity, daemonPid, nanoClock, wallClockMillis, Objects.requireNonNull(observer, "observer"));
    }

    /** @return the audit file. Any thread. */
    public PathBytes path()
    {
        return path;
    }

    /** @return rotation size, 0 = never. Any thread. */
    public long maxBytes()
    {
        return maxBytes;
    }

    /** @return lines per fdatasync. Any thread. */
    public long syncEvery()
    {
        return syncEvery;
    }

    /** @return the fsync budget in milliseconds. Any thread. */
    public long fsyncBudgetMillis()
    {
        return fsyncBudgetMillis;
    }

    /** @return the time-based sync interval in milliseconds, 0 = off. Any thread. */
    public long syncIntervalMillis()
    {
        return syncIntervalMillis;
    }

    /** @return the rotation budget in milliseconds. Any thread. */
    public long rotationBudgetMillis()
    {
        return rotationBudgetMillis;
    }

    /** @return the ring capacity in lines. Any thread. */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    /** @return the {@code daemon_pid} of boot records. Any thread. */
    public long daemonPid()
    {
        return daemonPid;
    }

    /** @return the monotonic clock. Any thread. */
    LongSupplier nanoClock()
    {
        return nanoClock;
    }

    /** @return the wall clock in milliseconds. Any thread. */
    LongSupplier wallClockMillis()
    {
        return wallClockMillis;
    }

    /** @return the fsync-duration observer. Any thread. */
    LongConsumer fsyncObserver()
    {
        return fsyncObserver;
    }
}
