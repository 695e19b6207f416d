package io.varta.watch.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.varta.watch.log.LogKind;
import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.recovery.RecoveryCounter;
import io.varta.watch.recovery.RecoveryOutcome;
import io.varta.watch.recovery.RecoveryStats;
import io.varta.watch.recovery.RefusalReason;
import io.varta.vlp.DecodeError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The {@code /metrics} families of the reference observer (its feature list §5.2) that this build
 * has the capability for, plus our {@code varta_ring_*} families (see {@code docs/METRICS.md}), as callback
 * metrics of the official Prometheus client over a private {@link PrometheusRegistry}, rendered by its
 * text-format writer (format 0.0.4). Nothing here is hand-formatted.
 *
 * <p>Every value is read from something the observer thread already published: opaque-read
 * {@link IngestCounters} (never torn), the {@link DurationHistogram}s, and a {@link PidSnapshot} the observer
 * thread copied on request. Rendering never touches tracker state and takes no lock the observer thread
 * uses.
 *
 * <p><b>Per-pid rows are capped</b> ({@code --prom-pid-series-max}): a body carries rows for at most that many
 * pids, chosen by the observer thread (stalled pids first, most recent stall first; see
 * {@code PidSnapshotPublisher}); {@code varta_prom_pid_series_omitted} counts the tracked pids left out, so a
 * partial view is never mistaken for a complete one. {@link PidRows#NONE} ({@code ?pids=0}) renders no per-pid
 * rows and asks the observer thread for nothing. A render also stops at a deadline
 * ({@link RenderDeadlineExceeded}) so that the endpoint can answer 503 while the client still listens.
 *
 * <p>Memory: the client library builds every data point of a family before the writer runs, so a render holds
 * all of its per-pid rows as model objects at once, plus the text; see docs/METRICS.md for the measured bytes
 * per rendered pid. The cap bounds both.
 *
 * <p>Threading: {@link #render()} from one thread at a time (the {@link ScrapeCache} serialises it); the
 * inputs are safe to read from any thread.
 */
public final class VartaMetrics
{
    /**
     * What the families read. All suppliers must be safe to call from a scrape thread.
     *
     * @param counters counters the observer thread publishes
     * @param pidSnapshot a fresh (or the latest) per-pid copy; called once per render
     * @param iterations loop iteration work times
     * @param ringCapacity ring size in records
     * @param ringFullStalls the native producer's full-ring count
     * @param trackerCapacity {@code --tracker-capacity}
     * @param evictionScanWindow {@code --eviction-scan-window}
     * @param udsRcvbufBytes SO_RCVBUF granted on the socket
     * @param bindDirFsyncFailures failed parent-directory fsyncs after bind
     * @param logSuppressed suppressed log lines per kind
     * @param monotonicNanos {@link System#nanoTime()} or a test clock
     * @param startNanos {@code monotonicNanos} at start (for the uptime)
     * @param wallMillis {@link System#currentTimeMillis()} or a test clock
     * @param pidSeriesMax {@code --prom-pid-series-max}: most pids with per-pid rows in one body
     */
    public record Inputs(
        IngestCounters counters,
        Supplier<PidSnapshot> pidSnapshot,
        DurationHistogram iterations,
        int ringCapacity,
        LongSupplier ringFullStalls,
        int trackerCapacity,
        int evictionScanWindow,
        long udsRcvbufBytes,
        LongSupplier bindDirFsyncFailures,
        ToLongFunction<LogKind> logSuppressed,
        LongSupplier monotonicNanos,
        long startNanos,
        LongSupplier wallMillis,
        int pidSeriesMax)
    {
        /** Checks the cap. */
        public Inputs
        {
            if (pidSeriesMax < 0 || pidSeriesMax > MAX_PID_SERIES_MAX)
            {
                throw new IllegalArgumentException("pidSeriesMax " + pidSeriesMax);
            }
        }

        /** Inputs without a cap below the largest tracker: every tracked pid gets its rows. */
        public Inputs(final IngestCounters counters, final Supplier<PidSnapshot> pidSnapshot,
            final DurationHistogram iterations, final int ringCapacity, final LongSupplier ringFullStalls,
            final int trackerCapacity, final int evictionScanWindow, final long udsRcvbufBytes,
            final LongSupplier bindDirFsyncFailures, final ToLongFunction<LogKind> logSuppressed,
            final LongSupplier monotonicNanos, final long startNanos, final LongSupplier wallMillis)
        {
            this(counters, pidSnapshot, iterations, ringCapacity, ringFullStalls, trackerCapacity, evictionScanWindow,
                udsRcvbufBytes, bindDirFsyncFailures, logSuppressed, monotonicNanos, startNanos, wallMillis,
                MAX_PID_SERIES_MAX);
        }
    }

    /**
     * Default {@code --prom-pid-series-max}. Above the reference's whole range (its tracker stops at 4096 pids, so
     * every reference-sized setup keeps a row per pid) and small enough that a render stays far inside the
     * response deadline on a busy 2-core host and holds tens, not hundreds, of MB (docs/METRICS.md).
     */
    public static final int DEFAULT_PID_SERIES_MAX = 16_384;
    /** Largest {@code --prom-pid-series-max}: the largest tracker, i.e. no cap. */
    public static final int MAX_PID_SERIES_MAX = TrackingConfig.MAX_TRACKER_CAPACITY;
    /** Per-pid rows between two deadline checks while the model is built. */
    private static final int ROWS_PER_DEADLINE_CHECK = 4096;
    /** Body bytes per rendered pid (three rows) when sizing the buffer; measured 116 with 7-digit pids. */
    private static final int BODY_BYTES_PER_PID = 120;
    /** Body bytes of everything but the per-pid rows, rounded up. */
    private static final int BODY_BYTES_FIXED = 16_384;

    /**
     * What the audit-log families read (the writer publishes them; all safe to call from a scrape thread). Without
     * {@code --recovery-audit-file} every family is still emitted, at 0 ({@link #none()}).
     *
     * @param dropped records dropped because the audit ring was full
     * @param fsyncBudgetExceeded fdatasyncs slower than {@code --audit-fsync-budget-ms}
     * @param rotationBudgetExceeded rotations slower than {@code --audit-rotation-budget-ms}
     * @param ringWatermarkWarn rising edges through 75 % ring fill
     * @param ringWatermarkCritical rising edges through 95 % ring fill
     * @param ioErrors audit-file I/O failures
     * @param recordsLost records whose write failed (declared {@code write_failed} in the file)
     * @param fsyncSeconds durations of the audit fdatasyncs (written by the audit writer thread only)
     */
    public record AuditInputs(
        LongSupplier dropped,
        LongSupplier fsyncBudgetExceeded,
        LongSupplier rotationBudgetExceeded,
        LongSupplier ringWatermarkWarn,
        LongSupplier ringWatermarkCritical,
        LongSupplier ioErrors,
        LongSupplier recordsLost,
        DurationHistogram fsyncSeconds)
    {
        /** @return inputs of a process without an audit log: every value 0. Any thread. */
        public static AuditInputs none()
        {
            return new AuditInputs(() -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0,
                new DurationHistogram());
        }
    }

    /**
     * The export file's own counters, read by a scrape (all safe from any thread).
     *
     * @param writeErrors write, sync and rotation failures
     * @param linesLost lines that did not reach the file
     * @param rotations completed rotations
     */
    public record ExportFileStats(LongSupplier writeErrors, LongSupplier linesLost, LongSupplier rotations)
    {
        /** No export file: every family reads 0. */
        public static final ExportFileStats NONE = new ExportFileStats(() -> 0, () -> 0, () -> 0);
    }

    /**
     * What the event sinks publish for their families, all safe to read from a scrape thread; a sink that is not
     * configured reads 0 ({@link #NONE}), so every family is emitted either way.
     *
     * @param exportFile the export file's counters
     * @param audit the audit log's counters
     * @param recovery recovery's published counters (all zero when recovery is not configured)
     */
    public record SinkStats(ExportFileStats exportFile, AuditInputs audit, RecoveryStats recovery)
    {
        /** No export file, no audit log, no recovery. */
        public static final SinkStats NONE = new SinkStats(ExportFileStats.NONE, AuditInputs.none(), new RecoveryStats());

        /** @param stats the export file's counters @return these stats with them */
        public SinkStats withExportFile(final ExportFileStats stats)
        {
            return new SinkStats(stats, audit, recovery);
        }

        /** @param inputs the audit log's counters @return these stats with them */
        public SinkStats withAudit(final AuditInputs inputs)
        {
            return new SinkStats(exportFile, inputs, recovery);
        }

        /** @param stats recovery's published counters @return these stats with them */
        public SinkStats withRecovery(final RecoveryStats stats)
        {
            return new SinkStats(exportFile, audit, stats);
        }
    }

    private final Inputs in;
    private final AuditInputs audit;
    private final EndpointStats endpoint;
    private final ExportFileStats exportFile;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    /** The snapshot of the render in progress (render is single-threaded). */
    private PidSnapshot pids = PidSnapshot.EMPTY;
    /** Rows of {@link #pids} this body renders: at most the cap. */
    private int renderedRows;
    /** Deadline of the render in progress ({@link DeadlineBuffer#NONE} for none). */
    private long deadlineNanos = DeadlineBuffer.NONE;
    /** Rows of {@link #pids} in the order the library sorts label values (string order of the pid). */
    private int[] order = new int[0];
    /** {@code pid} label value per row of {@link #pids}. */
    private String[] pidLabels = new String[0];

    /**
     * Without recovery: its families are rendered at 0.
     *
     * @param in what the families read
     * @param endpoint the HTTP side's own counters
     */
    public VartaMetrics(final Inputs in, final EndpointStats endpoint)
    {
        this(in, endpoint, SinkStats.NONE);
    }

    /**
     * @param in what the families read
     * @param endpoint the HTTP side's own counters
     * @param sinks the event sinks' published counters (export file, audit log, recovery; {@link SinkStats#NONE}
     *     without)
     */
    public VartaMetrics(final Inputs in, final EndpointStats endpoint, final SinkStats sinks)
    {
        this.in = in;
        this.audit = sinks.audit();
        this.endpoint = endpoint;
        this.exportFile = sinks.exportFile();
        registerPerPid();
        registerTrackerAndFrame();
        registerRecovery(sinks.recovery());
        registerLoggingAndTransport();
        registerLoop();
        registerEndpointAndSelf();
        registerRing();
        registerAudit();
        registerExportFile();
        registerUdpTransport();
    }

    /**
     * Renders every family to text format 0.0.4, per-pid rows up to the cap, without a deadline. One thread at a
     * time.
     *
     * @return the body
     */
    public byte[] render()
    {
        return render(PidRows.UP_TO_CAP, DeadlineBuffer.NONE);
    }

    /**
     * Renders every family to text format 0.0.4. One thread at a time.
     *
     * @param rows which per-pid rows to include
     * @param deadline when to give up, on the {@code monotonicNanos} clock of the inputs ({@link Long#MAX_VALUE}
     *        for never)
     * @return the body
     * @throws RenderDeadlineExceeded when the deadline passes before the body is complete
     */
    public byte[] render(final PidRows rows, final long deadline)
    {
        deadlineNanos = deadline;
        try
        {
            pids = PidRows.NONE == rows || 0 == in.pidSeriesMax() // no rows: nothing to ask the observer thread
                ? new PidSnapshot(new long[0], new long[0], new long[0], new byte[0], 0,
                    (int)Math.min(Integer.MAX_VALUE, get(IngestCounter.PIDS_TRACKED)), 0)
                : in.pidSnapshot().get();
            renderedRows = Math.min(pids.count(), in.pidSeriesMax());
            DeadlineBuffer.check(in.monotonicNanos(), deadline, "waiting for the per-pid snapshot");
            prepareRows();
            final DeadlineBuffer out = new DeadlineBuffer(BODY_BYTES_FIXED + BODY_BYTES_PER_PID * renderedRows,
                in.monotonicNanos(), deadline);
            writer.write(out, registry.scrape());
            return out.toByteArray();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        finally
        {
            pids = PidSnapshot.EMPTY;
            renderedRows = 0;
            deadlineNanos = DeadlineBuffer.NONE;
            order = new int[0];
            pidLabels = new String[0];
        }
    }

    /** Rendering thread, inside the per-pid callbacks: gives up once the deadline has passed. */
    private void checkDeadline(final int rowsDone)
    {
        if (0 == rowsDone % ROWS_PER_DEADLINE_CHECK)
        {
            DeadlineBuffer.check(in.monotonicNanos(), deadlineNanos,
                "building per-pid rows (" + renderedRows + " pids)");
        }
    }

    /**
     * The client library sorts every family's rows by label values as strings and then checks neighbours for
     * duplicates. Handing it the rows already in that order makes its sort a single linear pass (TimSort
     * finds one run): at 100k pids this cuts the render time to a third. The string order of decimal numbers is the
     * numeric order of the digits left-aligned to 10 places, shorter first on a tie ("1" &lt; "10" &lt; "2"),
     * so one primitive sort of packed keys does it.
     */
    private void prepareRows()
    {
        final int n = renderedRows;
        final long[] keys = new long[n];
        pidLabels = new String[n];
        for (int row = 0; row < n; row++)
        {
            final long pid = pids.pid(row);
            final int digits = digits(pid);
            final long leftAligned = pid * POW10[10 - digits];
            keys[row] = (leftAligned << 4 | digits) << ROW_BITS | row; // < 10^10 * 2^4 * 2^22 < 2^63
            pidLabels[row] = Long.toString(pid);
        }
        if (n > 1 << ROW_BITS)
        {
            order = new int[n]; // too many rows to pack: leave the order to the library
            for (int row = 0; row < n; row++)
            {
                order[row] = row;
            }
            return;
        }
        java.util.Arrays.sort(keys);
        order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = (int)(keys[i] & ((1 << ROW_BITS) - 1));
        }
    }

    /** Rows packed into a sort key: 2^22 = the largest tracker capacity. */
    private static final int ROW_BITS = 22;
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L};

    private static int digits(final long value)
    {
        int d = 1;
        while (d < 10 && value >= POW10[d])
        {
            d++;
        }
        return d;
    }

    /** @return {@code text/plain; version=0.0.4; charset=utf-8} */
    public static String contentType()
    {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    private long get(final IngestCounter counter)
    {
        return in.counters().get(counter);
    }

    private void registerPerPid()
    {
        registry.register(CounterWithCallback.builder().name("varta_beats_total")
            .help("Accepted beats per pid.").labelNames("pid")
            .callback(cb ->
            {
                for (int i = 0; i < order.length; i++)
                {
                    checkDeadline(i);
                    final int row = order[i];
                    cb.call(pids.beats(row), pidLabels[row]);
                }
            }).build());
        registry.register(CounterWithCallback.builder().name("varta_stalls_total")
            .help("Stalls raised per pid.").labelNames("pid")
            .callback(cb ->
            {
                for (int i = 0; i < order.length; i++)
                {
                    checkDeadline(i);
                    final int row = order[i];
                    cb.call(pids.stalls(row), pidLabels[row]);
                }
            }).build());
        registry.register(GaugeWithCallback.builder().name("varta_status")
            .help("Last status per pid: 0 ok, 1 degraded, 2 critical, 3 stalled.").labelNames("pid")
            .callback(cb ->
            {
                for (int i = 0; i < order.length; i++)
                {
                    checkDeadline(i);
                    final int row = order[i];
                    cb.call(pids.status(row), pidLabels[row]);
                }
            }).build());
    }

    private void registerTrackerAndFrame()
    {
        counter("varta_tracker_evicted_total", "Tracker slots reclaimed to make room for a new pid.",
            () -> get(IngestCounter.EVICTIONS));
        counter("varta_frame_auth_failures_total",
            "Frames whose pid differs from the kernel-verified sender pid (pid spoofing).",
            () -> get(IngestCounter.AUTH_FAILURES));
        registry.register(CounterWithCallback.builder().name("varta_decode_errors_total")
            .help("Datagrams that failed frame decoding, by kind.").labelNames("kind")
            .callback(cb ->
            {
                for (final DecodeError error : DecodeError.values())
                {
                    cb.call(get(IngestCounter.ofDecodeError(error.code())), error.metricLabel());
                }
            }).build());
        counter("varta_io_errors_total",
            "Receive errors, datagrams without peer credentials and datagrams from another uid.",
            () -> get(IngestCounter.IO_ERRORS) + get(IngestCounter.NO_CREDENTIALS) + get(IngestCounter.UID_MISMATCH));
        counter("varta_ctrl_truncated_total", "Datagrams whose control data was truncated (MSG_CTRUNC).",
            () -> get(IngestCounter.CONTROL_TRUNCATED));
        counter("varta_tracker_capacity_exceeded_total", "Beats dropped because the tracker was full.",
            () -> get(IngestCounter.CAPACITY_REFUSED));
        counter("varta_tracker_eviction_scan_truncated_total", "Eviction scans that found no victim in the window.",
            () -> get(IngestCounter.EVICTION_SCAN_TRUNCATED));
        gauge("varta_tracker_capacity", "Configured tracker capacity (--tracker-capacity).",
            () -> in.trackerCapacity());
        gauge("varta_tracker_eviction_scan_window_max", "Configured eviction scan window (--eviction-scan-window).",
            () -> in.evictionScanWindow());
    }

    /** The reference's recovery families (§5.2) that apply to this design, then ours. */
    private void registerRecovery(final RecoveryStats recovery)
    {
        registry.register(CounterWithCallback.builder().name("varta_recovery_outcomes_total")
            .help("Recovery outcomes: one per stall that reached recovery, one per ended child.").labelNames("outcome")
            .callback(cb ->
            {
                for (final RecoveryOutcome outcome : RecoveryOutcome.values())
                {
                    cb.call(recovery.get(outcome), outcome.label());
                }
            }).build());
        final RefusalReason[] refusals = {RefusalReason.UNAUTHENTICATED_TRANSPORT, RefusalReason.CROSS_NAMESPACE_AGENT,
            RefusalReason.DEBOUNCE_CAPACITY, RefusalReason.OUTSTANDING_CAPACITY, RefusalReason.SOCKET_MODE_ONLY};
        registry.register(CounterWithCallback.builder().name("varta_recovery_refused_total")
            .help("Stalls refused recovery, by reason.").labelNames("reason")
            .callback(cb ->
            {
                for (final RefusalReason reason : refusals)
                {
                    cb.call(recovery.get(reason.outcome()), reason.label());
                }
            }).build());
        untyped("varta_recovery_duration_ns_sum", "Sum of recovery child run times (spawn to reap), ns; a counter.",
            () -> recovery.get(RecoveryCounter.DURATION_NANOS_SUM));
        counter("varta_recovery_duration_count_total", "Recovery children in varta_recovery_duration_ns_sum.",
            () -> recovery.get(RecoveryCounter.DURATION_COUNT));
        counter("varta_recovery_last_fired_evictions_total",
            "Debounce-ledger entries evicted (outside their window) to make room for a new pid.",
            () -> recovery.get(RecoveryCounter.LAST_FIRED_EVICTIONS));
        counter("varta_recovery_debounce_recycle_resets_total",
            "Stalls not debounced because the pid's last recovery was for another process (recycled pid).",
            () -> recovery.get(RecoveryCounter.DEBOUNCE_RECYCLE_RESETS));
        counter("varta_recovery_outstanding_recycle_resets_total",
            "Recovery children killed because their pid now belongs to another process that stalled.",
            () -> recovery.get(RecoveryCounter.OUTSTANDING_RECYCLE_RESETS));
        counter("varta_recovery_spawn_budget_exceeded_total",
            "Observer loop iterations that held stalls over to the next (16 spawns or 256 evaluations spent).",
            () -> recovery.get(RecoveryCounter.SPAWN_BUDGET_EXCEEDED));
        counter("varta_recovery_invariant_violations_total", "Internal recovery fall-throughs; should stay 0.",
            recovery::invariantViolations);
        gauge("varta_recovery_children_outstanding", "Recovery children spawned and not reaped yet.",
            () -> recovery.get(RecoveryCounter.CHILDREN_OUTSTANDING));
        registry.register(CounterWithCallback.builder().name("varta_recovery_captured_bytes_total")
            .help("Recovery child output counted with --recovery-capture-stdio (lengths only), by stream.")
            .labelNames("stream")
            .callback(cb ->
            {
                cb.call(recovery.get(RecoveryCounter.CAPTURED_STDOUT_BYTES), "stdout");
                cb.call(recovery.get(RecoveryCounter.CAPTURED_STDERR_BYTES), "stderr");
            }).build());
        counter("varta_recovery_capture_truncated_total",
            "Recovery children whose output exceeded --recovery-capture-bytes.",
            () -> recovery.get(RecoveryCounter.CAPTURE_TRUNCATED));
        counter("varta_recovery_refusals_not_logged_total",
            "Recovery refusals counted but not logged (the hand-over to the recovery thread was full).",
            () -> recovery.get(RecoveryCounter.REFUSALS_NOT_LOGGED));
    }

    private void registerLoggingAndTransport()
    {
        registry.register(CounterWithCallback.builder().name("varta_log_suppressed_total")
            .help("Diagnostic lines suppressed by the log rate limiter, by kind.").labelNames("kind")
            .callback(cb ->
            {
                for (final LogKind kind : LogKind.values())
                {
                    cb.call(in.logSuppressed().applyAsLong(kind), kind.label());
                }
            }).build());
        counter("varta_frame_namespace_mismatch_total", "Frames dropped because the sender is in another pid namespace.",
            () -> get(IngestCounter.NAMESPACE_MISMATCH));
        counter("varta_origin_conflict_total", "Frames dropped because their pid is tracked from a stronger trust origin.",
            () -> get(IngestCounter.ORIGIN_CONFLICT));
        counter("varta_tracker_pid_recycle_total", "Tracked pids found reused by a new process (slot reset or retired).",
            () -> get(IngestCounter.PID_RECYCLES));
        counter("varta_truncated_datagrams_total", "Datagrams of the wrong size.",
            () -> get(IngestCounter.WRONG_LENGTH));
        registry.register(CounterWithCallback.builder().name("varta_rate_limited_total")
            .help("Frames dropped by a rate limit, by reason (per_pid, global, sender_rejects).").labelNames("reason")
            .callback(cb ->
            {
                cb.call(get(IngestCounter.RATE_LIMITED_PER_PID), "per_pid");
                cb.call(get(IngestCounter.RATE_LIMITED_GLOBAL), "global");
                cb.call(get(IngestCounter.RATE_LIMITED_SENDER), "sender_rejects");
            }).build());
        gauge("varta_observer_uds_rcvbuf_bytes", "SO_RCVBUF granted on the observer socket.",
            () -> in.udsRcvbufBytes());
        counter("varta_socket_bind_dir_fsync_failed_total", "Failed fsyncs of the socket's parent directory after bind.",
            () -> in.bindDirFsyncFailures().getAsLong());
    }

    private void registerLoop()
    {
        counter("varta_stalls_found_late_total",
            "Stalls found only when the silent pid's next beat was handled: the observer lagged past the deadline.",
            () -> get(IngestCounter.STALLS_FOUND_LATE));
        counter("varta_observer_clock_regression_total", "Backward steps of the observer clock that were absorbed.",
            () -> get(IngestCounter.CLOCK_REGRESSIONS));
        counter("varta_observer_clock_jump_forward_total", "Forward jumps of the observer clock larger than 5 s.",
            () -> get(IngestCounter.CLOCK_FORWARD_JUMPS));
        counter("varta_scrape_skipped_total", "Scrapes answered from the body cached within the last second.",
            endpoint::scrapeSkipped);
        histogram("varta_observer_iteration_seconds",
            "Work time per observer loop iteration, excluding the idle sleep.", in.iterations());
        counter("varta_observer_iteration_budget_exceeded_total",
            "Observer loop iterations longer than --iteration-budget-ms.",
            () -> get(IngestCounter.ITERATION_BUDGET_EXCEEDED));
        histogram("varta_observer_serve_pending_seconds",
            "Time spent serving one /metrics request (on the HTTP thread, not the observer thread).",
            endpoint.serveTimes());
        counter("varta_observer_scrape_budget_exceeded_total", "Served /metrics requests longer than --scrape-budget-ms.",
            endpoint::scrapeBudgetExceeded);
    }

    private void registerEndpointAndSelf()
    {
        counter("varta_prom_auth_failures_total", "/metrics requests refused for a missing or wrong bearer token.",
            endpoint::authFailures);
        registry.register(CounterWithCallback.builder().name("varta_prom_connections_dropped_total")
            .help("/metrics connections closed without serving, by reason (drain, rate_limit, ip_table_full).")
            .labelNames("reason")
            .callback(cb ->
            {
                for (final EndpointStats.DropReason reason : EndpointStats.DropReason.values())
                {
                    cb.call(endpoint.dropped(reason), reason.label());
                }
            }).build());
        counter("varta_nonce_wrap_total", "Accepted nonces that wrapped around.", () -> get(IngestCounter.NONCE_WRAPS));
        gauge("varta_watch_uptime_seconds", "Seconds since the observer started.",
            () -> (in.monotonicNanos().getAsLong() - in.startNanos()) / 1e9);
        gauge("varta_watch_last_poll_loop_timestamp_seconds", "Unix time of the latest observer loop iteration.",
            this::lastLoopUnixSeconds);
        gauge("varta_watch_pids_tracked",
            "Pids the tracker holds: per-pid rows in this exposition plus varta_prom_pid_series_omitted.",
            () -> pids.tracked());
        gauge("varta_prom_pid_series_omitted",
            "Tracked pids without per-pid rows in this exposition (over --prom-pid-series-max, or ?pids=0).",
            () -> pids.tracked() - renderedRows);
        gauge("varta_prom_pid_series_max", "Configured cap on pids with per-pid rows (--prom-pid-series-max).",
            () -> in.pidSeriesMax());
        counter("varta_prom_render_deadline_exceeded_total",
            "/metrics requests answered 503 because no body was ready before the render deadline.",
            endpoint::renderDeadlineExceeded);
    }

    private void registerRing()
    {
        gauge("varta_ring_capacity_records", "Capacity of the receiver-to-observer ring, in records.",
            () -> in.ringCapacity());
        gauge("varta_ring_occupancy_high_water_records",
            "Most records the observer thread found waiting in the ring at the start of a drain.",
            () -> get(IngestCounter.RING_OCCUPANCY_HIGH_WATER));
        counter("varta_receiver_datagrams_read_total",
            "Datagrams the native receiver read from its sockets (its own count; equals the handled and accounted"
                + " counts at rest).", () -> get(IngestCounter.DATAGRAMS_READ));
        counter("varta_observer_datagrams_total", "Datagrams the observer thread handled (one ring record each).",
            () -> get(IngestCounter.DATAGRAMS));
        counter("varta_observer_datagrams_accounted_total",
            "Datagrams that ended in exactly one outcome counter (beat, rejection of a kind, rate limit, ...).",
            () -> in.counters().outcomesTotal());
        counter("varta_ring_full_stalls_total",
            "Times the native receiver found the ring full and paused reading its socket (the kernel queue holds"
                + " the datagrams meanwhile).", in.ringFullStalls());
    }

    private void registerAudit()
    {
        counter("varta_recovery_audit_dropped_total",
            "Audit records dropped because the audit ring was full (the file declares their seq as a gap).",
            audit.dropped());
        counter("varta_recovery_audit_flush_budget_exceeded_total",
            "Always 0 here: audit lines are written by the audit writer thread, never within an observer-loop budget.",
            () -> 0);
        histogram("varta_audit_fsync_seconds", "Duration of each audit-log fdatasync (on the audit writer thread).",
            audit.fsyncSeconds());
        counter("varta_audit_fsync_budget_exceeded_total", "Audit fdatasyncs slower than --audit-fsync-budget-ms.",
            audit.fsyncBudgetExceeded());
        counter("varta_audit_rotation_budget_exceeded_total", "Audit-log rotations slower than --audit-rotation-budget-ms.",
            audit.rotationBudgetExceeded());
        registry.register(CounterWithCallback.builder().name("varta_audit_ring_watermark_total")
            .help("Rising edges of the audit ring's fill through 75 % (warn) and 95 % (critical).").labelNames("level")
            .callback(cb ->
            {
                cb.call(audit.ringWatermarkWarn().getAsLong(), "warn");
                cb.call(audit.ringWatermarkCritical().getAsLong(), "critical");
            }).build());
        counter("varta_audit_io_errors_total", "Audit-log I/O failures (write, sync, truncate, rotation, close).",
            audit.ioErrors());
        counter("varta_audit_records_lost_total",
            "Audit records whose write failed (cut back out of the file; declared write_failed).", audit.recordsLost());
    }

    private void registerExportFile()
    {
        counter("varta_export_file_write_errors_total",
            "Export-file write, sync and rotation failures (each also logged rate-limited as file export error).",
            exportFile.writeErrors());
        counter("varta_export_file_lines_lost_total", "Export lines that did not reach the file because a write failed.",
            exportFile.linesLost());
        counter("varta_export_file_rotations_total", "Completed export-file rotations (--export-file-max-bytes).",
            exportFile.rotations());
    }

    /** The UDP transport families of the reference (the reference's feature list §5.2); 0 without a UDP listener. */
    private void registerUdpTransport()
    {
        counter("varta_frame_decrypt_failures_total",
            "Secure-UDP datagrams no key authenticated (a master-key datagram whose opened pid is not its clear pid"
                + " included): dropped without an event.", () -> get(IngestCounter.DECRYPT_FAILED));
        counter("varta_secure_replay_refused_total",
            "Authenticated secure-UDP datagrams refused by the replay rules (counter or nonce not newer).",
            () -> get(IngestCounter.REPLAY_REFUSED));
        counter("varta_sender_state_full_total",
            "Authenticated secure-UDP datagrams from a new sender refused because the 1024-sender replay table was"
                + " full (fail closed).", () -> get(IngestCounter.SENDER_TABLE_FULL));
        counter("varta_secure_aead_attempts_total",
            "AEAD trials on secure-UDP datagrams: every key (and the master derivation for 64-byte datagrams) on"
                + " every datagram.", () -> get(IngestCounter.AEAD_ATTEMPTS));
        counter("varta_frame_rejected_pid_above_max_total",
            "Frames without kernel pid verification (UDP) claiming a pid above pid_max: dropped without an event.",
            () -> get(IngestCounter.PID_ABOVE_MAX));
        gauge("varta_pid_max_current", "The kernel's pid_max as last read (re-read every 60 s).",
            () -> get(IngestCounter.PID_MAX));
    }

    private double lastLoopUnixSeconds()
    {
        final long last = get(IngestCounter.LAST_ITERATION_NANOS);
        if (0 == last)
        {
            return 0;
        }
        final long ageNanos = in.monotonicNanos().getAsLong() - last;
        return (in.wallMillis().getAsLong() - ageNanos / 1_000_000L) / 1e3;
    }

    private void counter(final String name, final String help, final LongSupplier value)
    {
        registry.register(CounterWithCallback.builder().name(name).help(help)
            .callback(cb -> cb.call(value.getAsLong())).build());
    }

    /**
     * A family rendered without a type: for the reference's {@code varta_recovery_duration_ns_sum}, a counter whose
     * name ends in {@code _sum}, which the client library would render as {@code ..._sum_total} as a counter.
     */
    private void untyped(final String name, final String help, final LongSupplier value)
    {
        registry.register((Collector)() -> new UnknownSnapshot(new MetricMetadata(name, help),
            java.util.List.of(UnknownSnapshot.UnknownDataPointSnapshot.builder().value(value.getAsLong()).build())));
    }

    private void gauge(final String name, final String help, final java.util.function.DoubleSupplier value)
    {
        registry.register(GaugeWithCallback.builder().name(name).help(help)
            .callback(cb -> cb.call(value.getAsDouble())).build());
    }

    private void histogram(final String name, final String help, final DurationHistogram histogram)
    {
        registry.register((Collector)() -> HistogramSnapshot.builder().name(name).help(help)
            .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(DurationHistogram.UPPER_BOUNDS_SECONDS,
                    histogram.bucketCounts()))
                .sum(histogram.sumNanos() / 1e9)
                .build())
            .build());
    }
}
