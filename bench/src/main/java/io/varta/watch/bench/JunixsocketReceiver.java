package io.varta.watch.bench;

import io.varta.vlp.Frame;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A straightforward JVM receiver built on junixsocket (Maven Central), the comparison row (e) of
 * {@code bench/ingest.sh}: what a plain Java observer would do without our C receive path. It binds an AF_UNIX
 * datagram socket with junixsocket's {@link AFUNIXDatagramChannel}, takes one datagram per blocking
 * {@code receive} into a direct buffer, decodes it with the observer's own Java VLP decoder ({@link Frame#decode},
 * CRC-32C included) and keeps per-pid state in a {@link HashMap} (last nonce, beats, last receive time), as the
 * tracker would. It cannot check the sender's kernel credentials: junixsocket has no {@code SCM_CREDENTIALS} path
 * for datagrams (the observer checks them on every frame).
 *
 * <pre>
 * java -XX:+UseSerialGC -Xss512k -XX:-UsePerfData -cp bench/target/benchmarks.jar \
 *     io.varta.watch.bench.JunixsocketReceiver --socket PATH --expect TOTAL [--timeout-ms 60000]
 * </pre>
 * Prints {@code ready} once bound, then, after TOTAL datagrams, the line {@code raw-drain} prints:
 * {@code drain mode=junixsocket frames=N elapsed_ns=E rate=R calls=C cpu_ns=U} (elapsed from the first to the last
 * datagram; U = the whole process's CPU from {@code ready} to the end, JIT and GC included). Exit 1 on a timeout.
 */
public final class JunixsocketReceiver
{
    private JunixsocketReceiver()
    {
    }

    /** What the map keeps per pid. */
    private static final class PidState
    {
        long lastNonce;
        long beats;
        long lastSeenNanos;
    }

    public static void main(final String[] args) throws Exception
    {
        String socket = null;
        long expect = 0;
        long timeoutMs = 60_000;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--socket" -> socket = args[i + 1];
                case "--expect" -> expect = Long.parseLong(args[i + 1]);
                case "--timeout-ms" -> timeoutMs = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        if (null == socket || expect <= 0)
        {
            System.err.println("usage: JunixsocketReceiver --socket PATH --expect TOTAL [--timeout-ms 60000]");
            System.exit(2);
        }
        Files.deleteIfExists(Path.of(socket));
        final var os = (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        try (AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open())
        {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.bind(AFUNIXSocketAddress.of(new File(socket)));
            final long timeoutAt = System.nanoTime() + timeoutMs * 1_000_000L;
            final long total = expect;
            final Thread watchdog = new Thread(() ->
            {
                while (System.nanoTime() < timeoutAt)
                {
                    try
                    {
                        Thread.sleep(100);
                    }
                    catch (final InterruptedException e)
                    {
                        return;
                    }
                }
                System.err.println("junixsocket receiver: timed out before " + total + " datagrams");
                Runtime.getRuntime().halt(1);
            }, "timeout");
            watchdog.setDaemon(true);
            watchdog.start();
            System.out.println("ready");
            System.out.flush();
            final long cpuStart = os.getProcessCpuTime();
            final ByteBuffer buffer = ByteBuffer.allocateDirect(Frame.BYTES + 1);
            final Frame frame = new Frame();
            final Map<Long, PidState> pids = new HashMap<>();
            long frames = 0;
            long rejected = 0;
            long first = 0;
            long last = 0;
            while (frames < expect)
            {
                buffer.clear();
                channel.receive(buffer);
                last = System.nanoTime();
                if (0 == frames)
                {
                    first = last;
                }
                frames++;
                if (Frame.BYTES != buffer.position() || null != Frame.decode(buffer, 0, frame))
                {
                    rejected++;
                    continue;
                }
                final PidState state = pids.computeIfAbsent(frame.pid(), pid -> new PidState());
                if (Long.compareUnsigned(frame.nonce(), state.lastNonce) > 0 || 0 == state.beats)
                {
                    state.lastNonce = frame.nonce();
                }
                state.beats++;
                state.lastSeenNanos = last;
            }
            final long cpu = os.getProcessCpuTime() - cpuStart;
            final long elapsed = Math.max(1, last - first);
            System.out.printf("drain mode=junixsocket frames=%d elapsed_ns=%d rate=%.0f calls=%d cpu_ns=%d%n", frames,
                elapsed, frames * 1e9 / elapsed, frames, cpu);
            if (rejected > 0)
            {
                System.err.println("junixsocket receiver: " + rejected + " datagrams failed the length or decode check");
            }
        }
        finally
        {
            Files.deleteIfExists(Path.of(socket));
        }
    }
}
