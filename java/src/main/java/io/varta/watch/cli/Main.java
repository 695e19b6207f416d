package io.varta.watch.cli;

import io.varta.watch.export.FileExportSink;
import io.varta.watch.export.FileExporter;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.DiagnosticsSink;
import io.varta.watch.observer.EventFanOut;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.Observer;
import io.varta.watch.observer.ObserverConfig;
import io.varta.watch.observer.ObserverEvents;

import java.io.IOException;
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
        try
        {
            final List<ObserverEvents> sinks = new ArrayList<>();
            if (options.exportFile().isPresent())
            {
                exporter = FileExporter.open(options.exportFile().get(), options.exportFileMaxBytes(),
                    options.exportFileSyncEvery(), log);
                sinks.add(new FileExportSink(exporter));
            }
            sinks.add(new DiagnosticsSink(log));
            final ObserverEvents events = new EventFanOut(sinks);
            final Observer observer = Observer.start(toConfig(options), events, signals::request);
            try
            {
                waitForShutdown(signals, options);
            }
            finally
            {
                if (!closeWithinGrace(observer, options.shutdownGraceMs(), log))
                {
                    return 1;
                }
            }
            logIngestSummary(observer.counters(), log);
            if (null != observer.fatalError())
            {
                log.error(observer.fatalError());
                return 1;
            }
            return 0;
        }
        catch (final IOException e)
        {
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
            if (null != exporter)
            {
                exporter.close();
            }
        }
    }

    private static ObserverConfig toConfig(final Options options)
    {
        return ObserverConfig.builder(options.socket(), options.thresholdMs())
            .socketMode(options.socketMode())
            .udsRcvbufBytes((int)Math.min(Integer.MAX_VALUE, options.udsRcvbufBytes()))
            .trackerCapacity(options.trackerCapacity())
            .evictionScanWindow(options.evictionScanWindow())
            .evictionPolicy(options.trackerEvictionPolicy())
            .rateLimits(options.maxBeatRate(), options.globalBeatRate(), options.globalBeatBurst())
            .boottimeClock(ClockSource.BOOTTIME == options.clockSource())
            .namespacePolicy(options.allowCrossNamespaceAgents(), options.strictNamespaceCheck())
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
