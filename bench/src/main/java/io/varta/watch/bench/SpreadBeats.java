package io.varta.watch.bench;

import io.varta.watch.nativeio.RingWriter;

import java.util.concurrent.locks.LockSupport;

/**
 * The producer side of the in-process harnesses ({@link RingStallLatencyHarness}, {@link NewPidStormHarness},
 * {@link RecoveryStormHarness}): synthetic beat records written into the ring the way the native receiver writes
 * them (publish, then wake the observer thread), spread evenly over a time span, so that their stalls fall due
 * spread over the same span.
 *
 * <p>Threading: {@link #write} runs on the one producer thread of the ring.
 */
final class SpreadBeats
{
    /** Beats are written in this many chunks (one publish and one wake-up each). */
    static final int CHUNKS = 250;

    private SpreadBeats()
    {
    }

    /**
     * Writes one beat with {@code nonce} for every pid of [{@code firstPid}, {@code firstPid + pids}), in
     * {@link #CHUNKS} chunks spread evenly over {@code spreadNanos}; each beat's arrival time is when it is
     * written. A full ring is waited out (published, observer woken, spun).
     */
    static void write(final RingWriter writer, final Thread observer, final int firstPid, final int pids,
        final long nonce, final long spreadNanos)
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
                if (!writer.writeBeat(System.nanoTime(), firstPid + next, 0, nonce, nonce, 0))
                {
                    writer.publish();
                    LockSupport.unpark(observer);
                    Thread.onSpinWait();
                    continue;
                }
                next++;
            }
            writer.publish();
            LockSupport.unpark(observer);
        }
    }
}
