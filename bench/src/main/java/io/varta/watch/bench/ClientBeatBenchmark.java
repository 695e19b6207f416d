package io.varta.watch.bench;

import io.varta.client.BeatOutcome;
import io.varta.client.VartaClient;
import io.varta.vlp.Frame;
import io.varta.vlp.FrameEncoder;
import io.varta.vlp.Status;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * One {@code beat} of the agent library (io.varta.client) per operation: UDS (its own libvarta_client.so), plaintext
 * UDP and secure UDP (JCA ChaCha20-Poly1305, shared and master key), and, in the same run, a straightforward
 * junixsocket sender doing the same work over UDS (encode the frame with this pid, a nanoTime timestamp and the next
 * nonce, one non-blocking write of a direct buffer on a connected AFUNIXDatagramChannel).
 *
 * <p>UDS: the receiver is {@code raw-drain} (the C baseline of bench/ingest.sh, recvmmsg batches, counting only) in a
 * process of its own, so that neither its CPU nor any allocation of a Java receiver shows in this JVM's figures
 * ({@code -prof gc} counts every thread of the JVM); the 10-datagram queue ({@code net.unix.max_dgram_qlen}) empties
 * while the sender runs, and sends that still find it full are counted as {@code dropped} (an EAGAIN send, cheaper than
 * a delivered one), so compare rows by their sent fraction too. UDP: a bound, unread loopback socket (a UDP send costs
 * the same whether the receiver keeps the datagram or drops it).
 *
 * <p>Run from the repository root after {@code mvn -B -ntp -DskipTests package}:
 * {@code java -jar bench/target/benchmarks.jar ClientBeat -prof gc} ({@code gc.alloc.rate.norm} is B/beat);
 * {@code -Dvarta.bench.rawDrain=PATH} names raw-drain elsewhere than {@code java/target/native-build/tools/raw-drain}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class ClientBeatBenchmark
{
    /** Outcomes per iteration, reported as extra columns. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Outcomes
    {
        public long sent;
        public long dropped;
        public long failed;

        @Setup(Level.Iteration)
        public void clear()
        {
            sent = 0;
            dropped = 0;
            failed = 0;
        }

        void count(final BeatOutcome outcome)
        {
            if (outcome.isSent())
            {
                sent++;
            }
            else if (outcome.isDropped())
            {
                dropped++;
            }
            else
            {
                failed++;
            }
        }
    }

    /**
     * An AF_UNIX datagram socket, the client and the junixsocket sender connected to it. {@code drained}: bound by a
     * raw-drain process that reads it; {@code full}: bound here and never read, so every send is an EAGAIN (the cost of
     * the call itself, without a receiver competing for the CPU).
     */
    @State(Scope.Benchmark)
    public static class Uds
    {
        @Param({"drained", "full"})
        public String receiver;
        Path dir;
        Process drainer;
        AFUNIXDatagramChannel unread;
        VartaClient client;
        AFUNIXDatagramChannel junixsocket;
        final ByteBuffer junixsocketBuffer = ByteBuffer.allocateDirect(Frame.BYTES);
        final byte[] junixsocketFrame = new byte[Frame.BYTES];
        final FrameEncoder encoder = new FrameEncoder();
        final long pid = ProcessHandle.current().pid();
        long nonce;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            dir = Files.createTempDirectory("varta-client-bench");
            final Path socket = dir.resolve("observer.sock");
            final AFUNIXSocketAddress address = AFUNIXSocketAddress.of(socket.toFile());
            if ("full".equals(receiver))
            {
                unread = AFUNIXDatagramChannel.open();
                unread.bind(address);
            }
            else
            {
                final Path rawDrain = Path.of(System.getProperty("varta.bench.rawDrain",
                    "java/target/native-build/tools/raw-drain"));
                drainer = new ProcessBuilder(rawDrain.toString(), "--socket", socket.toString(), "--expect",
                    "1000000000000", "--timeout-ms", "3600000").redirectError(ProcessBuilder.Redirect.INHERIT).start();
                final String ready = new BufferedReader(new InputStreamReader(drainer.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
                if (!"ready".equals(ready))
                {
                    throw new IOException(rawDrain + " did not get ready (build it: mvn -B -ntp -DskipTests package)");
                }
            }
            client = VartaClient.connect(socket);
            junixsocket = AFUNIXDatagramChannel.open();
            junixsocket.connect(address);
            junixsocket.configureBlocking(false);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException, InterruptedException
        {
            client.close();
            junixsocket.close();
            if (null != drainer)
            {
                drainer.destroy();
                drainer.waitFor();
            }
            if (null != unread)
            {
                unread.close();
            }
            Files.deleteIfExists(dir.resolve("observer.sock"));
            Files.deleteIfExists(dir);
        }
    }

    /** A bound, unread loopback UDP socket and a plaintext client. */
    @State(Scope.Benchmark)
    public static class Udp
    {
        DatagramChannel receiver;
        VartaClient client;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            receiver = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = VartaClient.connectUdp((InetSocketAddress)receiver.getLocalAddress());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            client.close();
            receiver.close();
        }
    }

    /** The same with secure clients: one shared-key, one master-key (the same random key file). */
    @State(Scope.Benchmark)
    public static class SecureUdp
    {
        Path dir;
        DatagramChannel receiver;
        VartaClient shared;
        VartaClient master;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            dir = Files.createTempDirectory("varta-client-bench");
            final byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            final Path file = Files.createFile(dir.resolve("key"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
            receiver = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final InetSocketAddress address = (InetSocketAddress)receiver.getLocalAddress();
            shared = VartaClient.connectSecureUdp(address, file);
            master = VartaClient.connectSecureUdpWithMaster(address, file);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            shared.close();
            master.close();
            receiver.close();
            Files.deleteIfExists(dir.resolve("key"));
            Files.deleteIfExists(dir);
        }
    }

    @Benchmark
    public BeatOutcome udsClient(final Uds uds, final Outcomes outcomes)
    {
        final BeatOutcome outcome = uds.client.beat(Status.OK, 1);
        outcomes.count(outcome);
        return outcome;
    }

    /** What a service would write with junixsocket: the same frame, one non-blocking write on a connected channel. */
    @Benchmark
    public int udsJunixsocket(final Uds uds, final Outcomes outcomes)
    {
        uds.encoder.encode(uds.junixsocketFrame, 0, Status.OK, uds.pid, System.nanoTime(), ++uds.nonce, 1);
        final ByteBuffer buffer = uds.junixsocketBuffer;
        buffer.clear();
        buffer.put(uds.junixsocketFrame).flip();
        try
        {
            final int written = uds.junixsocket.write(buffer);
            if (0 == written)
            {
                outcomes.dropped++;
            }
            else
            {
                outcomes.sent++;
            }
            return written;
        }
        catch (final IOException e)
        {
            outcomes.failed++;
            return -1;
        }
    }

    @Benchmark
    public BeatOutcome udpClient(final Udp udp, final Outcomes outcomes)
    {
        final BeatOutcome outcome = udp.client.beat(Status.OK, 1);
        outcomes.count(outcome);
        return outcome;
    }

    @Benchmark
    public BeatOutcome secureUdpSharedKeyClient(final SecureUdp secure, final Outcomes outcomes)
    {
        final BeatOutcome outcome = secure.shared.beat(Status.OK, 1);
        outcomes.count(outcome);
        return outcome;
    }

    @Benchmark
    public BeatOutcome secureUdpMasterKeyClient(final SecureUdp secure, final Outcomes outcomes)
    {
        final BeatOutcome outcome = secure.master.beat(Status.OK, 1);
        outcomes.count(outcome);
        return outcome;
    }
}
