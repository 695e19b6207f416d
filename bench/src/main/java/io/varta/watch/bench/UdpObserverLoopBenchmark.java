package io.varta.watch.bench;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.nativeio.RecordDraft;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingDescriptor;
import io.varta.watch.nativeio.RingWriter;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.ObserverLoop;
import io.varta.watch.observer.TrackingConfig;
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
 * The Java side of one UDP datagram, as the native UDP classifiers leave it in the ring: a decoded beat with no
 * kernel-verified sender (peer pid 0), origin NETWORK_UNVERIFIED, the transport's length and a source port and
 * address hash; one in eight of the secure ones a refusal (decrypt failure, replay) as under a mild attack. Per
 * record: Admission's pid_max gate, rate limiter, tracker (no /proc read for a network origin), sink call; each
 * loop iteration also publishes the listeners' AEAD attempt count. One batch of 1024 per invocation, reported per
 * record. Pids stay below the kernel's pid_max (32768 on common hosts) so beats are admitted. Run:
 * {@code java -jar bench/target/benchmarks.jar UdpObserverLoop -prof gc}; expect gc.alloc.rate.norm ≈ 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UdpObserverLoopBenchmark
{
    private static final int BATCH = 1024;
    private static final int FIRST_PID = 2;

    @Param({"1000", "30000"})
    int pids;

    @Param({"udp", "secure_udp"})
    String transport;

    private Ring ring;
    private RingWriter writer;
    private ObserverLoop loop;
    private final RecordDraft draft = RecordDraft.beat(FIRST_PID, 1);
    private long nonce;
    private int nextPid;
    private int written;
    private long attempts;

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
        loop.aeadAttemptsFrom(() -> attempts);
        final boolean secure = "secure_udp".equals(transport);
        draft.transport(secure ? RingDescriptor.TRANSPORT_SECURE_UDP : RingDescriptor.TRANSPORT_UDP)
            .origin(RingDescriptor.ORIGIN_NETWORK_UNVERIFIED)
            .datagramLength(secure ? 60 : 32)
            .peerPid(0)
            .peerUid(0xFFFFFFFFL)
            .sourcePort(40_000)
            .sourceAddressHash(0x1234_5678)
            .payload(7);
        nonce = 1;
        for (int introduced = 0; introduced < pids; )
        {
            for (int i = 0; i < BATCH && introduced < pids; i++, introduced++)
            {
                writer.write(draft.kind(RingDescriptor.KIND_BEAT).framePid(FIRST_PID + introduced).nonce(nonce));
            }
            writer.publish();
            loop.drainOnce();
        }
    }

    @Setup(Level.Invocation)
    public void publishBatch()
    {
        final boolean secure = "secure_udp".equals(transport);
        for (int i = 0; i < BATCH; i++)
        {
            if (nextPid == pids)
            {
                nextPid = 0;
                nonce++;
            }
            final int kind = !secure || (written & 7) != 0 ? RingDescriptor.KIND_BEAT
                : (written & 8) == 0 ? RingDescriptor.KIND_DECRYPT_FAILED : RingDescriptor.KIND_REPLAY_REFUSED;
            written++;
            attempts++;
            writer.write(draft.kind(kind).framePid(FIRST_PID + nextPid++).nonce(nonce + 1).timestamp(nonce)
                .status(i & 1));
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
