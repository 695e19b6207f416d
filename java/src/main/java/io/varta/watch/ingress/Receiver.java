package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.Ring;

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

    private final Ring ring;
    private final long handle;
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
     * Sleeps until the ring has records or {@code timeoutNanos} passed. Announces the sleep to the producer
     * (consumer_waiting = 1, full fence, re-check), so a record published at any moment wakes it. Observer
     * thread only; allocates nothing.
     *
     * @param timeoutNanos longest sleep; {@code <= 0} only checks
     * @return whether records are available
     */
    public boolean awaitRecords(final long timeoutNanos)
    {
        if (timeoutNanos <= 0 || ring.available() > 0 || wakeRequested || !state.compareAndSet(OPEN, IN_NATIVE))
        {
            wakeRequested = false;
            return ring.available() > 0;
        }
        try
        {
            ring.consumerWaiting(1);
            VarHandle.fullFence(); // pairs with the producer's fence between tail store and waiting load
            final long deadline = System.nanoTime() + timeoutNanos;
            long remaining = timeoutNanos;
            while (ring.available() == 0 && remaining > 0 && !closing && !wakeRequested)
            {
                if (Natives.receiverWait(handle, remaining) < 0)
                {
                    break;
                }
                remaining = deadline - System.nanoTime();
            }
        }
        finally
        {
            ring.consumerWaiting(0);
            wakeRequested = false;
            state.set(OPEN);
        }
        return ring.available() > 0;
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
