package io.varta.client;

import io.varta.vlp.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no observer listening, every beat returns at once with what happened (the {@code @Timeout} only guards against
 * a hang; nothing here measures time): over UDS failed with ENOENT (no socket file) or ECONNREFUSED (a socket file
 * nobody reads), over UDP sent or failed with ECONNREFUSED (the ICMP port-unreachable); never an exception.
 */
@Timeout(60)
class NoObserverTest
{
    private static final int BEATS = 10_000;

    @TempDir
    Path dir;

    @Test
    void udsWithoutASocketFileFailsWithEnoent()
    {
        try (VartaClient client = VartaClient.connect(dir.resolve("nobody.sock")))
        {
            for (int i = 0; i < BEATS; i++)
            {
                final BeatOutcome outcome = client.beat(Status.OK, i);
                assertSame(BeatOutcome.Failed.of(Errno.ENOENT), outcome);
            }
            assertEquals("failed: ENOENT (No such file or directory)", client.beat(Status.OK).toString());
            assertEquals(Errno.ENOENT, ((BeatOutcome.Failed)client.beatTerminal(0)).errno());
        }
    }

    @Test
    void udsWithAStaleSocketFileFailsWithEconnrefused() throws IOException
    {
        final Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(stale)); // bound, then closed: the file stays, nobody listens
        }
        assertTrue(Files.exists(stale));
        try (VartaClient client = VartaClient.connect(stale))
        {
            for (int i = 0; i < BEATS; i++)
            {
                final BeatOutcome.Failed failed = (BeatOutcome.Failed)client.beat(Status.DEGRADED, i);
                assertEquals(Errno.ECONNREFUSED, failed.errno());
                assertEquals("ECONNREFUSED", failed.errnoName());
            }
        }
    }

    @Test
    void udpWithNobodyOnThePortIsSentOrRefused() throws IOException
    {
        final InetSocketAddress unused;
        try (DatagramChannel probe = DatagramChannel.open())
        {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            unused = (InetSocketAddress)probe.getLocalAddress();
        }
        try (VartaClient client = VartaClient.connectUdp(unused))
        {
            int refused = 0;
            for (int i = 0; i < BEATS; i++)
            {
                final BeatOutcome outcome = client.beat(Status.OK, i);
                if (outcome.isFailed())
                {
                    assertEquals(Errno.ECONNREFUSED, ((BeatOutcome.Failed)outcome).errno(), outcome.toString());
                    refused++;
                }
                else
                {
                    assertSame(BeatOutcome.SENT, outcome);
                }
            }
            assertTrue(refused > 0, "loopback answers with port unreachable");
        }
    }

    @Test
    void aClosedClientFailsWithEbadf() throws IOException
    {
        final VartaClient uds = VartaClient.connect(dir.resolve("nobody.sock"));
        uds.close();
        uds.close();
        assertSame(BeatOutcome.Failed.CLOSED, uds.beat(Status.OK));
        assertSame(BeatOutcome.Failed.CLOSED, uds.beatTerminal(0));
        final VartaClient udp = VartaClient.connectUdp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        udp.close();
        assertEquals(Errno.EBADF, ((BeatOutcome.Failed)udp.beat(Status.OK)).errno());
    }

    @Test
    void badArgumentsAreTheCallersBug()
    {
        assertThrows(IllegalArgumentException.class, () -> VartaClient.connect(dir.resolve("x".repeat(120))));
        assertThrows(IllegalArgumentException.class, () -> VartaClient.connect(Path.of("")));
        assertThrows(IOException.class,
            () -> VartaClient.connectUdp(InetSocketAddress.createUnresolved("no.such.host.invalid", 1)));
        try (VartaClient client = VartaClient.connect(dir.resolve("nobody.sock")))
        {
            assertThrows(IllegalArgumentException.class, () -> client.beat(Status.STALL));
        }
    }
}
