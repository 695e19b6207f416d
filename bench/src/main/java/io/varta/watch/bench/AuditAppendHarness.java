package io.varta.watch.bench;

import io.varta.watch.audit.AuditConfig;
import io.varta.watch.audit.RecoveryAuditLog;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cost of one recovery audit record, on a real file system, with {@code --recovery-audit-sync-every} 1 and 64:
 * <ul>
 *   <li><b>append</b>: wall time per record written by the writer thread (format on the caller, hand-off, number,
 *       SHA-256 chain, one {@code write(2)}, the fdatasyncs amortised), records offered in bursts of 128 so the
 *       256-line ring never drops;</li>
 *   <li><b>caller</b>: what the observer thread pays per {@code spawn(...)} call (format + ring offer), p50 / p99 /
 *       max; it never waits for the disk;</li>
 *   <li><b>fsync</b>: count and mean duration of the writer's fdatasyncs.</li>
 * </ul>
 * <pre>
 * java -cp bench/target/benchmarks.jar io.varta.watch.bench.AuditAppendHarness [DIR [RECORDS]]
 * </pre>
 * DIR defaults to a new directory under {@code java.io.tmpdir} (use a directory on the disk the audit log will live
 * on: on tmpfs fdatasync costs nothing); RECORDS defaults to 5000 per cadence.
 */
public final class AuditAppendHarness
{
    private static final int BURST = 128;
    private static final int WARMUP = 2_000;

    private AuditAppendHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = args.length > 0 ? Files.createDirectories(Path.of(args[0]))
            : Files.createTempDirectory("audit-bench");
        final int records = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        System.out.println("dir " + dir + " (" + Files.getFileStore(dir).type() + "), " + records + " records per run");
        System.out.printf("%-10s %14s %12s %12s %12s %8s %14s %8s%n", "sync-every", "append us/rec", "caller p50",
            "caller p99", "caller max", "fsyncs", "fsync mean us", "dropped");
        for (final long syncEvery : new long[] {1, 64})
        {
            run(dir, syncEvery, records);
        }
    }

    private static void run(final Path dir, final long syncEvery, final int records) throws IOException,
        InterruptedException
    {
        final Path file = dir.resolve("audit-" + syncEvery + ".tsv");
        Files.deleteIfExists(file);
        final AtomicLong fsyncs = new AtomicLong();
        final AtomicLong fsyncNanos = new AtomicLong();
        final Diagnostics quiet = new Diagnostics(LogFormat.TEXT, new PrintStream(OutputStream.nullOutputStream()),
            () -> 0, System::nanoTime, 1_000_000_000L);
        final RecoveryAuditLog audit = RecoveryAuditLog.open(AuditConfig.of(file).syncEvery(syncEvery)
            .fsyncObserver(nanos ->
            {
                fsyncs.incrementAndGet();
                fsyncNanos.addAndGet(nanos);
            }), quiet);
        write(audit, WARMUP, null);
        final long fsyncsBefore = fsyncs.get();
        final long fsyncNanosBefore = fsyncNanos.get();
        final long[] caller = new long[records];
        final long start = System.nanoTime();
        write(audit, records, caller);
        final long elapsed = System.nanoTime() - start;
        audit.close(0);
        Arrays.sort(caller);
        final long n = fsyncs.get() - fsyncsBefore;
        System.out.printf("%-10d %14.1f %10.2fus %10.2fus %10.1fus %8d %14.1f %8d%n", syncEvery,
            elapsed / 1e3 / records, caller[records / 2] / 1e3, caller[(int)(records * 0.99)] / 1e3,
            caller[records - 1] / 1e3, n, n == 0 ? 0.0 : (fsyncNanos.get() - fsyncNanosBefore) / 1e3 / n,
            audit.dropped());
    }

    /** Offers {@code count} spawn records in bursts, waiting for the writer after each burst; times each call. */
    private static void write(final RecoveryAuditLog audit, final int count, final long[] callerNanos)
        throws InterruptedException
    {
        long target = audit.lastSeq();
        int done = 0;
        while (done < count)
        {
            final int burst = Math.min(BURST, count - done);
            for (int i = 0; i < burst; i++)
            {
                final long t0 = System.nanoTime();
                audit.spawn(1_700_000_000_000L + done, 1_000L * done, 4321, 4400 + done, "/usr/local/bin/restart-agent",
                    "inline", 38);
                if (null != callerNanos)
                {
                    callerNanos[done] = System.nanoTime() - t0;
                }
                done++;
            }
            target += burst;
            while (audit.lastSeq() < target)
            {
                Thread.onSpinWait();
            }
        }
    }
}
