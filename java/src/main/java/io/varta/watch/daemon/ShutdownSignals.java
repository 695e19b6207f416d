package io.varta.watch.daemon;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT and SIGTERM as a shutdown request. The JVM's default for these runs shutdown hooks and exits
 * with 128+signal; the reference observer instead finishes its iteration, cleans up and exits 0, so the
 * handlers here only count down a latch that the main thread waits on. SIGHUP is left alone (it
 * terminates without cleanup, like the reference).
 *
 * <p>Threading: {@link #install()} once from main; {@link #await} from the main thread; the handlers
 * run on the JVM's signal dispatcher thread.
 */
final class ShutdownSignals
{
    private final CountDownLatch requested = new CountDownLatch(1);

    private ShutdownSignals()
    {
    }

    /** Installs the handlers for INT and TERM. */
    static ShutdownSignals install()
    {
        final ShutdownSignals signals = new ShutdownSignals();
        Signal.handle(new Signal("INT"), s -> signals.requested.countDown());
        Signal.handle(new Signal("TERM"), s -> signals.requested.countDown());
        return signals;
    }

    /** Any thread: requests shutdown as a signal would (used when the observer stops by itself). */
    void request()
    {
        requested.countDown();
    }

    /**
     * Waits for a signal or until {@code timeoutNanos} passed ({@code Long.MAX_VALUE}: no limit).
     *
     * @return true if a signal arrived
     */
    boolean await(final long timeoutNanos) throws InterruptedException
    {
        if (Long.MAX_VALUE == timeoutNanos)
        {
            requested.await();
            return true;
        }
        return requested.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }
}
