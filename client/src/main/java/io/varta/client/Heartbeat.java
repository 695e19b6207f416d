package io.varta.client;

import io.varta.vlp.Status;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Beats at a fixed rate on a daemon thread ({@code varta-heartbeat}) while a health check passes, so a service need not
 * call {@link VartaClient#beat} itself:
 *
 * <pre>{@code
 * Heartbeat heartbeat = Heartbeat.start(varta, Duration.ofMillis(100), () -> worker.madeProgressWithin(2, SECONDS));
 * }</pre>
 *
 * <p>Each period the thread asks the health check. When it answers {@code true} the thread sends one
 * {@link Status#OK} beat (payload 0). When it answers {@code false} or throws, the thread sends nothing for that
 * period: the beats stop, and after the observer's {@code --threshold-ms} the observer reports this process as stalled
 * (and may run its recovery command). A check that passes again resumes the beats, which clears the stall. A check
 * that hangs stops the beats too: that is the point. Missed periods (a slow check, a long pause) are skipped, not
 * caught up with a burst.
 *
 * <p>The check runs on the heartbeat thread; it must be cheap and thread-safe. {@link #close()} stops the thread
 * (the client stays open). Counters and the last outcome may be read from any thread.
 */
public final class Heartbeat implements AutoCloseable
{
    private final VartaClient client;
    private final long periodNanos;
    private final BooleanSupplier healthCheck;
    private final Thread thread;
    private final AtomicLong beats = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile BeatOutcome lastOutcome;
    private volatile boolean running = true;

    private Heartbeat(final VartaClient client, final Duration period, final BooleanSupplier healthCheck)
    {
        this.client = client;
        this.periodNanos = period.toNanos();
        this.healthCheck = healthCheck;
        this.thread = new Thread(this::run, "varta-heartbeat");
        this.thread.setDaemon(true);
    }

    /**
     * Starts beating through {@code client} every {@code period} while {@code healthCheck} passes; the first beat goes
     * out at once.
     *
     * @param period at least 1 ms; pick a few beats per observer threshold (e.g. 100 ms for {@code --threshold-ms 500})
     * @param healthCheck asked once per period on the heartbeat thread; {@code false} or an exception skips the beat
     */
    public static Heartbeat start(final VartaClient client, final Duration period, final BooleanSupplier healthCheck)
    {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(healthCheck, "healthCheck");
        if (period.compareTo(Duration.ofMillis(1)) < 0)
        {
            throw new IllegalArgumentException("heartbeat period " + period + " is below 1 ms");
        }
        final Heartbeat heartbeat = new Heartbeat(client, period, healthCheck);
        heartbeat.thread.start();
        return heartbeat;
    }

    private void run()
    {
        long next = System.nanoTime();
        while (running)
        {
            tick();
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait < 0)
            {
                next = System.nanoTime(); // skip what was missed
                wait = 0;
            }
            while (running && wait > 0)
            {
                LockSupport.parkNanos(this, wait);
                wait = next - System.nanoTime();
            }
        }
    }

    private void tick()
    {
        boolean healthy;
        try
        {
            healthy = healthCheck.getAsBoolean();
        }
        catch (final RuntimeException e)
        {
            healthy = false;
        }
        if (healthy && running)
        {
            lastOutcome = client.beat(Status.OK, 0);
            beats.incrementAndGet();
        }
        else
        {
            skipped.incrementAndGet();
        }
    }

    /** @return the beats handed to the client so far (whatever became of them) */
    public long beats()
    {
        return beats.get();
    }

    /** @return the periods skipped because the health check failed */
    public long skipped()
    {
        return skipped.get();
    }

    /** @return the outcome of the last beat, or null before the first */
    public BeatOutcome lastOutcome()
    {
        return lastOutcome;
    }

    /** @return true until {@link #close()} */
    public boolean isRunning()
    {
        return running && thread.isAlive();
    }

    /** Stops the thread (waits up to a second for it; from the heartbeat thread itself, does not wait). Idempotent. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
