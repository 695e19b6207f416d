package io.varta.watch.bench;

import io.varta.watch.tracker.BeatOutcome;
import io.varta.watch.tracker.EvictionPolicy;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Beat update throughput of a {@link Tracker} holding {@code pids} tracked pids, each beat going to the next
 * pid of a fixed random permutation (so pid-index probes and slot arrays miss the CPU caches as they would
 * with many real agents). Every beat is accepted: the nonce is the round number, the observer time grows
 * 100 ns per beat and the threshold (1 h) keeps stalls out of the measurement.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TrackerBenchmark -prof gc}; expect
 * {@code gc.alloc.rate.norm} ≈ 0 B/op. JMH thread only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TrackerBenchmark
{
    private static final long THRESHOLD_NANOS = 3_600_000_000_000L;

    @Param({"1000", "1000000"})
    public int pids;

    private Tracker tracker;
    private int[] order;
    private int cursor;
    private long round;
    private long now;

    /** Fills the tracker with {@code pids} pids (2 .. pids+1) and shuffles the beat order. */
    @Setup(Level.Trial)
    public void fill()
    {
        tracker = new Tracker(pids, THRESHOLD_NANOS, EvictionPolicy.STRICT, 256, TrackerListener.NONE);
        order = new int[pids];
        for (int i = 0; i < pids; i++)
        {
            order[i] = i + 2;
        }
        final Random random = new Random(7);
        for (int i = pids - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        round = 1;
        for (int i = 0; i < pids; i++)
        {
            tracker.beat(order[i], 0, now, round, now);
            now += 100;
        }
        if (tracker.size() != pids)
        {
            throw new IllegalStateException("fill failed: " + tracker.size());
        }
    }

    /** One accepted regular beat for the next pid in the permutation. */
    @Benchmark
    public int beat()
    {
        if (cursor == order.length)
        {
            cursor = 0;
            round++;
        }
        final int pid = order[cursor++];
        now += 100;
        final int outcome = tracker.beat(pid, 0, now, round + 1, now);
        return BeatOutcome.code(outcome);
    }

    /**
     * A stall-timer wake-up with every pid armed and none due: shows the poll costs O(due stalls), not
     * O(tracked pids) (compare the 1k and 1M figures).
     */
    @Benchmark
    public int pollStallsNoneDue()
    {
        now += 100;
        return tracker.pollStalls(now) + (int)tracker.nextDeadlineNanos();
    }
}
