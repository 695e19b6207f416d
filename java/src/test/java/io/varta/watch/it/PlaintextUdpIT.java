package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import io.varta.watch.testsupport.UdpSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of the plaintext UDP listener ({@code --udp-port --i-accept-plaintext-udp}) against
 * {@code bin/varta-watch}, with the native {@code varta-send --udp} as the agent: beats from any host claim any pid,
 * so only the length, the frame and the pid_max gate apply, and a UDP beat never takes over a pid a UDS agent holds.
 */
class PlaintextUdpIT
{
    private static final Duration LIMIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private ObserverProcess start(final String... extra) throws Exception
    {
        final List<String> args = new java.util.ArrayList<>(List.of("--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "300", "--export-file", dir.resolve("events.tsv").toString(), "--export-file-sync-every", "1", "--max-beat-rate", "0",
            "--udp-port", "0",
            "--i-accept-plaintext-udp"));
        args.addAll(List.of(extra));
        return ObserverProcess.start(dir, args.toArray(String[]::new));
    }

    @Test
    void plaintextBeatsAreTrackedAndStall() throws Exception
    {
        try (ObserverProcess observer = start())
        {
            final String udp = observer.awaitUdpAddress();
            assertTrue(udp.startsWith("0.0.0.0:"), "the plaintext listener binds every interface by default: " + udp);
            assertTrue(observer.stderr().contains("WITHOUT authentication"), observer.stderr());
            final String local = "127.0.0.1:" + udp.substring(udp.lastIndexOf(':') + 1);
            UdpSender.send(local, List.of(), "beatpid:27001:ok:1", "sleep:20", "beatpid:27001:degraded:2:5");
            final List<ExportLog.Line> lines = ExportLog.await(dir.resolve("events.tsv"), LIMIT,
                l -> !ExportLog.of(l, "stall", 27001).isEmpty());
            assertEquals(2, ExportLog.of(lines, "beat", 27001).size(), lines.toString());
            assertEquals("degraded", ExportLog.of(lines, "beat", 27001).get(1).status());
            assertEquals(0, observer.terminate(LIMIT));
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(2, summary.get("beats"));
            assertEquals(summary.get("datagrams"), summary.get("accounted"));
        }
    }

    @Test
    void wrongLengthsAndPidsAboveMaxAreCountedWithoutEvents() throws Exception
    {
        final long pidMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).trim());
        try (ObserverProcess observer = start())
        {
            final String udp = observer.awaitUdpAddress();
            final String local = "127.0.0.1:" + udp.substring(udp.lastIndexOf(':') + 1);
            UdpSender.send(local, List.of(), "hex:5641", "hex:" + "00".repeat(33), "hex:" + "00".repeat(60),
                "beatpid:" + (pidMax + 1) + ":ok:1", "beatpid:27002:ok:1");
            ExportLog.await(dir.resolve("events.tsv"), LIMIT, l -> !ExportLog.of(l, "beat", 27002).isEmpty());
            assertEquals(0, observer.terminate(LIMIT));
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(5, summary.get("datagrams"), observer.stderr());
            assertEquals(3, summary.get("wrong_length"), observer.stderr());
            assertEquals(1, summary.get("pid_above_max"), observer.stderr() + ExportLog.read(dir.resolve("events.tsv")));
            assertEquals(1, summary.get("beats"));
            final List<ExportLog.Line> lines = ExportLog.read(dir.resolve("events.tsv"));
            assertTrue(ExportLog.of(lines, "beat", pidMax + 1).isEmpty(), "a pid above pid_max is dropped silently");
            assertEquals(0, ExportLog.ofKind(lines, "decode").size(), "wrong lengths raise no event");
        }
    }

    @Test
    void ipv6LoopbackListenerTakesBeats() throws Exception
    {
        try (ObserverProcess observer = start("--udp-bind-addr", "::1"))
        {
            final String udp = observer.awaitUdpAddress();
            assertTrue(udp.startsWith("[::1]:"), udp);
            UdpSender.send(udp, List.of(), "beatpid:27003:ok:1");
            ExportLog.await(dir.resolve("events.tsv"), LIMIT, l -> !ExportLog.of(l, "beat", 27003).isEmpty());
            assertEquals(0, observer.terminate(LIMIT));
        }
    }

    /** A network beat claiming the pid of a kernel-attested UDS agent is an origin conflict, never a takeover. */
    @Test
    void udpBeatCannotClaimThePidOfAUdsAgent() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = start("--threshold-ms", "5000"))
        {
            final String udp = observer.awaitUdpAddress();
            observer.awaitSocket(socket);
            final long agent = Sender.send(socket, "beat:ok:1");
            ExportLog.await(dir.resolve("events.tsv"), LIMIT, l -> !ExportLog.of(l, "beat", agent).isEmpty());
            final String local = "127.0.0.1:" + udp.substring(udp.lastIndexOf(':') + 1);
            UdpSender.send(local, List.of(), "beatpid:" + agent + ":critical:50");
            final List<ExportLog.Line> lines = ExportLog.await(dir.resolve("events.tsv"), LIMIT,
                l -> !ExportLog.of(l, "mismatch", agent).isEmpty());
            assertEquals("origin_conflict", ExportLog.of(lines, "mismatch", agent).get(0).payload());
            assertEquals(1, ExportLog.of(lines, "beat", agent).size(), "the UDP beat was not accepted");
            assertEquals(0, observer.terminate(LIMIT));
            assertEquals(1, ExportLog.ingestSummary(observer.stderr()).get("origin_conflict"), observer.stderr());
        }
    }

    /** libcrypto is resolved only for secure UDP: a plaintext observer never maps it. */
    @Test
    void plaintextObserverNeverLoadsLibcrypto() throws Exception
    {
        try (ObserverProcess observer = start())
        {
            observer.awaitUdpAddress();
            final String maps = String.join("\n", Files.readAllLines(Path.of("/proc/" + observer.process().pid() + "/maps")));
            assertFalse(maps.contains("libcrypto"), "libcrypto mapped without a key");
            assertEquals(0, observer.terminate(LIMIT));
        }
    }
}
