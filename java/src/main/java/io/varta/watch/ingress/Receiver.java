package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingDescriptor;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The native receiver thread of one or more {@link Listener}s: it waits on all their sockets at once, reads
 * datagrams in batches ({@code recvmmsg}), lets each listener's transport turn a datagram into a record
 * (UDS: credentials, length, frame decode) and writes exactly one record per datagram into one {@link Ring}.
 * When the ring is full it stops reading, so the kernel queues push back on senders; nothing it has read is
 * dropped. Records from a uid other than this process's real uid are marked, not dropped.
 *
 * <p>Each record's {@link io.varta.watch.nativeio.RingRecord#recvNanos()} is that datagram's own arrival
 * time (the kernel's receive timestamp, moved to CLOCK_MONOTONIC), not the time its batch was read, and
 * {@link io.varta.watch.nativeio.RingRecord#listener()} is the index of its listener in the start list.
 *
 * <pre>{@code
 * try (Receiver receiver = Receiver.start(List.of(listener), ring)) {
 *     while (running) {                                   // observer thread
 *         ring.drain(handler, 1024);
 *         if (stallDue(deadline)) {
 *             long through = receiver.drainedThroughNanos(); // every datagram queued before it is in the ring
 *             ring.drain(handler, Integer.MAX_VALUE);
 *             if (through >= deadline) { ... declare the stall ... } // else: wait, ask again
 *         }
 *         receiver.awaitRecords(nanosUntilNextDeadline);
 *     }
 * }
 * }</pre>
 *
 * <p>Threading: {@link #awaitRecords} and {@link #drainedThroughNanos} on the observer thread only (the
 * ring's consumer); {@link #start}, {@link #wakeConsumer}, {@link #datagramsRead} and {@link #close} on any
 * thread. If a receiver becomes unreachable without {@code close}, a cleaner stops its thread.
 */
public final class Receiver implements AutoCloseable
{
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int OPEN = 0;
    /** The observer thread is inside a native call on the handle (sleeping, or asking for the watermark). */
    private static final int IN_NATIVE = 1;
    private static final int CLOSED = 2;

    /**
     * While records flow, the observer thread collects them for this long after it last found some (unless the ring
     * fills to half first): at most one wake-up per millisecond (see {@link #awaitRecords}).
     */
    public static final long BATCH_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Records found by two consecutive {@link #awaitRecords} calls at most this far apart mean they flow. */
    static final long FLOW_GAP_NANOS = 2 * BATCH_WINDOW_NANOS;

    private final Ring ring;
    private final long handle;
    /** Observer thread only: when {@link #awaitRecords} last found records. */
    private long lastRecordsNanos = Long.MIN_VALUE / 2;
    /** Observer thread only: the last two calls that found records were at most {@link #FLOW_GAP_NANOS} apart. */
    private boolean flowing;
    private final Cleaner.Cleanable cleanable;
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private volatile boolean closing;
    private volatile boolean wakeRequested;
    /** Orders {@link #wakeConsumer} before {@link #close} frees the native handle. */
    private final Object kickGuard = new Object();

    private Receiver(final Ring ring, final long handle)
    {
        this.ring = ring;
        this.handle = handle;
        this.cleanable = CLEANER.register(this, new NativeThread(handle, ring.region()));
    }

    /**
     * Starts the native receiver thread reading one listener into {@code ring}; see {@link #start(List, Ring)}.
     * Any thread.
     *
     * @param listener the bound socket (stays owned by the caller; close it after this receiver)
     * @param ring     the ring to fill
     * @return the running receiver
     * @throws NativeIoException if the thread or its eventfds cannot be created
     */
    public static Receiver start(final Listener listener, final Ring ring) throws IOException
    {
        return start(List.of(listener), ring);
    }

    /**
     * Starts the native receiver thread reading every listener into {@code ring}; records carry the index of
     * their listener in {@code listeners}. Any thread. The ring must not be shared with another receiver.
     *
     * @param listeners the bound sockets, 1 to 16 (they stay owned by the caller; close them after this
     *                  receiver)
     * @param ring      the ring to fill
     * @return the running receiver
     * @throws NativeIoException if a listener's transport is not supported by the native library
     *                           ({@code EPROTONOSUPPORT}), or the thread or its eventfds cannot be created
     */
    public static Receiver start(final List<? extends Listener> listeners, final Ring ring) throws IOException
    {
        final int count = listeners.size();
        final int[] fds = new int[count];
        final int[] transports = new int[count];
        final int[] origins = new int[count];
        final long[] contexts = new long[count];
        for (int i = 0; i < count; i++)
        {
            final Listener listener = listeners.get(i);
            fds[i] = listener.fd();
            transports[i] = listener.transport();
            origins[i] = listener.origin();
            contexts[i] = listener.nativeContext();
        }
        final long handle = Natives.receiverStart(fds, transports, origins, contexts, ring.region(), ring.capacity(),
            Natives.realUid());
        if (handle < 0)
        {
            final int errno = (int) -handle;
            throw new NativeIoException("cannot start receiver for " + describe(listeners) + ": "
                + Natives.strerror(errno), errno);
        }
        return new Receiver(ring, handle);
    }

    private static String describe(final List<? extends Listener> listeners)
    {
        final StringBuilder text = new StringBuilder();
        for (final Listener listener : listeners)
        {
            text.append(text.length() == 0 ? "" : ", ").append(listener.description());
        }
        return text.length() == 0 ? "no listener" : text.toString();
    }

    /**
     * Asks how far the receiver has caught up: a CLOCK_MONOTONIC time ({@link System#nanoTime()}'s clock)
     * {@code T <= now} such that every datagram queued on any of its sockets before {@code T} has been read
     * and its record published, so a {@link Ring#drain} after this call sees it. Call it when a stall verdict
     * for a deadline {@code D} is due: if {@code T >= D}, drain the ring and decide; if not, records that may
     * refresh the pid are still queued (a starved receiver, a full ring) and the verdict should wait. Under a
     * sustained flood {@code T} still advances with the kernel's receive timestamps (verdicts are late by the
     * queue's latency). Costs one {@code poll(2)} over the sockets: not for every record.
     *
     * <p>Observer thread only; allocates nothing. After {@link #close} it returns {@code System.nanoTime()}:
     * nothing more will be read.
     *
     * @return the drained-through time, CLOCK_MONOTONIC nanoseconds
     */
    public long drainedThroughNanos()
    {
        if (!state.compareAndSet(OPEN, IN_NATIVE))
        {
            return System.nanoTime();
        }
        try
        {
            return Natives.receiverDrainedThrough(handle);
        }
        finally
        {
            state.set(OPEN);
        }
    }

    /**
     * Any thread; no JNI call (the ring trailer).
     *
     * @return datagrams the receiver has taken off its sockets (see {@link Ring#datagramsRead()})
     */
    public long datagramsRead()
    {
        return ring.datagramsRead();
    }

    /**
     * Sleeps until the ring has records or {@code timeoutNanos} passed, in one of two ways (ring.h, "Sleep/wake"):
     * <ul>
     *   <li><b>Until the next record</b>: the sleep is announced to the producer (CONSUMER_SLEEPING, full fence,
     *       re-check), so a record published at any moment wakes it at once.</li>
     *   <li><b>Batching</b>, while records flow (the last two calls that found records were at most
     *       {@link #FLOW_GAP_NANOS} apart): it first sleeps on its own timer until {@link #BATCH_WINDOW_NANOS}
     *       after records were last found (CONSUMER_BATCHING: the producer wakes it earlier only when the ring is
     *       half full), whether records are waiting or not, and hands them over together. Each wake-up costs the
     *       receiver thread an eventfd write and the observer thread a return from {@code ppoll} and a loop
     *       iteration, more than handling the records does at a few thousand wake-ups a second; batching makes it
     *       at most one wake-up per millisecond, and the receiver writes no eventfd at all. If nothing came in the
     *       window, the flow has stopped and it sleeps until the next record.</li>
     * </ul>
     * A record therefore waits at most {@link #BATCH_WINDOW_NANOS} (plus scheduling) to be handed over. Stall
     * verdicts do not depend on it: the caller sleeps no longer than to its next deadline ({@code timeoutNanos}),
     * every record carries its kernel arrival time, and before a verdict the caller drains everything published
     * up to {@link #drainedThroughNanos}. Observer thread only; allocates nothing.
     *
     * @param timeoutNanos longest sleep; {@code <= 0} only checks
     * @return whether records are available
     */
    public boolean awaitRecords(final long timeoutNanos)
    {
        if (timeoutNanos <= 0 || wakeRequested || !state.compareAndSet(OPEN, IN_NATIVE))
        {
            wakeRequested = false;
            return found(ring.available() > 0);
        }
        boolean records;
        try
        {
            final long deadline = System.nanoTime() + timeoutNanos;
            final int halfRing = ring.capacity() / 2;
            if (flowing && ring.available() < halfRing)
            {
                sleepBatching(Math.min(deadline, lastRecordsNanos + BATCH_WINDOW_NANOS), halfRing);
            }
            if (ring.available() == 0)
            {
                sleepUntilRecord(deadline);
            }
            records = ring.available() > 0;
        }
        finally
        {
            ring.consumerWaiting(RingDescriptor.CONSUMER_AWAKE);
            wakeRequested = false;
            state.set(OPEN);
        }
        return found(records);
    }

    /** Observer thread, inside {@link #awaitRecords}: sleeps until {@code until} or a half-full ring or a kick. */
    private void sleepBatching(final long until, final int halfRing)
    {
        ring.consumerWaiting(RingDescriptor.CONSUMER_BATCHING);
        VarHandle.fullFence(); // pairs with the producer's fence between tail store and waiting load
        long remaining = until - System.nanoTime();
        while (remaining > 0 && ring.available() < halfRing && !closing && !wakeRequested)
        {
            if (0 != Natives.receiverWait(handle, remaining))
            {
                return; // woken: the ring is half full, a scrape or close kicked, or the wait failed
            }
            remaining = until - System.nanoTime();
        }
    }

    /** Observer thread, inside {@link #awaitRecords}: sleeps until a record is published or {@code deadline}. */
    private void sleepUntilRecord(final long deadline)
    {
        ring.consumerWaiting(RingDescriptor.CONSUMER_SLEEPING);
        VarHandle.fullFence(); // pairs with the producer's fence between tail store and waiting load
        long remaining = deadline - System.nanoTime();
        while (ring.available() == 0 && remaining > 0 && !closing && !wakeRequested)
        {
            if (Natives.receiverWait(handle, remaining) < 0)
            {
                return;
            }
            remaining = deadline - System.nanoTime();
        }
    }

    /** Observer thread: remembers when records were found (the batching decision); returns {@code records}. */
    private boolean found(final boolean records)
    {
        if (records)
        {
            final long now = System.nanoTime();
            flowing = now - lastRecordsNanos <= FLOW_GAP_NANOS;
            lastRecordsNanos = now;
        }
        return records;
    }

    /**
     * Makes an observer thread sleeping in {@link #awaitRecords} (or about to) return early, without records,
     * so it finishes its loop iteration; used when a scrape asks for a fresh per-pid snapshot. Spurious wakes
     * are harmless. Any thread; no-op once {@link #close} started.
     */
    public void wakeConsumer()
    {
        wakeRequested = true;
        synchronized (kickGuard)
        {
            if (!closing)
            {
                Natives.receiverKick(handle);
            }
        }
    }

    /**
     * Stops and joins the native thread and releases its eventfds; wakes an observer thread sleeping in
     * {@link #awaitRecords} first. Does not close the listener. Idempotent; any thread.
     */
    @Override
    public void close()
    {
        closing = true;
        synchronized (kickGuard)
        {
            // a wakeConsumer() that saw closing == false has finished its kick: the handle may now go
        }
        while (true)
        {
            final int current = state.get();
            if (current == CLOSED)
            {
                return;
            }
            if (current == OPEN && state.compareAndSet(OPEN, CLOSED))
            {
                break;
            }
            if (current == IN_NATIVE)
            {
                Natives.receiverKick(handle);
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
        cleanable.clean();
    }

    /** Stops the native thread once; holds the ring memory alive until then. */
    private static final class NativeThread implements Runnable
    {
        private final long handle;
        @SuppressWarnings({"unused", "FieldCanBeLocal"})
        private final ByteBuffer keepAlive;

        NativeThread(final long handle, final ByteBuffer keepAlive)
        {
            this.handle = handle;
            this.keepAlive = keepAlive;
        }

        @Override
        public void run()
        {
            Natives.receiverStop(handle);
        }
    }
}
