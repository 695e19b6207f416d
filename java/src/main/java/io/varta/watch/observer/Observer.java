package io.varta.watch.observer;

import io.varta.watch.event.ObserverEvents;

import io.varta.watch.nativeio.NativeClock;
import io.varta.watch.ingress.Receiver;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.ingress.Listener;
import io.varta.watch.tracker.ObserverClock;

import java.io.IOException;
import java.util.List;

/**
 * A running heartbeat observer: the bound listeners it was given, the native receiver thread that decodes
 * their datagrams into an off-heap ring, and the observer thread that drains it and reports to
 * {@link ObserverEvents}.
 *
 * <pre>{@code
 * UdsListener socket = UdsListener.bind(Path.of("/run/varta.sock"), UdsListener.DEFAULT_SOCKET_MODE, 0);
 * try (Observer observer = Observer.start(TrackingConfig.builder(500).build(), events, () -> {}, socket)) {
 *     ... // agents beat; events arrive on the observer thread
 * } // close(): stops both threads, accounts for every received datagram, closes the listeners
 * }</pre>
 *
 * <p>Threading: {@link #start} and {@link #close} from one controlling thread (e.g. main);
 * {@link #counters()} from any thread.
 */
public final class Observer implements AutoCloseable
{
    private final List<? extends Listener> listeners;
    private final Receiver receiver;
    private final ObserverLoop loop;
    private final Thread observerThread;
    private final IngestCounters counters;
    private final Ring ring;
    private boolean closed;
    private volatile String crash;

    private Observer(final List<? extends Listener> listeners, final Receiver receiver, final ObserverLoop loop,
        final IngestCounters counters, final Runnable onSelfStop, final Ring ring)
    {
        this.ring = ring;
        this.listeners = listeners;
        this.receiver = receiver;
        this.loop = loop;
        this.counters = counters;
        this.observerThread = new Thread(() ->
        {
            try
            {
                loop.run();
            }
            catch (final RuntimeException | Error e)
            {
                // Without this thread nothing detects stalls: stop the whole observer loudly instead.
                crash = "observer thread failed: " + e;
            }
            if (null != fatalError())
            {
                onSelfStop.run();
            }
        }, "varta-observer");
    }

    /**
     * Starts the receiver and observer threads on a bound listener, which this observer then owns (it closes
     * it on {@link #close()}, or at once if starting fails). Controlling thread.
     *
     * @param config what to do with the records
     * @param events where outcomes go (called on the observer thread)
     * @param onSelfStop runs on the observer thread if the observer stops by itself (see {@link #fatalError()}),
     *     so the owner can shut down
     * @param listener the socket to read
     * @return the running observer
     * @throws IOException when the receiver thread cannot be started
     */
    public static Observer start(final TrackingConfig config, final ObserverEvents events, final Runnable onSelfStop,
        final Listener listener) throws IOException
    {
        return start(config, events, onSelfStop, List.of(listener));
    }

    /**
     * As {@link #start(TrackingConfig, ObserverEvents, Runnable, Listener)}, reading several listeners with one
     * receiver thread into one ring; this observer owns and closes all of them. Controlling thread.
     *
     * @param config what to do with the records
     * @param events where outcomes go (called on the observer thread)
     * @param onSelfStop runs on the observer thread if the observer stops by itself
     * @param listeners the sockets to read (1 to 16)
     * @return the running observer
     * @throws IOException when the receiver thread cannot be started
     */
    public static Observer start(final TrackingConfig config, final ObserverEvents events, final Runnable onSelfStop,
        final List<? extends Listener> listeners) throws IOException
    {
        return start(config, clockFor(config), events, onSelfStop, listeners);
    }

    /**
     * The observer clock the configuration asks for, starting at 0 now. Create it before binding the listeners
     * and pass it to {@link #start(TrackingConfig, ObserverClock, ObserverEvents, Runnable, List)}: a datagram can
     * arrive as soon as a socket is bound, and its arrival must not predate observer time 0. Any thread; the
     * clock then belongs to the observer thread.
     *
     * @param config {@code boottimeClock()} chooses CLOCK_BOOTTIME, else CLOCK_MONOTONIC
     * @return a new clock
     */
    public static ObserverClock clockFor(final TrackingConfig config)
    {
        return config.boottimeClock() ? new ObserverClock(NativeClock::boottimeNanos) : ObserverClock.monotonic();
    }

