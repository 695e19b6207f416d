package io.varta.watch.bench;

import io.varta.watch.observer.NativeIdentitySource;
import io.varta.watch.tracker.ProcessIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a /proc identity read costs the observer thread: once per new pid ({@link #readNewPidIdentity})
 * and once per stall of a live pid ({@link #readStartTimeAtStall}, the recycled-pid check), with the Java file
 * API ({@code source=file}, what the observer used before) and the native reader it uses now
 * ({@code source=native}), for a live pid and for one that does not exist ({@code pid=missing}: the synthetic pids
 * of the harnesses). Run with {@code -prof gc} to see the garbage per read:
 * {@code java -jar bench/target/benchmarks.jar ProcessIdentity -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ProcessIdentityBenchmark
{
    @Param({"file", "native"})
    public String source;

    @Param({"live", "missing"})
    public String pid;

    private ProcessIdentity identity;
    private long target;

    @Setup
    public void setUp()
    {
        identity = "native".equals(source) ? new ProcessIdentity(NativeIdentitySource.INSTANCE) : new ProcessIdentity();
        target = "live".equals(pid) ? ProcessHandle.current().pid() : 0xFFFF_FFF0L;
    }

    @Benchmark
    public int readNewPidIdentity()
    {
        return identity.read(target);
    }

    @Benchmark
    public long readStartTimeAtStall()
    {
        return identity.readStartTime(target);
    }
}
