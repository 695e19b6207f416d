package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Scrape;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stall detection does not wait for {@code /metrics} clients: eight clients that connect, send an unfinished
 * request ({@code GET ... HTTP/1.0\r\n} without the blank line) and hold the connection, occupying the
 * endpoint's threads, do not delay stall detection. Lateness = observer time of the stall − (observer time of
 * the beat + threshold), both read from the export file, measured without and then with the slow clients;
 * printed for {@code docs/PERFORMANCE.md}.
 */
class SlowScrapersIT
{
    private static final long THRESHOLD_MS = 300;
    /** Generous: the machine is shared; the figure printed is the point, this only catches a blocked loop. */
    private static final long MARGIN_MS = 700;
    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    @Test
    void stallLineIsOnTimeWhileEightSlowClientsHoldConnections() throws Exception
    {
        final String token = "ab".repeat(32);
        final Path tokenFile = dir.resolve("prom.token");
        Files.writeString(tokenFile, token);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", Long.toString(THRESHOLD_MS), "--export-file", export.toString(),
            "--export-file-sync-every", "1", "--max-beat-rate", "0", "--prom-addr", "127.0.0.1:0",
            "--prom-token-file", tokenFile.toString(), "--prom-rate-limit-burst", "0"))
        {
            final String address = awaitAddress(observer);
            final long[] idle = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++)
            {
                idle[i] = stallLatencyMicros(socket, export);
            }
            final long[] slow = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++)
            {
                final List<Socket> clients = holdSlowClients(address, 8);
                try
                {
                    slow[i] = stallLatencyMicros(socket, export);
                }
                finally
                {
                    for (final Socket c : clients)
                    {
                        c.close();
                    }
                }
            }
            System.out.println("stall lateness us (threshold " + THRESHOLD_MS + " ms): without slow clients "
                + Arrays.toString(idle) + ", with 8 slow clients " + Arrays.toString(slow));
            for (final long us : slow)
            {
                assertTrue(us < MARGIN_MS * 1000, () -> "stall late with slow clients: " + Arrays.toString(slow));
            }
            assertEquals(200, Scrape.get(address, token).status(), "the endpoint still serves afterwards");
        }
    }

    private static List<Socket> holdSlowClients(final String address, final int count) throws IOException
    {
        final int colon = address.lastIndexOf(':');
        final List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Socket s = new Socket();
            s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
            s.getOutputStream().write("GET /metrics HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            clients.add(s);
        }
        return clients;
    }

    /** One beat from a new process, then wait for its stall line; returns how late it appeared. */
    private static long stallLatencyMicros(final Path socket, final Path export) throws Exception
    {
        final long pid = Sender.send(socket, "beat:ok:1:1");
        final long beatNanos = Long.parseLong(awaitLine(export, "\tbeat\t" + pid + "\t")[0]);
        final long stallNanos = Long.parseLong(awaitLine(export, "\tstall\t" + pid + "\t")[0]);
        // Both on the observer's clock: the stall's timestamp is when the observer thread raised it.
        return TimeUnit.NANOSECONDS.toMicros(stallNanos - beatNanos) - TimeUnit.MILLISECONDS.toMicros(THRESHOLD_MS);
    }

    private static String[] awaitLine(final Path export, final String marker) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline)
        {
            if (Files.exists(export))
            {
                for (final String line : Files.readAllLines(export))
                {
                    if (line.contains(marker))
                    {
                        return line.split("\t");
                    }
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no line with " + marker.trim());
    }

    private static String awaitAddress(final ObserverProcess observer) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline)
        {
            final String out = observer.stdout();
            if (out.contains("\n"))
            {
                return out.substring(0, out.indexOf('\n'));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no address line: " + observer.stderr());
    }
}
