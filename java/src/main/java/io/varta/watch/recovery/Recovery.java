package io.varta.watch.recovery;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.nativeio.ChildSet;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a recovery command for stalled agents: the {@link #sink()} joins the observer's event fan-out and decides
 * on the observer thread without ever waiting; one recovery thread ({@code varta-recovery}) spawns, times out,
 * kills and reaps every child (no thread per child) and reports each decision to a {@link RecoveryListener}.
 *
 * <pre>{@code
 * Recovery recovery = Recovery.start(config, RecoveryListener.NONE, log);
 * Observer observer = Observer.start(tracking, new EventFanOut(List.of(exportSink, recovery.sink())), ...);
 * ...
 * observer.close();                                  // no more stalls
 * recovery.stop(System.nanoTime() + graceNanos);     // SIGKILL every child, reap within the grace
 * }</pre>
 *
 * <p>Threading: {@link #start} and {@link #stop} from one controlling thread; {@link #sink()} is handed to the
 * observer (observer thread only); {@link #stats()} from any thread.
 */
public final class Recovery
{
    private final RecoverySink sink;
    private final RecoveryRunner runner;
    private final RecoveryStats stats;
    private final ChildSet children;
    private final Thread thread;
    private boolean stopped;

    private Recovery(final RecoverySink sink, final RecoveryRunner runner, final RecoveryStats stats,
        final ChildSet children)
    {
        this.sink = sink;
        this.runner = runner;
        this.stats = stats;
        this.children = children;
        this.thread = new Thread(runner, "varta-recovery");
        this.thread.setDaemon(true);
    }

    /**
     * Creates the child set and starts the recovery thread. Controlling thread.
     *
     * @param config what to run and the limits
     * @param listener receives every decision on the recovery thread (the audit log)
     * @param log where spawns, exits, kills and refusals are logged (from the recovery thread)
     * @return the running recovery
     * @throws IOException when the child set cannot be created
     */
    public static Recovery start(final RecoveryConfig config, final RecoveryListener listener, final Diagnostics log)
        throws IOException
    {
        final RecoveryStats stats = new RecoveryStats();
        final ChildSet children = ChildSet.create(config.outstandingCapacity(), config.captureBytes());
        final RecoveryHandoff handoff = new RecoveryHandoff(config.outstandingCapacity(), children::kick);
        final RecoverySink sink = new RecoverySink(config, handoff, stats);
        final RecoveryRunner runner = new RecoveryRunner(config, handoff, children, stats, listener, log,
            System::nanoTime, System::currentTimeMillis);
        final Recovery recovery = new Recovery(sink, runner, stats, children);
        recovery.thread.start();
        return recovery;
    }

    /** @return the observer-side sink to add to the event fan-out; observer thread only once handed over */
    public ObserverEvents sink()
    {
        return sink;
    }

    /** @return the published counters; any thread */
    public RecoveryStats stats()
    {
        return stats;
    }

    /**
     * Stops recovery: the recovery thread sends SIGKILL to every outstanding child and reaps them until
     * {@code deadlineNanos} ({@link System#nanoTime()} scale). Call after the observer stopped (no more stalls).
     * Controlling thread; idempotent.
     *
     * @return true when every child was reaped in time; false when some were left behind (still running or
     *     unreaped when the deadline passed)
     */
    public boolean stop(final long deadlineNanos)
    {
        if (stopped)
        {
            return 0 == runner.leftBehind() && !thread.isAlive();
        }
        stopped = true;
        runner.requestStop(deadlineNanos);
        boolean interrupted = false;
        while (thread.isAlive())
        {
            final long remaining = deadlineNanos - System.nanoTime() + JOIN_SLACK_NANOS;
            if (remaining <= 0)
            {
                break;
            }
            try
            {
                TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            return false; // the thread still uses the child set: leave it to process exit
        }
        children.close();
        return 0 == runner.leftBehind();
    }

    /** Past the stop deadline, how long to wait for the recovery thread to notice it and return. */
    private static final long JOIN_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
}