    /**
     * Like {@link #start(TrackingConfig, ObserverEvents, Runnable, List)}, with the observer clock made before the
     * listeners were bound ({@link #clockFor}); the clock then belongs to the observer thread. Controlling thread.
     */
    public static Observer start(final TrackingConfig config, final ObserverClock clock, final ObserverEvents events,
        final Runnable onSelfStop, final List<? extends Listener> listeners) throws IOException
    {
        try
        {
            final Ring ring = new Ring(config.ringCapacity());
            final Receiver receiver = Receiver.start(listeners, ring);
            final IngestCounters counters = new IngestCounters();
            final Listener[] all = listeners.toArray(new Listener[0]);
            final ObserverLoop loop = new ObserverLoop(config, ring, receiver::awaitRecords,
                receiver::drainedThroughNanos, events, counters, clock, currentUid(),
                listeners.stream().map(Listener::description).toArray(String[]::new));
            loop.aeadAttemptsFrom(() -> aeadAttempts(all));
            final Observer observer = new Observer(List.copyOf(listeners), receiver, loop, counters, onSelfStop, ring);
            observer.observerThread.start();
            return observer;
        }
        catch (final IOException | RuntimeException e)
        {
            listeners.forEach(Listener::close);
            throw e;
        }
    }

    /** The listeners' AEAD trials so far (observer thread, every iteration: no allocation). */
    private static long aeadAttempts(final Listener[] listeners)
    {
        long trials = 0;
        for (final Listener listener : listeners)
        {
            trials += listener.aeadAttempts();
        }
        return trials;
    }

    /** Any thread: work time per observer-loop iteration. */
    public DurationHistogram iterationHistogram()
    {
        return loop.iterationHistogram();
    }

    /**
     * Any thread (scrapes): asks the observer thread for a fresh copy of the per-pid rows, wakes it, and
     * waits at most {@code timeoutNanos}; returns the previous copy if it does not answer in time.
     */
    public PidSnapshot pidSnapshot(final long timeoutNanos)
    {
        return loop.pidSnapshots().request(receiver::wakeConsumer, timeoutNanos);
    }

    /**
     * Any thread (scrapes): as {@link #pidSnapshot(long)}, with at most {@code maxRows} rows: currently stalled
     * pids first (most recent stall first), then others in slot order ({@link PidSnapshotPublisher}).
     */
    public PidSnapshot pidSnapshot(final long timeoutNanos, final int maxRows)
    {
        return loop.pidSnapshots().request(receiver::wakeConsumer, timeoutNanos, maxRows);
    }

    /** Any thread: the loop's published stage and iteration count (self-watchdog, heartbeat file). */
    public LoopProgress progress()
    {
        return loop.progress();
    }

    /** Any thread: ring capacity in records. */
    public int ringCapacity()
    {
        return ring.capacity();
    }

    /** Any thread: how often the native receiver found the ring full and stopped reading. */
    public long ringFullStalls()
    {
        return ring.fullStalls();
    }

    /** Any thread: the published ingest counters. */
    public IngestCounters counters()
    {
        return counters;
    }

    /**
     * Any thread: why the observer stopped by itself (a {@code --strict-namespace-check} violation, or an
     * unexpected failure of the observer thread), or null while it runs or after a requested stop.
     */
    public String fatalError()
    {
        final String failure = crash;
        return null != failure ? failure : loop.fatalError();
    }

    /** Any thread: true while the observer thread runs. */
    public boolean isRunning()
    {
        return observerThread.isAlive();
    }

    /**
     * Stops the receiver (no more datagrams are read), lets the observer thread account for everything
     * already received and flush its sinks, then unlinks the socket if it is still ours. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        receiver.close(); // no more datagrams read; wakes the observer thread if it sleeps
        loop.requestStop();
        boolean interrupted = false;
        while (observerThread.isAlive())
        {
            try
            {
                observerThread.join();
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        listeners.forEach(Listener::close);
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static long currentUid()
    {
        try
        {
            return ((Number)java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"))
                .longValue();
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
