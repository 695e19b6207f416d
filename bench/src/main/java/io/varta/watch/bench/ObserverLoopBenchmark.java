package io.varta.watch.bench;

import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingWriter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.event.ObserverEvents;
import io.varta.watch.observer.ObserverLoop;
import io.varta.watch.tracker.ObserverClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The whole Java side of one frame: drain a ring record, kernel-pid check, rate limiter, tracker nonce
 * rules and slot refresh, stall re-arm, sink call. One batch of 1024 valid beats per invocation, spread
 * over {@code pids} senders with increasing nonces (all pids introduced during setup, so no /proc reads
 * are measured). Reported per frame. Run:
 * {@code java -jar bench/target/benchmarks.jar ObserverLoop -prof gc}; expect gc.alloc.rate.norm ≈ 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObserverLoopBenchmark
{
    private static final int BATCH = 1024;
    private static final int FIRST_PID = 1_000_000;

    @Param({"1000", "100000"})
    int pids;

    private Ring ring;
    private RingWriter writer;
    private ObserverLoop loop;
    private long nonce;
    private int nextPid;

    @Setup(Level.Trial)
    public void createObserver()
    {
        ring = new Ring(1 << 14);
        writer = new RingWriter(ring);
        final TrackingConfig config = TrackingConfig.builder(60_000)
            .trackerCapacity(pids)
            .rateLimits(0, 0, 0)
            .namespacePolicy(true, false)
            .build();
        loop = new ObserverLoop(config, ring, timeout -> ring.available() > 0, System::nanoTime, new ObserverEvents()
        {
        }, new IngestCounters(), ObserverClock.monotonic(), 0, new String[0]);
        nonce = 1;
        for (int introduced = 0; introduced < pids; )
        {
            for (int i = 0; i < BATCH && introduced < pids; i++, introduced++)
            {
                writer.writeBeat(0, FIRST_PID + introduced, 0, nonce, 0, 0);
            }
            writer.publish();
            loop.drainOnce();
        }
    }

    @Setup(Level.Invocation)
    public void publishBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            if (nextPid == pids)
            {
                nextPid = 0;
                nonce++;
            }
            writer.writeBeat(0, FIRST_PID + nextPid++, i & 1, nonce + 1, nonce, 7);
        }
        writer.publish();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int drainBatchThroughTracker()
    {
        return loop.drainOnce();
    }
}
