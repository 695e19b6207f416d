package io.varta.watch.bench;

import io.varta.watch.tracker.ProcessIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a /proc identity read costs the observer thread: once per new pid ({@link #readNewPidIdentity})
 * and once per stall of a live pid ({@link #readStartTimeAtStall}, the recycled-pid check).
 * Run: {@code java -jar bench/target/benchmarks.jar ProcessIdentity}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ProcessIdentityBenchmark
{
    private final ProcessIdentity identity = new ProcessIdentity();
    private final long livePid = ProcessHandle.current().pid();

    @Benchmark
    public int readNewPidIdentity()
    {
        return identity.read(livePid);
    }

    @Benchmark
    public long readStartTimeAtStall()
    {
        return identity.readStartTime(livePid);
    }
}
