package io.varta.watch.bench;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingWriter;
import io.varta.watch.nativeio.ThreadScheduling;
import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.ObserverLoop;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.tracker.ObserverClock;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-process harnesses' setup ({@link RingStallLatencyHarness}, {@link NewPidStormHarness},
 * {@link RecoveryStormHarness}): the real {@link ObserverLoop} on a thread of its own, draining a ring that the
 * harness's thread fills with synthetic beat records the way the native receiver writes them (publish, then wake
 * the observer thread). The loop sleeps with {@code parkNanos} where the observer sleeps on its eventfd, and its
 * drained-through watermark is always "now" (nothing waits in a socket).
 *
 * <p>Threading: construct, write and close from the one harness thread (the ring's only producer).
 */
final class LoopOnThread implements AutoCloseable
{
    /** Spread beats are written in this many chunks (one publish and one wake-up each). */
    static final int CHUNKS = 250;

    private final RingWriter writer;
    private final IngestCounters counters = new IngestCounters();
    private final ObserverLoop loop;
    private final Thread thread;

    /**
     * Starts the loop.
     *
     * @param nice the observer thread's nice value, 0 to leave it (negative values need root)
     */
    LoopOnThread(final TrackingConfig config, final ObserverEvents events, final ObserverClock clock, final int nice)
    {
        final Ring ring = new Ring(1 << 16);
        this.writer = new RingWriter(ring);
        this.loop = new ObserverLoop(config, ring, timeout ->
        {
            if (ring.available() == 0)
            {
                LockSupport.parkNanos(timeout);
            }
            return ring.available() > 0;
        }, System::nanoTime, events, counters, clock, 0, new String[0]);
        this.thread = new Thread(() ->
        {
            if (0 != nice && !ThreadScheduling.setNice(nice))
            {
                System.out.println("  (could not set the observer thread's nice to " + nice + ")");
            }
            loop.run();
        }, "observer");
        thread.start();
    }

    /**
     * Writes one beat with {@code nonce} for every pid of [{@code firstPid}, {@code firstPid + pids}), in
     * {@link #CHUNKS} chunks spread evenly over {@code spreadNanos} (0: at once); each beat's arrival time is when
     * it is written. A full ring is waited out.
     */
    void writeSpread(final int firstPid, final int pids, final long nonce, final long spreadNanos)
    {
        final long start = System.nanoTime();
        final int chunk = Math.max(1, pids / CHUNKS);
        int next = 0;
        while (next < pids)
        {
            final long wait = start + spreadNanos * next / pids - System.nanoTime();
            if (wait > 0)
            {
                LockSupport.parkNanos(wait);
            }
            final int end = Math.min(pids, next + chunk);
            while (next < end)
            {
                writeBeat(firstPid + next, nonce);
                next++;
            }
            publish();
        }
    }

    /** Writes one beat of {@code pid} with {@code nonce}, arriving now; call {@link #publish} after a batch. */
    void writeBeat(final long pid, final long nonce)
    {
        while (!writer.writeBeat(System.nanoTime(), pid, 0, nonce, nonce, 0))
        {
            publish();
            Thread.onSpinWait();
        }
    }

    /** Publishes what was written and wakes the observer thread. */
    void publish()
    {
        writer.publish();
        LockSupport.unpark(thread);
    }

    /** Waits until the loop has handled {@code records} records in all. */
    void awaitHandled(final long records) throws InterruptedException
    {
        while (counters.get(IngestCounter.DATAGRAMS) < records)
        {
            Thread.sleep(5);
        }
    }

    /** @return the observer thread's CPU time so far, ns */
    long observerCpuNanos()
    {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
    }

    /** Stops the loop and waits for its thread. */
    @Override
    public void close() throws InterruptedException
    {
        loop.requestStop();
        LockSupport.unpark(thread);
        thread.join();
    }
}
