package io.varta.watch.bench;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;

import java.util.Arrays;

/**
 * The in-process harnesses' measurement: for every pid of [{@code firstPid}, {@code firstPid + pids}) whose stall
 * follows its measured beat (nonce {@link #MEASURED_NONCE}), the lateness of that stall = (time it reached this
 * sink) − (the beat's observer time + threshold). Other pids' events and stalls of an earlier round (one that took
 * longer than the threshold) are ignored.
 *
 * <p>Threading: the observer thread calls the {@link ObserverEvents} methods; {@link #measured()} may be polled
 * from any thread; {@link #percentileMicros} only after the loop has stopped.
 */
final class StallLatencySink implements ObserverEvents
{
    /** The harnesses introduce every pid with nonce 1 and measure the round with nonce 2. */
    static final long MEASURED_NONCE = 2;

    private final int firstPid;
    private final long[] beatAt;
    private final long[] latency;
    private final long thresholdNanos;
    private final long clockOrigin;
    private volatile int stalls;

    /**
     * @param clockOrigin {@code ObserverClock.toSourceNanos(0)}: observer time 0 in {@code System.nanoTime} terms
     */
    StallLatencySink(final int firstPid, final int pids, final long thresholdNanos, final long clockOrigin)
    {
        this.firstPid = firstPid;
        this.beatAt = new long[pids];
        this.latency = new long[pids];
        this.thresholdNanos = thresholdNanos;
        this.clockOrigin = clockOrigin;
    }

    @Override
    public void onBeat(final long nowNanos, final long pid, final long nonce, final int status, final long payload)
    {
        final long index = pid - firstPid;
        if (index >= 0 && index < beatAt.length)
        {
            beatAt[(int)index] = nowNanos;
        }
    }

    @Override
    public void onStall(final Stall stall)
    {
        final long index = stall.pid() - firstPid;
        if (index < 0 || index >= beatAt.length || MEASURED_NONCE != stall.lastNonce())
        {
            return;
        }
        final long observedNow = System.nanoTime() - clockOrigin;
        latency[stalls] = observedNow - (beatAt[(int)index] + thresholdNanos);
        stalls++;
    }

    /** @return measured stalls so far */
    int measured()
    {
        return stalls;
    }

    /** @return the lateness at each quantile (1.0 = the maximum), µs; NaN with no stall measured */
    double[] percentileMicros(final double... quantiles)
    {
        final long[] sorted = Arrays.copyOf(latency, stalls);
        Arrays.sort(sorted);
        final double[] out = new double[quantiles.length];
        for (int i = 0; i < quantiles.length; i++)
        {
            out[i] = 0 == sorted.length ? Double.NaN
                : sorted[(int)Math.min(sorted.length - 1, quantiles[i] * sorted.length)] / 1e3;
        }
        return out;
    }
}
