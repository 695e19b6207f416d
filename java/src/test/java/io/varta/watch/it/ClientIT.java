package io.varta.watch.it;

import io.varta.watch.testsupport.ClientProcess;
import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.UdpSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent library against a real {@code bin/varta-watch}: a Java service in a JVM of its own
 * ({@link io.varta.watch.testsupport.ClientAgent}, on the client's class path only) beats over UDS, plaintext UDP
 * and secure UDP (shared and master key) and the observer's export file shows the beats under that JVM's pid; a
 * heartbeat whose health check fails stops beating and the observer reports the stall; an uncaught exception sends the
 * terminal frame; an observer stopped, killed, frozen and restarted under a running client: the client's outcomes say
 * what happened (failed ECONNREFUSED, failed ENOENT, dropped QUEUE_FULL) and beats resume without the service doing
 * anything.
 */
class ClientIT
{
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String TERMINAL_NONCE = "18446744073709551615";

    @TempDir
    Path dir;

    private Path socket()
    {
        return dir.resolve("obs.sock");
    }

    private Path export()
    {
        return dir.resolve("events.tsv");
    }

    private ObserverProcess observer(final String export, final String... extra) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--socket", socket().toString(), "--threshold-ms", "500",
            "--export-file", dir.resolve(export).toString(), "--export-file-sync-every", "1"));
        args.addAll(List.of(extra));
        final ObserverProcess observer = ObserverProcess.start(dir, args.toArray(String[]::new));
        observer.awaitSocket(socket());
        return observer;
    }

    private static long agentPid(final ClientProcess client) throws Exception
    {
        final String first = client.await(LIMIT, l -> !l.isEmpty()).get(0);
        assertEquals("pid " + client.pid(), first, "the client's ProcessHandle pid is its process's pid");
        return client.pid();
    }

    private List<ExportLog.Line> beatsOf(final long pid, final int count) throws Exception
    {
        return ExportLog.of(ExportLog.await(export(), LIMIT, l -> ExportLog.of(l, "beat", pid).size() >= count), "beat",
            pid);
    }

    private static void stop(final ObserverProcess observer) throws Exception
    {
        assertEquals(0, observer.terminate(LIMIT), observer.stderr());
        final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
        assertEquals(summary.get("datagrams"), summary.get("accounted"), "every datagram has one outcome");
    }

    @Test
    void udsBeatsAreAcceptedUnderTheClientsPid() throws Exception
    {
        try (ObserverProcess observer = observer("events.tsv");
            ClientProcess client = ClientProcess.agent(dir, "uds", socket().toString(), "beats", "5", "20"))
        {
            assertEquals(0, client.waitFor(LIMIT), client.stderr());
            final long pid = agentPid(client);
            assertEquals(List.of("1 sent", "2 sent", "3 sent", "4 sent", "5 sent"), client.lines().subList(1, 6));
            final List<ExportLog.Line> beats = beatsOf(pid, 5);
            assertEquals(List.of("1", "2", "3", "4", "5"), beats.stream().map(ExportLog.Line::payload).toList());
            assertEquals(List.of("ok"), beats.stream().map(ExportLog.Line::status).distinct().toList());
            stop(observer);
        }
    }

    @Test
    void plaintextUdpBeatsAreAcceptedUnderTheClientsPid() throws Exception
    {
        try (ObserverProcess observer = observer("events.tsv", "--udp-port", "0", "--i-accept-plaintext-udp"))
        {
            final String udp = observer.awaitUdpAddress();
            try (ClientProcess client = ClientProcess.agent(dir, "udp", udp, "beats", "5", "20"))
            {
                assertEquals(0, client.waitFor(LIMIT), client.stderr());
                beatsOf(agentPid(client), 5);
            }
            stop(observer);
        }
    }

    @Test
    void secureUdpBeatsWithASharedAndAMasterKeyAreAccepted() throws Exception
    {
        final Path shared = UdpSender.keyFile(dir, "shared.key", UdpSender.randomKey() + "\n", "rw-------");
        final Path master = UdpSender.keyFile(dir, "master.key", "# the master\n" + UdpSender.randomKey() + "\n",
            "rw-------");
        try (ObserverProcess observer = observer("events.tsv", "--udp-port", "0", "--key-file", shared.toString(),
            "--master-key-file", master.toString()))
        {
            final String udp = observer.awaitUdpAddress();
            try (ClientProcess a = ClientProcess.agent(dir, "secure", udp, shared.toString(), "beats", "5", "20");
                ClientProcess b = ClientProcess.agent(dir, "master", udp, master.toString(), "beats", "5", "20"))
            {
                assertEquals(0, a.waitFor(LIMIT), a.stderr());
                assertEquals(0, b.waitFor(LIMIT), b.stderr());
                beatsOf(agentPid(a), 5);
                beatsOf(agentPid(b), 5);
            }
            assertEquals(0, observer.terminate(LIMIT), observer.stderr());
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(10, summary.get("beats"), observer.stderr());
            assertEquals(null, summary.get("decrypt_failed"), observer.stderr());
            assertEquals(null, summary.get("replay_refused"), observer.stderr());
        }
    }

    @Test
    void aHeartbeatWhoseHealthCheckFailsStopsBeatingAndTheObserverReportsTheStall() throws Exception
    {
        try (ObserverProcess observer = observer("events.tsv");
            ClientProcess client = ClientProcess.agent(dir, "uds", socket().toString(), "heartbeat", "50", "1000"))
        {
            final long pid = agentPid(client);
            final List<ExportLog.Line> lines = ExportLog.await(export(), LIMIT,
                l -> !ExportLog.of(l, "stall", pid).isEmpty());
            assertTrue(client.process().isAlive(), "the service still runs: only its health check failed");
            assertTrue(ExportLog.of(lines, "beat", pid).size() >= 5, lines.toString());
            assertEquals(1, ExportLog.of(lines, "stall", pid).size());
            client.close();
            stop(observer);
        }
    }

    @Test
    void anUncaughtExceptionSendsTheTerminalFrame() throws Exception
    {
        try (ObserverProcess observer = observer("events.tsv");
            ClientProcess client = ClientProcess.agent(dir, "uds", socket().toString(), "die", "3", "20"))
        {
            assertEquals(1, client.waitFor(LIMIT), "main died of its exception");
            assertTrue(client.stderr().contains("Exception in thread \"main\" java.lang.IllegalStateException: the agent"
                + " died"), client.stderr());
            final long pid = agentPid(client);
            final List<ExportLog.Line> beats = ExportLog.of(ExportLog.await(export(), LIMIT,
                l -> ExportLog.of(l, "beat", pid).stream().anyMatch(b -> TERMINAL_NONCE.equals(b.nonce()))), "beat", pid);
            assertEquals(4, beats.size(), beats.toString());
            final ExportLog.Line terminal = beats.get(3);
            assertEquals("critical", terminal.status());
            assertEquals(TERMINAL_NONCE, terminal.nonce());
            stop(observer);
        }
    }

    @Test
    void beatsResumeAfterTheObserverIsKilledStoppedFrozenAndRestarted() throws Exception
    {
        ObserverProcess observer = observer("first.tsv");
        try (ClientProcess client = ClientProcess.agent(dir, "uds", socket().toString(), "forever", "20"))
        {
            final long pid = agentPid(client);
            awaitBeats("first.tsv", pid);

            observer.process().destroyForcibly().waitFor(); // SIGKILL: the socket file stays behind
            assertTrue(Files.exists(socket()));
            int from = client.lines().size();
            awaitOutcome(client, from, "failed: ECONNREFUSED (Connection refused)");

            observer = observer("second.tsv"); // takes the stale socket over
            from = client.lines().size();
            awaitOutcome(client, from, "sent");
            awaitBeats("second.tsv", pid);

            signal("STOP", observer); // frozen: its queue fills, the sends would block
            from = client.lines().size();
            awaitOutcome(client, from, "dropped: QUEUE_FULL (EAGAIN)");
            signal("CONT", observer);
            from = client.lines().size();
            awaitOutcome(client, from, "sent");

            stop(observer); // a clean stop removes the socket file
            from = client.lines().size();
            awaitOutcome(client, from, "failed: ENOENT (No such file or directory)");

            observer = observer("third.tsv");
            from = client.lines().size();
            awaitOutcome(client, from, "sent");
            awaitBeats("third.tsv", pid);

            for (final String line : client.lines().subList(1, client.lines().size()))
            {
                assertTrue(line.matches("\\d+ (sent|failed: ECONNREFUSED \\(Connection refused\\)|failed: ENOENT \\(No such"
                    + " file or directory\\)|dropped: QUEUE_FULL \\(EAGAIN\\))"), line);
            }
            assertTrue(client.process().isAlive(), "no exception ever reached the service: " + client.stderr());
            assertEquals("", client.stderr());
            stop(observer);
        }
        finally
        {
            observer.close();
        }
    }

    private void awaitBeats(final String export, final long pid) throws Exception
    {
        ExportLog.await(dir.resolve(export), LIMIT, l -> ExportLog.of(l, "beat", pid).size() >= 3);
    }

    /** Waits until a beat outcome line after line {@code from} ends with {@code outcome}. */
    private static void awaitOutcome(final ClientProcess client, final int from, final String outcome) throws Exception
    {
        client.await(LIMIT, l -> l.subList(Math.min(from, l.size()), l.size()).stream()
            .anyMatch(line -> line.endsWith(" " + outcome)));
    }

    private static void signal(final String signal, final ObserverProcess observer) throws IOException,
        InterruptedException
    {
        // bash's builtin kill: no procps needed
        assertEquals(0, new ProcessBuilder("bash", "-c", "kill -" + signal + " " + observer.process().pid()).inheritIO()
            .start().waitFor());
    }
}
