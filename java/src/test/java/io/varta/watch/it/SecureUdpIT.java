package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Scrape;
import io.varta.watch.testsupport.UdpSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of the secure UDP listener against {@code bin/varta-watch}: {@code varta-send --udp} seals beats
 * with ChaCha20-Poly1305 like an agent (a fresh IV prefix per run, counters from 0), and the observer must accept
 * them, refuse what fails authentication or repeats, fail closed when its replay table is full, accept rotated keys,
 * and survive a flood of garbage, counting every datagram.
 */
class SecureUdpIT
{
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final String key = UdpSender.randomKey();
    private final String master = UdpSender.randomKey();

    private Path keyFile() throws Exception
    {
        return UdpSender.keyFile(dir, "shared.key", key + "\n", "rw-------");
    }

    private Path masterFile() throws Exception
    {
        return UdpSender.keyFile(dir, "master.key", master + "\n", "rw-------");
    }

    private ObserverProcess start(final String... extra) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "400", "--export-file", dir.resolve("events.tsv").toString(), "--export-file-sync-every", "1", "--max-beat-rate", "0",
            "--udp-port", "0"));
        args.addAll(List.of(extra));
        return ObserverProcess.start(dir, args.toArray(String[]::new));
    }

    private List<ExportLog.Line> awaitLines(final java.util.function.Predicate<List<ExportLog.Line>> until)
        throws Exception
    {
        return ExportLog.await(dir.resolve("events.tsv"), LIMIT, until);
    }

    private Map<String, Long> stop(final ObserverProcess observer) throws Exception
    {
        assertEquals(0, observer.terminate(LIMIT), observer.stderr());
        final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
        assertEquals(summary.get("datagrams"), summary.get("accounted"), "every datagram has one outcome");
        return summary;
    }

    @Test
    void sharedAndMasterKeyBeatsAreAcceptedAndStall() throws Exception
    {
        final Path shared = keyFile();
        final Path masterKey = masterFile();
        try (ObserverProcess observer = start("--key-file", shared.toString(), "--master-key-file", masterKey.toString()))
        {
            final String udp = observer.awaitUdpAddress();
            assertTrue(udp.startsWith("127.0.0.1:"), "loopback by default with keys: " + udp);
            assertFalse(observer.stderr().contains("non-loopback"), observer.stderr());
            final long agent = UdpSender.send(udp, List.of("--key-file", shared.toString()), "beat:ok:1", "sleep:10",
                "beat:ok:2");
            UdpSender.send(udp, List.of("--master-key-file", masterKey.toString()), "beatpid:28001:ok:1",
                "beatpid:28002:degraded:1:7");
            final List<ExportLog.Line> lines = awaitLines(l -> !ExportLog.of(l, "stall", agent).isEmpty()
                && !ExportLog.of(l, "stall", 28001).isEmpty() && !ExportLog.of(l, "stall", 28002).isEmpty());
            assertEquals(2, ExportLog.of(lines, "beat", agent).size(), lines.toString());
            assertEquals("7", ExportLog.of(lines, "beat", 28002).get(0).payload());
            final Map<String, Long> summary = stop(observer);
            assertEquals(4, summary.get("beats"));
            assertEquals(2 + 2 * 2, summary.get("aead_attempts"), "60 bytes: 1 key; 64 bytes: the key and the master");
        }
    }

    @Test
    void wrongKeyIsDroppedWithoutAnEvent() throws Exception
    {
        final Path shared = keyFile();
        final Path other = UdpSender.keyFile(dir, "other.key", UdpSender.randomKey() + "\n", "rw-------");
        try (ObserverProcess observer = start("--key-file", shared.toString()))
        {
            final String udp = observer.awaitUdpAddress();
            UdpSender.send(udp, List.of("--key-file", other.toString()), "beatpid:28010:ok:1");
            UdpSender.send(udp, List.of("--master-key-file", other.toString()), "beatpid:28011:ok:1");
            UdpSender.send(udp, List.of("--key-file", shared.toString()), "beatpid:28012:ok:1");
            awaitLines(l -> !ExportLog.of(l, "beat", 28012).isEmpty());
            final Map<String, Long> summary = stop(observer);
            assertEquals(2, summary.get("decrypt_failed"), observer.stderr());
            final List<ExportLog.Line> lines = ExportLog.read(dir.resolve("events.tsv"));
            assertTrue(ExportLog.of(lines, "beat", 28010).isEmpty() && ExportLog.of(lines, "beat", 28011).isEmpty());
            assertEquals(List.of(), ExportLog.ofKind(lines, "decode"), "an AEAD failure is no decode error");
        }
    }

    @Test
    void replayedReorderedAndOldSessionDatagramsAreRefused() throws Exception
    {
        final Path shared = keyFile();
        try (ObserverProcess observer = start("--key-file", shared.toString(), "--threshold-ms", "5000"))
        {
            final String udp = observer.awaitUdpAddress();
            UdpSender.send(udp, List.of("--key-file", shared.toString(), "--iv-prefix", "0101010101010101"),
                "beatpid:28020:ok:10",
                "again:",                      // the same datagram once more: a replay
                "counter:5", "beatpid:28020:ok:11",
                "counter:3", "beatpid:28020:ok:12", // a lower counter on the same prefix: reordered
                "prefix:0202020202020202", "counter:0", "beatpid:28020:ok:9", // a new prefix, a lower nonce
                "prefix:0303030303030303", "counter:0", "beatpid:28020:ok:13"); // a new prefix, a higher nonce
            awaitLines(l -> ExportLog.of(l, "beat", 28020).size() == 3);
            final Map<String, Long> summary = stop(observer);
            assertEquals(3, summary.get("replay_refused"), observer.stderr());
            final List<String> nonces = ExportLog.of(ExportLog.read(dir.resolve("events.tsv")), "beat", 28020).stream()
                .map(ExportLog.Line::nonce).toList();
            assertEquals(List.of("10", "11", "13"), nonces);
        }
    }

    /** One process claims 1025 pids with the master key: the replay table holds 1024 and refuses the next. */
    @Test
    void the1025thSenderIsRefusedWhileTheTableIsFull() throws Exception
    {
        final Path masterKey = masterFile();
        try (ObserverProcess observer = start("--master-key-file", masterKey.toString(), "--threshold-ms", "60000",
            "--tracker-capacity", "4096"))
        {
            final String udp = observer.awaitUdpAddress();
            final List<String> sealed = List.of("--master-key-file", masterKey.toString());
            UdpSender.send(udp, sealed, "beatpids:10000:512:ok:1", "sleep:20", "beatpids:10512:513:ok:1");
            UdpSender.send(udp, sealed, "beatpid:10000:ok:2");
            awaitLines(l -> ExportLog.of(l, "beat", 10000).size() == 2);
            final Map<String, Long> summary = stop(observer);
            assertEquals(1, summary.get("sender_table_full"), observer.stderr());
            assertEquals(1025, summary.get("beats"), "1024 senders, then a known one again");
            assertTrue(ExportLog.of(ExportLog.read(dir.resolve("events.tsv")), "beat", 11024).isEmpty());
        }
    }

    @Test
    void acceptedKeysLetAgentsRotate() throws Exception
    {
        final Path current = keyFile();
        final String next = UdpSender.randomKey();
        final String older = UdpSender.randomKey();
        final Path accepted = UdpSender.keyFile(dir, "accepted.keys", "# rotation\n" + next + "\n\n" + older + "\n",
            "r--------");
        final Path nextFile = UdpSender.keyFile(dir, "next.key", next + "\n", "rw-------");
        final Path olderFile = UdpSender.keyFile(dir, "older.key", older + "\n", "rw-------");
        final Path retired = UdpSender.keyFile(dir, "retired.key", UdpSender.randomKey() + "\n", "rw-------");
        try (ObserverProcess observer = start("--key-file", current.toString(), "--accepted-key-file", accepted.toString()))
        {
            final String udp = observer.awaitUdpAddress();
            assertTrue(observer.stderr().contains("3 shared keys"), observer.stderr());
            UdpSender.send(udp, List.of("--key-file", current.toString()), "beatpid:28030:ok:1");
            UdpSender.send(udp, List.of("--key-file", nextFile.toString()), "beatpid:28031:ok:1");
            UdpSender.send(udp, List.of("--key-file", olderFile.toString()), "beatpid:28032:ok:1");
            UdpSender.send(udp, List.of("--key-file", retired.toString()), "beatpid:28033:ok:1");
            awaitLines(l -> !ExportLog.of(l, "beat", 28030).isEmpty() && !ExportLog.of(l, "beat", 28031).isEmpty()
                && !ExportLog.of(l, "beat", 28032).isEmpty());
            final Map<String, Long> summary = stop(observer);
            assertEquals(1, summary.get("decrypt_failed"), "a key in no file is refused");
            assertEquals(12, summary.get("aead_attempts"), "every key tried on every datagram");
        }
    }

    @Test
    void anAuthenticFrameThatFailsDecodingIsADecodeError() throws Exception
    {
        final Path shared = keyFile();
        try (ObserverProcess observer = start("--key-file", shared.toString()))
        {
            final String udp = observer.awaitUdpAddress();
            // frame-error-bad-crc of the vectors, sealed as it is
            UdpSender.send(udp, List.of("--key-file", shared.toString()),
                "sealhex:564102000200000064000000000000000100000000000000000000006bfbb06f");
            final List<ExportLog.Line> lines = awaitLines(l -> !ExportLog.ofKind(l, "decode").isEmpty());
            assertTrue(ExportLog.ofKind(lines, "decode").get(0).payload().startsWith("BadCrc"), lines.toString());
            assertEquals(1, stop(observer).get("decode_bad_crc"));
        }
    }

    @Test
    void aFloodOfRandomDatagramsIsCountedAndNeverAdmitted() throws Exception
    {
        final Path shared = keyFile();
        final Path masterKey = masterFile();
        final String token = UdpSender.randomKey();
        final Path tokenFile = UdpSender.keyFile(dir, "prom.token", token + "\n", "rw-------");
        try (ObserverProcess observer = start("--key-file", shared.toString(), "--master-key-file", masterKey.toString(),
            "--prom-addr", "127.0.0.1:0", "--prom-token-file", tokenFile.toString()))
        {
            final String udp = observer.awaitUdpAddress();
            final List<String> flood = new ArrayList<>();
            for (int i = 0; i < 30; i++) // paced in chunks the socket buffer holds: the kernel drops nothing
            {
                flood.addAll(List.of("random:60:100", "random:64:100", "sleep:5"));
            }
            flood.addAll(List.of("random:61:100", "random:65:100"));
            UdpSender.send(udp, List.of(), flood.toArray(String[]::new));
            UdpSender.send(udp, List.of("--key-file", shared.toString()), "beatpid:28040:ok:1");
            awaitLines(l -> !ExportLog.of(l, "beat", 28040).isEmpty());
            assertTrue(observer.process().isAlive());
            final long deadline = System.nanoTime() + LIMIT.toNanos();
            while (!observer.stdout().contains("\n") && System.nanoTime() < deadline)
            {
                Thread.sleep(20); // the /metrics address line comes after the UDP listener's ready line
            }
            final String prom = observer.stdout().strip();
            Scrape scrape = null;
            while (System.nanoTime() < deadline)
            {
                scrape = Scrape.get(prom, token);
                if (200 == scrape.status() && scrape.value("varta_frame_decrypt_failures_total").orElse(0) >= 6000)
                {
                    break;
                }
                Thread.sleep(250);
            }
            assertEquals(6000, scrape.value("varta_frame_decrypt_failures_total").orElse(-1), scrape.toString());
            assertEquals(3000 + 2 * 3000 + 1, scrape.value("varta_secure_aead_attempts_total").orElse(-1));
            assertEquals(200, scrape.value("varta_truncated_datagrams_total").orElse(-1));
            assertEquals(0, scrape.value("varta_secure_replay_refused_total").orElse(-1));
            assertEquals(0, scrape.value("varta_sender_state_full_total").orElse(-1));
            assertEquals(0, scrape.value("varta_frame_rejected_pid_above_max_total").orElse(-1));
            assertTrue(scrape.value("varta_pid_max_current").orElse(0) >= 32768, scrape.toString());
            final Map<String, Long> summary = stop(observer);
            assertEquals(6201, summary.get("datagrams"));
            assertEquals(1, summary.get("beats"));
            assertEquals(1, ExportLog.ofKind(ExportLog.read(dir.resolve("events.tsv")), "beat").size());
        }
    }

    @Test
    void secureObserverMapsLibcryptoOnlyBecauseOfTheKey() throws Exception
    {
        try (ObserverProcess observer = start("--key-file", keyFile().toString()))
        {
            observer.awaitUdpAddress();
            final String maps = String.join("\n", Files.readAllLines(Path.of("/proc/" + observer.process().pid() + "/maps")));
            assertTrue(maps.contains("libcrypto.so.3"), "secure UDP resolves libcrypto.so.3");
            assertEquals(0, observer.terminate(LIMIT));
        }
    }
}
