package io.varta.watch.bench;

import io.varta.watch.nativeio.RecordHandler;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingRecord;
import io.varta.watch.nativeio.RingWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Observer-side cost of the ring: drain a batch of 1024 published records and read every field the
 * observer loop reads. Reported per record ({@code @OperationsPerInvocation}). The batch is re-published
 * by a Java {@link RingWriter} outside the measured drain.
 * Run: {@code java -jar bench/target/benchmarks.jar RingDrain -prof gc}; expect gc.alloc.rate.norm ≈ 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingDrainBenchmark implements RecordHandler
{
    private static final int BATCH = 1024;

    private Ring ring;
    private RingWriter writer;
    private long sum;

    @Setup(Level.Trial)
    public void createRing()
    {
        ring = new Ring(1 << 14);
        writer = new RingWriter(ring);
    }

    @Setup(Level.Invocation)
    public void publishBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            writer.writeBeat(i, 1000 + (i & 255), 0, i + 1, i, 7);
        }
        writer.publish();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long drainAndReadRecords()
    {
        ring.drain(this, BATCH);
        return sum;
    }

    @Override
    public void onRecord(final RingRecord record)
    {
        sum += record.recvNanos() + record.framePid() + record.nonce() + record.payload() + record.kind()
            + record.status() + record.peerPid() + record.timestamp();
    }
}
