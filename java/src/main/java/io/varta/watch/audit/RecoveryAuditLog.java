package io.varta.watch.audit;

import io.varta.watch.recovery.CompletionOutcome;
import io.varta.watch.recovery.RecoveryListener;
import io.varta.watch.recovery.RefusalReason;

import io.varta.watch.log.Diagnostics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.varta.watch.nativeio.PathBytes;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The tamper-evident recovery audit log, schema v2 ({@code --recovery-audit-file}): one tab-separated record per
 * recovery decision, each numbered ({@code seq}, continuing across restarts and rotations) and chained to the
 * previous one with SHA-256 ({@link AuditChain}); {@code varta-audit verify} checks a file ({@link AuditVerifier}).
 *
 * <pre>
 * # varta-watch recovery audit v2
 * 1   1700000000000  0           boot      1234  -             fresh        ea37…
 * 2   1700000000500  1500000000  spawn     4321  4400  exec  /usr/bin/restart  inline  21  e72a…
 * # gap: seq 3..4 not written (ring_full)
 * 5   1700000000700  1700000000  complete  4321  4400  reaped  0  -  200000000  0  0  false  80ce…
 * 6   1700000001800  2800000000  refused   4321  debounced                                      ab85…
 * </pre>
 *
 * <p><b>Threads.</b> Recording a decision never touches the file: {@link #spawn}, {@link #complete} and
 * {@link #refused} format the record on the calling thread (the observer thread decides spawns and refusals, the
 * recovery thread reports completions) and hand it to a lock-free bounded ring of {@value AuditConfig#RING_CAPACITY}
 * lines ({@link AuditRing}); one writer thread, {@code varta-audit-writer}, numbers, chains, appends and fdatasyncs.
 * A caller never blocks (no lock, no wait for the writer), so a slow or stalled disk can never delay stall
 * detection. A full ring drops the record (counted in {@link #dropped()}) and the writer declares its sequence number
 * as a gap ({@link GapDeclaration}). Records reach the file in the order they were queued.
 *
 * <p><b>Opening</b> ({@link #open}) happens on the calling thread: the file's safety rules, resuming {@code seq} and
 * the chain from its tail, cutting a torn last line, migrating a v1 or unknown file, and the {@code boot} record
 * (written and fdatasynced before {@code open} returns), see {@link AuditResume} and {@link AuditWriter}.
 *
 * <p><b>Errors</b> after opening are never thrown: they are counted ({@link #ioErrors()}) and logged rate-limited as
 * {@code recovery audit IO error: <path>: <reason>} (kind {@code audit_io}).
 *
 * <pre>{@code
 * RecoveryAuditLog audit = RecoveryAuditLog.open(AuditConfig.of(path), diagnostics);
 * audit.spawn(System.currentTimeMillis(), observerNs, agentPid, childPid, "/usr/bin/restart", "inline", 21);
 * ...
 * audit.close(5_000);  // drains the ring, fdatasyncs, closes
 * }</pre>
 *
 * <p>Thread contract: {@link #open} on any thread (once); the record methods and the counters from any thread;
 * {@link #close} from one thread (the daemon's main thread), after which records are dropped and counted.
 */
public final class RecoveryAuditLog implements AutoCloseable, RecoveryListener
{
    /** The name of the writer thread. */
    public static final String WRITER_THREAD = "varta-audit-writer";
    /** The startup warning for {@code --recovery-audit-sync-every} above 1 (the reference's text). */
    public static final String SYNC_RELAXED_WARNING = "recovery audit fdatasync cadence is relaxed"
        + " (--recovery-audit-sync-every > 1). A power cut can lose up to N-1 records. The Class C-conforming value is"
        + " 1 (every record).";

    private final AuditConfig config;
    private final Diagnostics log;
    private final AuditRing ring;
    private final AuditWriter writer;
    private final Thread thread;
    private volatile boolean writerFailed;

    private RecoveryAuditLog(final AuditConfig config, final Diagnostics log, final AuditWriter writer)
    {
        this.config = config;
        this.log = log;
        this.writer = writer;
        this.ring = new AuditRing(config.ringCapacity(), log);
        this.thread = new Thread(this::runWriter, WRITER_THREAD);
        this.thread.setDaemon(true);
    }

    /**
     * Opens or creates the audit file, writes its {@code boot} record and starts the writer thread. Any thread.
     *
     * @param config path, rotation, sync cadence, budgets
     * @param log where startup warnings, I/O errors and ring watermarks go
     * @return the open log
     * @throws IOException a startup failure (exit 1) with a user-facing message: {@code <path>: must not be a
     *     symlink}, {@code <path>: must be a regular file}, {@code <path>: insecure permissions 644 (must be 0600 or
     *     stricter)}, {@code <path>: owned by uid 1000, expected uid 0}, {@code <path>: recovery audit file must have
     *     exactly one hard link}, {@code <path>: No such file or directory}, or {@code cannot write the recovery audit
     *     file: <path>: <strerror>}
     */
    public static RecoveryAuditLog open(final AuditConfig config, final Diagnostics log) throws IOException
    {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(log, "log");
        if (config.syncEvery() > 1)
        {
            log.warn(SYNC_RELAXED_WARNING);
        }
        final RecoveryAuditLog audit = new RecoveryAuditLog(config, log, AuditWriter.open(config, log));
        audit.thread.start();
        return audit;
    }

    /**
     * Records a spawned recovery child. Never blocks on I/O. Any thread (the observer thread).
     *
     * @param wallclockMs milliseconds since the epoch of the spawn
     * @param observerNs observer-clock nanoseconds of the spawn (the export file's clock)
     * @param agentPid the stalled agent's pid (unsigned)
     * @param childPid the recovery child's pid (unsigned)
     * @param program {@code argv[0]} as run (sanitised: tab, CR, LF become spaces)
     * @param source {@code inline} for {@code --recovery-exec}, or the {@code --recovery-exec-file} path (sanitised)
     * @param templateLen byte length of the full argv (unsigned)
     * @return true if queued, false if dropped (ring full or log closed; counted in {@link #dropped()})
     */
    public boolean spawn(final long wallclockMs, final long observerNs, final long agentPid, final long childPid,
        final String program, final String source, final long templateLen)
    {
        return offer(RecordKind.SPAWN, u(wallclockMs) + '\t' + u(observerNs) + '\t' + RecordKind.SPAWN.label() + '\t'
            + u(agentPid) + '\t' + u(childPid) + '\t' + AuditSchema.MODE_EXEC + '\t' + AuditSchema.sanitize(program)
            + '\t' + AuditSchema.sanitize(source) + '\t' + u(templateLen));
    }

    /**
     * Records how a recovery child ended. Never blocks on I/O. Any thread (the recovery thread).
     *
     * @param wallclockMs milliseconds since the epoch of the completion
     * @param observerNs observer-clock nanoseconds of the completion
     * @param agentPid the agent's pid (unsigned)
     * @param childPid the child's pid (unsigned)
     * @param outcome reaped, killed or reap_failed
     * @param exitCode the exit code when the child exited, else empty ({@code -})
     * @param signal the signal number when a signal ended the child, else empty ({@code -})
     * @param durationNs nanoseconds from spawn to completion (unsigned)
     * @param stdoutLen bytes captured from stdout (0 without capture; unsigned)
     * @param stderrLen bytes captured from stderr (unsigned)
     * @param truncated true when capture hit its byte cap
     * @return true if queued, false if dropped
     */
    public boolean complete(final long wallclockMs, final long observerNs, final long agentPid, final long childPid,
        final CompletionOutcome outcome, final OptionalInt exitCode, final OptionalInt signal, final long durationNs,
        final long stdoutLen, final long stderrLen, final boolean truncated)
    {
        return offer(RecordKind.COMPLETE, u(wallclockMs) + '\t' + u(observerNs) + '\t' + RecordKind.COMPLETE.label()
            + '\t' + u(agentPid) + '\t' + u(childPid) + '\t' + outcome.label() + '\t' + optional(exitCode) + '\t'
            + optional(signal) + '\t' + u(durationNs) + '\t' + u(stdoutLen) + '\t' + u(stderrLen) + '\t' + truncated);
    }

    /**
     * Records a refused (or skipped) recovery. Never blocks on I/O. Any thread (the observer thread).
     *
     * @param wallclockMs milliseconds since the epoch of the decision
     * @param observerNs observer-clock nanoseconds of the decision
     * @param agentPid the stalled agent's pid (unsigned)
     * @param reason why recovery was declined
     * @return true if queued, false if dropped
     */
    public boolean refused(final long wallclockMs, final long observerNs, final long agentPid,
        final RefusalReason reason)
    {
        return offer(RecordKind.REFUSED, u(wallclockMs) + '\t' + u(observerNs) + '\t' + RecordKind.REFUSED.label()
            + '\t' + u(agentPid) + '\t' + reason.label());
    }

    /** Recovery's decision listener: records the spawn. Recovery thread. */
    @Override
    public void onSpawn(final Spawn spawn)
    {
        spawn(spawn.wallMillis(), spawn.observerNanos(), spawn.agentPid(), spawn.childPid(), spawn.program(),
            spawn.source(), spawn.templateLength());
    }

    /** Recovery's decision listener: records the completion ({@code -1} exit code or signal: none). Recovery thread. */
    @Override
    public void onCompletion(final Completion completion)
    {
        complete(completion.wallMillis(), completion.observerNanos(), completion.agentPid(), completion.childPid(),
            completion.outcome(), completion.exitCode() < 0 ? OptionalInt.empty() : OptionalInt.of(completion.exitCode()),
            completion.signal() < 0 ? OptionalInt.empty() : OptionalInt.of(completion.signal()),
            completion.durationNanos(), completion.stdoutLength(), completion.stderrLength(), completion.truncated());
    }

    /** Recovery's decision listener: records the refusal. Recovery thread. */
    @Override
    public void onRefusal(final Refusal refusal)
    {
        refused(refusal.wallMillis(), refusal.observerNanos(), refusal.agentPid(), refusal.reason());
    }

    /**
     * Stops taking records, lets the writer write what the ring holds and declare trailing drops, fdatasyncs and
     * closes the file, waiting at most {@code timeoutMillis}. Idempotent. One thread (the daemon's main thread).
     *
     * @param timeoutMillis longest wait for the writer; 0 waits without a limit
     * @return true if the writer finished (the file is closed), false if it is still busy (a stuck disk)
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean close(final long timeoutMillis) throws InterruptedException
    {
        ring.stop();
        thread.join(timeoutMillis);
        return !thread.isAlive();
    }

    /**
     * {@link #close(long)} without a time limit, for try-with-resources; an interrupt is kept. One thread.
     */
    @Override
    public void close()
    {
        try
        {
            close(0);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the audit file. Any thread. */
    public PathBytes path()
    {
        return config.path();
    }

    /** @return records dropped because the ring was full or the log closed ({@code varta_recovery_audit_dropped_total}). Any thread. */
    public long dropped()
    {
        return ring.dropped();
    }

    /** @return rising edges through 75 % ring fill ({@code varta_audit_ring_watermark_total{level="warn"}}). Any thread. */
    public long ringWatermarkWarnings()
    {
        return ring.warnEdges();
    }

    /** @return rising edges through 95 % ring fill ({@code level="critical"}). Any thread. */
    public long ringWatermarkCriticals()
    {
        return ring.criticalEdges();
    }

    /** @return fdatasyncs slower than {@code --audit-fsync-budget-ms} ({@code varta_audit_fsync_budget_exceeded_total}). Any thread. */
    public long fsyncBudgetExceeded()
    {
        return writer.fsyncBudgetExceeded();
    }

    /** @return rotations slower than {@code --audit-rotation-budget-ms} ({@code varta_audit_rotation_budget_exceeded_total}). Any thread. */
    public long rotationBudgetExceeded()
    {
        return writer.rotationBudgetExceeded();
    }

    /** @return I/O failures (write, sync, truncate, rotation, close) since open ({@code varta_audit_io_errors_total}). Any thread. */
    public long ioErrors()
    {
        return writer.ioErrors();
    }

    /** @return records whose write failed and that were declared {@code write_failed} ({@code varta_audit_records_lost_total}). Any thread. */
    public long recordsLost()
    {
        return writer.recordsLost();
    }

    /** @return completed rotations since open. Any thread. */
    public long rotations()
    {
        return writer.rotations();
    }

    /** @return the last sequence number written or declared. Any thread. */
    public long lastSeq()
    {
        return writer.lastSeq();
    }

    /** @return the chain of the last record written (64 hex), {@code -} before the first. Any thread. */
    public String lastChainHex()
    {
        return writer.lastChainHex();
    }

    /** @return true once the writer thread stopped on an unexpected error (records are then dropped). Any thread. */
    public boolean writerFailed()
    {
        return writerFailed;
    }

    private boolean offer(final RecordKind kind, final String columns)
    {
        return ring.offer(kind, columns.getBytes(StandardCharsets.UTF_8));
    }

    private static String u(final long value)
    {
        return Long.toUnsignedString(value);
    }

    private static String optional(final OptionalInt value)
    {
        return value.isPresent() ? Integer.toString(value.getAsInt()) : AuditSchema.NONE;
    }

    /** The writer thread's loop: write what the ring holds, settle syncs when it is empty, sleep until more. */
    private void runWriter()
    {
        try
        {
            while (true)
            {
                final AuditRing.Entry entry = ring.poll();
                if (null != entry)
                {
                    writer.write(entry);
                    continue;
                }
                writer.idle();
                if (ring.drainedAfterStop())
                {
                    break;
                }
                ring.await(writer.nanosUntilSyncDue());
            }
        }
        catch (final RuntimeException | Error e)
        {
            writerFailed = true;
            ring.stop();
            log.error("recovery audit writer stopped: " + e);
        }
        finally
        {
            writer.close();
        }
    }
}
