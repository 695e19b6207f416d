package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.Ring;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The native receiver thread of one {@link UdsListener}: it reads datagrams in batches ({@code recvmmsg}),
 * checks credentials and length, decodes the frame and writes exactly one record per datagram into a
 * {@link Ring}. When the ring is full it stops reading, so the kernel queue pushes back on senders; nothing it
 * has read is dropped. Records from a uid other than this process's real uid are marked, not dropped.
 *
 * <pre>{@code
 * try (Receiver receiver = Receiver.start(listener, ring)) {
 *     while (running) {                                   // observer thread
 *         ring.drain(handler, 1024);
 *         receiver.awaitRecords(nanosUntilNextDeadline);
 *     }
 * }
 * }</pre>
 *
 * <p>Threading: {@link #awaitRecords} on the observer thread only; {@link #start} and {@link #close} on any
 * thread. If a receiver becomes unreachable without {@code close}, a cleaner stops its thread.
 */
public final class Receiver implements AutoCloseable
{
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int OPEN = 0;
    private static final int WAITING = 1;
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
     * Starts the native receiver thread reading {@code listener} into {@code ring}. Any thread. The ring
     * must not be shared with another receiver.
     *
     * @param listener the bound socket (stays owned by the caller; close it after this receiver)
     * @param ring     the ring to fill
     * @return the running receiver
     * @throws NativeIoException if the thread or its eventfds cannot be created
     */
    public static Receiver start(final Listener listener, final Ring ring) throws IOException
    {
        final long handle = Natives.receiverStart(listener.fd(), ring.region(), ring.capacity(), Natives.realUid());
        if (handle < 0)
        {
            final int errno = (int) -handle;
            throw new NativeIoException("cannot start receiver for " + listener.description() + ": "
                + Natives.strerror(errno), errno);
        }
        return new Receiver(ring, handle);
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
        if (timeoutNanos <= 0 || ring.available() > 0 || wakeRequested || !state.compareAndSet(OPEN, WAITING))
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
            if (current == WAITING)
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
