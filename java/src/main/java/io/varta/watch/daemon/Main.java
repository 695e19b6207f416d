package io.varta.watch.daemon;

import io.varta.watch.cli.ClockSource;
import io.varta.watch.cli.CommandLine;
import io.varta.watch.cli.Options;
import io.varta.watch.cli.ParseOutcome;

import io.varta.watch.export.FileExportSink;
import io.varta.watch.export.FileExporter;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.DiagnosticsSink;
import io.varta.watch.event.EventFanOut;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.Observer;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.event.ObserverEvents;

import io.varta.watch.metrics.BearerToken;
import io.varta.watch.metrics.EndpointStats;
import io.varta.watch.metrics.IpRateLimiter;
import io.varta.watch.metrics.MetricsEndpoint;
import io.varta.watch.metrics.ScrapeCache;
import io.varta.watch.metrics.VartaMetrics;
import io.varta.watch.nativeio.SecretFile;
import io.varta.watch.ingress.UdsListener;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/varta-watch}: parse the command line, start the observer, wait for SIGINT/SIGTERM or
 * {@code --shutdown-after-secs}, shut down cleanly.
 *
 * <p>Exit codes: 0 clean shutdown or {@code --help}; 1 runtime failure (bind, export file, shutdown
 * grace exceeded); 2 usage error. Nothing but the bound metrics address is ever printed on stdout.
 *
 * <p>Threading: the main thread only.
 */
public final class Main
{
    /** How long a scrape waits for the observer thread's fresh per-pid snapshot before using the previous. */
    private static final long SNAPSHOT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Main()
    {
    }

    /** Entry point; exits the JVM with the status of {@link #run}. */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /** Runs the observer to completion and returns the exit status. Main thread. */
    static int run(final String[] args)
    {
        final ParseOutcome outcome = CommandLine.parseOrExit(args, System.out, System.err);
        if (outcome.shouldExit())
        {
            return outcome.exitCode();
        }
        final Options options = outcome.options();
        final Diagnostics log = Diagnostics.toStderr(options.logFormat());
        final ShutdownSignals signals = ShutdownSignals.install();

        FileExporter exporter = null;
        MetricsEndpoint endpoint = null;
        try
        {
            // Secret-file checks come before anything is bound (startup error, exit 1).
            final BearerToken token = options.promTokenFile().isPresent()
                ? readToken(options.promTokenFile().get()) : null;
            final List<ObserverEvents> sinks = new ArrayList<>();
            if (options.exportFile().isPresent())
            {
                exporter = FileExporter.open(options.exportFile().get(), options.exportFileMaxBytes(),
                    options.exportFileSyncEvery(), log);
                sinks.add(new FileExportSink(exporter));
            }
            sinks.add(new DiagnosticsSink(log));
            final ObserverEvents events = new EventFanOut(sinks);
            final TrackingConfig tracking = toConfig(options);
            final UdsListener socket = UdsListener.bind(options.socket(), options.socketMode(),
                (int)Math.min(Integer.MAX_VALUE, options.udsRcvbufBytes()));
            final Observer observer = Observer.start(tracking, events, signals::request, socket);
            final boolean closedInTime;
            try
            {
                if (null != token)
                {
                    endpoint = startEndpoint(options, token, observer, socket, log);
                }
                waitForShutdown(signals, options);
            }
            finally
            {
                if (null != endpoint)
                {
                    endpoint.close(); // before the observer: no scrape wakes a closing receiver
                }
                closedInTime = closeWithinGrace(observer, options.shutdownGraceMs(), log);
            }
            if (!closedInTime)
            {
                return 1;
            }
            logIngestSummary(observer.counters(), log);
            if (null != observer.fatalError())
            {
                log.error(observer.fatalError());
                return 1;
            }
            return 0;
        }
        catch (final IOException | IllegalArgumentException e)
        {
            log.error(e.getMessage());
            return 1;
        }
        catch (final UnsatisfiedLinkError e)
        {
            log.error(e.getMessage()); // e.g. a -Dvarta.native.library built for another ring ABI version
            return 1;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return 1;
        }
        finally
        {
            if (null != exporter)
            {
                exporter.close();
            }
        }
    }

    private static BearerToken readToken(final Path path) throws IOException
    {
        final byte[] content = SecretFile.read(path);
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
     * Binds {@code /metrics}, then prints the bound {@code IP:PORT} as the only line ever written to stdout.
     */
    private static MetricsEndpoint startEndpoint(final Options options, final BearerToken token,
        final Observer observer, final UdsListener socket, final Diagnostics log) throws IOException
    {
        final InetSocketAddress requested = options.promAddr().orElseThrow();
        if (!requested.getAddress().isLoopbackAddress())
        {
            log.warn("--prom-addr " + format(requested) + " is not a loopback address: /metrics is reachable"
                + " from the network (bearer token required)");
        }
        final EndpointStats stats = new EndpointStats();
        final VartaMetrics metrics = new VartaMetrics(new VartaMetrics.Inputs(
            observer.counters(),
            () -> observer.pidSnapshot(SNAPSHOT_WAIT_NANOS),
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
            System::currentTimeMillis), stats);
        final ScrapeCache cache = new ScrapeCache(metrics::render, System::nanoTime, ScrapeCache.WINDOW_NANOS);
        final IpRateLimiter limiter = new IpRateLimiter(options.promRateLimitPerSec(), options.promRateLimitBurst(),
            System::nanoTime);
        final MetricsEndpoint endpoint;
        try
        {
            endpoint = MetricsEndpoint.start(requested, token, limiter, cache, stats, options.scrapeBudgetMs(), log);
        }
        catch (final IOException e)
        {
            throw new IOException("cannot bind --prom-addr " + format(requested) + ": " + e.getMessage(), e);
        }
        System.out.println(format(endpoint.boundAddress()));
        System.out.flush();
        return endpoint;
    }

    /** {@code IP:PORT}, IPv6 in brackets, as Rust prints a {@code SocketAddr}. */
    static String format(final InetSocketAddress address)
    {
        final InetAddress ip = address.getAddress();
        final String host = ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }

    private static TrackingConfig toConfig(final Options options)
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

    private static void waitForShutdown(final ShutdownSignals signals, final Options options)
        throws InterruptedException
    {
        final long limit = options.shutdownAfterSecs().isPresent()
            ? TimeUnit.SECONDS.toNanos(options.shutdownAfterSecs().getAsLong())
            : Long.MAX_VALUE;
        signals.await(limit);
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

    /** One line on stderr: every datagram's outcome, so an operator sees where frames went. */
    private static void logIngestSummary(final IngestCounters counters, final Diagnostics log)
    {
        final StringBuilder line = new StringBuilder("ingest: datagrams=").append(counters.get(IngestCounter.DATAGRAMS))
            .append(" first_recv_ns=").append(counters.firstRecvNanos())
            .append(" last_recv_ns=").append(counters.lastRecvNanos())
            .append(" beats=").append(counters.get(IngestCounter.BEATS))
            .append(" stalls=").append(counters.get(IngestCounter.STALLS))
            .append(" accounted=").append(counters.outcomesTotal());
        for (final IngestCounter counter : IngestCounter.values())
        {
            if (counter.isDatagramOutcome() && IngestCounter.BEATS != counter && counters.get(counter) > 0)
            {
                line.append(' ').append(counter.name().toLowerCase(Locale.ROOT)).append('=')
                    .append(counters.get(counter));
            }
        }
        log.info(line.toString());
    }
}
