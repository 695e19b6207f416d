package io.varta.watch.bench;

import io.varta.vlp.DecodeError;
import io.varta.vlp.Frame;
import io.varta.vlp.Status;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Java-side VLP decode of a valid frame held in a direct buffer (the shape of a ring slot).
 * Run: {@code java -jar bench/target/benchmarks.jar FrameDecode -prof gc}; expect gc.alloc.rate.norm ≈ 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameDecodeBenchmark
{
    private final ByteBuffer direct = ByteBuffer.allocateDirect(Frame.BYTES);
    private final Frame frame = new Frame();

    public FrameDecodeBenchmark()
    {
        direct.put(0, Frame.encode(Status.OK, 4242, 123_456_789L, 77, 5));
    }

    @Benchmark
    public long decodeValidFrame()
    {
        final DecodeError error = Frame.decode(direct, 0, frame);
        return null == error ? frame.nonce() : -error.code();
    }
}
