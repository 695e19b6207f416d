package io.varta.watch.daemon;

import io.varta.watch.audit.AuditConfig;
import io.varta.watch.audit.RecoveryAuditLog;
import io.varta.watch.cli.ClockSource;
import io.varta.watch.cli.Options;
import io.varta.watch.event.EventFanOut;
import io.varta.watch.event.ObserverEvents;
import io.varta.watch.export.FileExportSink;
import io.varta.watch.export.FileExporter;
import io.varta.watch.files.PrivateFile;
import io.varta.watch.ingress.Listener;
import io.varta.watch.ingress.UdsListener;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.DiagnosticsSink;
import io.varta.watch.metrics.BearerToken;
import io.varta.watch.metrics.EndpointStats;
import io.varta.watch.metrics.IpRateLimiter;
import io.varta.watch.metrics.MetricsEndpoint;
import io.varta.watch.metrics.VartaMetrics;
import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.observer.Observer;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.tracker.ObserverClock;
import io.varta.watch.supervision.Supervision;
import io.varta.watch.recovery.ChildEnvironment;
import io.varta.watch.recovery.Recovery;
import io.varta.watch.recovery.RecoveryCommand;
import io.varta.watch.recovery.RecoveryConfig;
import io.varta.watch.recovery.RecoveryListener;
import io.varta.watch.recovery.RecoveryStats;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Assembles the observer process from validated {@link Options}, runs it until a shutdown request, and takes
 * it apart again. The order is the contract:
 * <ol>
 *   <li>secrets are read and checked (the {@code /metrics} token, the recovery command and its exec file, the
 *       secure-UDP key files, natively) before anything is bound;</li>
 *   <li>listeners are bound (the UDS socket, then the UDP listener of {@code --udp-port}, {@link UdpIngress});</li>
 *   <li>sinks are opened (the recovery audit log, which writes its {@code boot} record and starts its writer
 *       thread, then the export file; after the bind, so a failed bind leaves no fresh file behind), the recovery
 *       thread starts (its decisions go to the audit log), and the observer threads start, owning the listeners;</li>
 *   <li>the {@code /metrics} endpoint binds and prints its address on stdout;</li>
 *   <li>supervision starts ({@link Supervision}): {@code READY=1}, the hardware watchdog, the self-watchdog and
 *       heartbeat-file threads ({@code $NOTIFY_SOCKET} was opened at the very start, never fatally);</li>
 *   <li>wait for SIGINT/SIGTERM, {@code --shutdown-after-secs} or a fatal observer stop;</li>
 *   <li>stop in reverse: supervision threads and {@code STOPPING=1}, endpoint (no scrape wakes a closing
 *       receiver), observer within {@code --shutdown-grace-ms} (every datagram read is accounted for, sinks
 *       flushed, no further stall), recovery children killed and reaped within what is left of the same grace
 *       (their completions recorded), one summary line, then the audit log drained, fdatasynced and closed (waiting
 *       at most {@code --shutdown-grace-ms} for its writer), the export file closed, and last the hardware
 *       watchdog's magic close, only when the exit status is 0.</li>
 * </ol>
 *
 * <p>Threading: {@link #run} on the main thread only.
 */
final class Daemon
{
    /** How long a scrape waits for the observer thread's fresh per-pid snapshot before using the previous. */
    private static final long SNAPSHOT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Daemon()
    {
    }

    /**
     * Runs the observer to completion. Main thread.
     *
     * @param options validated options
     * @return the exit status: 0 clean, 1 startup or runtime failure
     */
    static int run(final Options options)
    {
        final Diagnostics log = Diagnostics.toStderr(options.logFormat());
        final ShutdownSignals signals = ShutdownSignals.install();
        final DurationHistogram auditFsyncs = new DurationHistogram();
        RecoveryAuditLog audit = null;
        final Supervision supervision = Supervision.prepare(options.supervision(), System.getenv(), log);
        FileExporter exporter = null;
        int status = 1;
        Recovery recovery = null;
        try
        {
            final BearerToken token = options.promTokenFile().isPresent()
                ? readToken(options.promTokenFile().get()) : null;
            final RecoveryConfig recoveryConfig = recoveryConfig(options, log).orElse(null);
            final TrackingConfig tracking = trackingConfig(options);
            final ObserverClock clock = Observer.clockFor(tracking); // observer time 0 precedes every arrival
            final UdpIngress udp = UdpIngress.prepare(options, log); // key files are secrets: read before any bind
            final UdsListener socket;
            try
            {
                socket = UdsListener.bind(options.socket(), options.socketMode(),
                    (int)Math.min(Integer.MAX_VALUE, options.udsRcvbufBytes()));
            }
            catch (final IOException | RuntimeException e)
            {
                udp.close();
                throw e;
            }
            final List<Listener> listeners = new ArrayList<>(List.of(socket));
            final Observer observer;
            try
            {
                udp.bind().ifPresent(listeners::add);
                final List<ObserverEvents> sinks = new ArrayList<>();
                if (options.recoveryAuditFile().isPresent())
                {
                    audit = RecoveryAuditLog.open(auditConfig(options, auditFsyncs), log);
                }
                if (options.exportFile().isPresent())
                {
                    exporter = FileExporter.open(options.exportFile().get(), options.exportFileMaxBytes(),
                        options.exportFileSyncEvery(), log);
                    sinks.add(new FileExportSink(exporter));
                }
                sinks.add(new DiagnosticsSink(log));
                if (null != recoveryConfig)
                {
                    recovery = Recovery.start(recoveryConfig, null == audit ? RecoveryListener.NONE : audit, log);
                    sinks.add(recovery.sink());
                }
                observer = Observer.start(tracking, clock, new EventFanOut(sinks), signals::request, listeners);
            }
            catch (final IOException | RuntimeException e)
            {
                // Observer.start closes them itself once it owns them; closing twice is harmless
                listeners.forEach(Listener::close);
                udp.close();
                if (null != recovery)
                {
                    recovery.stop(System.nanoTime()); // no child was started: no stall was ever seen
                }
                throw e;
            }
            final VartaMetrics.SinkStats sinkStats = VartaMetrics.SinkStats.NONE
                .withAudit(auditInputs(audit, auditFsyncs))
                .withExportFile(null == exporter ? VartaMetrics.ExportFileStats.NONE
                    : new VartaMetrics.ExportFileStats(exporter::writeErrors, exporter::linesLost, exporter::rotations))
                .withRecovery(null == recovery ? new RecoveryStats() : recovery.stats());
            status = runUntilShutdown(options, token, observer, recovery, socket, signals, log, supervision,
                sinkStats);
            return status;
        }
        catch (final IOException | IllegalArgumentException e)
        {
            log.error(e.getMessage());
            return 1;
        }
        catch (final UnsatisfiedLinkError e)
        {
            // the native library is missing or was built for another ring ABI (NativeLibrary says which)
            log.error(e.getMessage());
            return 1;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return 1;
        }
        finally
        {
            if (null != audit)
            {
                closeAudit(audit, options.shutdownGraceMs(), log);
            }
            if (null != exporter)
            {
                exporter.close();
            }
            supervision.close(0 == status);
        }
    }

    private static AuditConfig auditConfig(final Options options, final DurationHistogram fsyncs)
    {
        return AuditConfig.of(options.recoveryAuditFile().orElseThrow())
            .maxBytes(options.recoveryAuditMaxBytes().orElse(0))
            .syncEvery(options.recoveryAuditSyncEvery())
            .fsyncBudgetMillis(options.auditFsyncBudgetMs())
            .syncIntervalMillis(options.auditSyncIntervalMs())
            .rotationBudgetMillis(options.auditRotationBudgetMs())
            .fsyncObserver(fsyncs::observe);
    }

    private static VartaMetrics.AuditInputs auditInputs(final RecoveryAuditLog audit, final DurationHistogram fsyncs)
    {
        if (null == audit)
        {
            return VartaMetrics.AuditInputs.none();
        }
        return new VartaMetrics.AuditInputs(audit::dropped, audit::fsyncBudgetExceeded, audit::rotationBudgetExceeded,
            audit::ringWatermarkWarnings, audit::ringWatermarkCriticals, audit::ioErrors, audit::recordsLost, fsyncs);
    }

    /** Drains, syncs and closes the audit log after the observer stopped; a stuck disk is waited for only so long. */
    private static void closeAudit(final RecoveryAuditLog audit, final long graceMs, final Diagnostics log)
    {
        try
        {
            if (!audit.close(graceMs))
            {
                log.error("recovery audit: the writer did not finish within --shutdown-grace-ms " + graceMs
                    + "; records still queued may be lost");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static int runUntilShutdown(final Options options, final BearerToken token, final Observer observer,
        final Recovery recovery, final UdsListener socket, final ShutdownSignals signals, final Diagnostics log,
        final Supervision supervision, final VartaMetrics.SinkStats sinkStats) throws IOException, InterruptedException
    {
        MetricsEndpoint endpoint = null;
        final boolean closedInTime;
        try
        {
            if (null != token)
            {
                endpoint = startEndpoint(options, token, observer, socket, log, sinkStats);
            }
            supervision.start(observer.progress());
            final long limit = options.shutdownAfterSecs().isPresent()
                ? TimeUnit.SECONDS.toNanos(options.shutdownAfterSecs().getAsLong()) : Long.MAX_VALUE;
            signals.await(limit);
        }
        finally
        {
            supervision.stopping(); // before anything stops: a loop being stopped is not judged wedged
            if (null != endpoint)
            {
                endpoint.close(); // before the observer: no scrape wakes a closing receiver
            }
            final long graceDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.shutdownGraceMs());
            closedInTime = closeWithinGrace(observer, options.shutdownGraceMs(), log);
            if (null != recovery)
            {
                recovery.stop(graceDeadline); // after the observer: no stall can ask for a child any more
            }
        }
        if (!closedInTime)
        {
            return 1;
        }
        log.info(IngestSummary.line(observer.counters()));
        if (null != observer.fatalError())
        {
            log.error(observer.fatalError());
            return 1;
        }
        return 0;
    }

    private static BearerToken readToken(final PathBytes path) throws IOException
    {
        final byte[] content = PrivateFile.readSecret(path);
        try
        {
            return BearerToken.parseFile(path, content);
        }
        finally
        {
            Arrays.fill(content, (byte)0);
        }
    }

    /**
     * The recovery settings, with the reference's startup checks (exit 1): exec and exec file together, an empty
     * command, the exec file's private-file rules and an empty exec file.
     *
     * @return empty when no recovery command is configured
     */
    private static Optional<RecoveryConfig> recoveryConfig(final Options options, final Diagnostics log)
        throws IOException
    {
        final Optional<RecoveryCommand> command = RecoveryCommand.resolve(options.recoveryExecBytes(),
            options.recoveryExecFile());
        if (command.isEmpty())
        {
            return Optional.empty();
        }
        if (options.recoveryInheritEnv())
        {
            log.warn("--recovery-inherit-env: recovery children get the observer's whole environment, every secret"
                + " in it included");
        }
        return Optional.of(RecoveryConfig.builder(command.get(),
                ChildEnvironment.of(options.recoveryEnv(), options.recoveryInheritEnv(), System.getenv()))
            .debounceMillis(options.recoveryDebounceMs())
            .timeoutMillis(options.recoveryTimeoutMs())
            .capture(options.recoveryCaptureStdio(), options.recoveryCaptureBytes())
            .outstandingCapacity(options.trackerCapacity())
            .allowCrossNamespace(options.allowCrossNamespaceAgents())
            .build());
    }

    private static TrackingConfig trackingConfig(final Options options)
    {
        return TrackingConfig.builder(options.thresholdMs())
            .trackerCapacity(options.trackerCapacity())
            .evictionScanWindow(options.evictionScanWindow())
            .evictionPolicy(options.trackerEvictionPolicy())
            .rateLimits(options.maxBeatRate(), options.globalBeatRate(), options.globalBeatBurst())
            .boottimeClock(ClockSource.BOOTTIME == options.clockSource())
            .namespacePolicy(options.allowCrossNamespaceAgents(), options.strictNamespaceCheck())
            .iterationBudgetMillis(options.iterationBudgetMs())
            .build();
    }

    /**
     * Binds {@code /metrics}, then prints the bound {@code IP:PORT} as the only line ever written to stdout.
     */
    private static MetricsEndpoint startEndpoint(final Options options, final BearerToken token,
        final Observer observer, final UdsListener socket, final Diagnostics log,
        final VartaMetrics.SinkStats sinkStats) throws IOException
    {
        final InetSocketAddress requested = options.promAddr().orElseThrow();
        if (!requested.getAddress().isLoopbackAddress())
        {
            log.warn("--prom-addr " + format(requested) + " is not a loopback address: /metrics is reachable"
                + " from the network (bearer token required)");
        }
        final EndpointStats stats = new EndpointStats();
        final int pidSeriesMax = options.promPidSeriesMax();
        final VartaMetrics.Inputs inputs = new VartaMetrics.Inputs(
            observer.counters(),
            () -> observer.pidSnapshot(SNAPSHOT_WAIT_NANOS, pidSeriesMax),
            observer.iterationHistogram(),
            observer.ringCapacity(),
            observer::ringFullStalls,
            options.trackerCapacity(),
            options.evictionScanWindow(),
            socket.grantedRcvbufBytes(),
            UdsListener::bindDirFsyncFailures,
            log::suppressedTotal,
            System::nanoTime,
            System.nanoTime(),
            System::currentTimeMillis,
            pidSeriesMax);
        final IpRateLimiter limiter = new IpRateLimiter(options.promRateLimitPerSec(), options.promRateLimitBurst(),
            System::nanoTime);
        final MetricsEndpoint endpoint;
        try
        {
            endpoint = MetricsEndpoint.start(requested, token, limiter, inputs, sinkStats, stats,
                options.scrapeBudgetMs(), log);
        }
        catch (final IOException e)
        {
            throw new IOException("cannot bind --prom-addr " + format(requested) + ": " + e.getMessage(), e);
        }
        System.out.println(format(endpoint.boundAddress()));
        System.out.flush();
        return endpoint;
    }

    /** {@code IP:PORT}, IPv6 in brackets, as Rust prints a {@code SocketAddr}. Any thread. */
    static String format(final InetSocketAddress address)
    {
        final InetAddress ip = address.getAddress();
        final String host = ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }

    /** Closes the observer on a helper thread; false if it did not finish within the grace period. */
    private static boolean closeWithinGrace(final Observer observer, final long graceMs, final Diagnostics log)
        throws InterruptedException
    {
        final Thread closer = new Thread(observer::close, "varta-shutdown");
        closer.start();
        closer.join(graceMs);
        if (closer.isAlive())
        {
            log.error("shutdown did not finish within --shutdown-grace-ms " + graceMs + "; exiting without cleanup");
            return false;
        }
        return true;
    }
}
