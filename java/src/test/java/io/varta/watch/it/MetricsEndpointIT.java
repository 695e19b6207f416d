package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Scrape;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalDouble;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of {@code /metrics}: a spawned {@code bin/varta-watch --prom-addr 127.0.0.1:0}, its address
 * read from the only stdout line, raw HTTP/1.0 requests.
 */
class MetricsEndpointIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);
    private static final String[] DECODE_KINDS = {"bad_magic", "bad_version", "bad_status", "bad_pid",
        "bad_timestamp", "bad_nonce", "stall_on_wire", "bad_crc"};

    @TempDir
    Path dir;

    private final String token = HexFormat.of().formatHex(randomBytes());

    private static byte[] randomBytes()
    {
        final byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private Path tokenFile(final String content, final String mode) throws IOException
    {
        final Path file = dir.resolve("prom-" + System.nanoTime() + ".token");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private ObserverProcess start(final String... extra) throws IOException
    {
        final String[] base = {"--socket", dir.resolve("obs.sock").toString(), "--prom-addr", "127.0.0.1:0",
            "--prom-token-file", tokenFile(token + "\n", "rw-------").toString()};
        final String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return ObserverProcess.start(dir, args);
    }

    /** Waits for the one stdout line. */
    private static String address(final ObserverProcess observer) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline)
        {
            final String out = observer.stdout();
            if (out.contains("\n"))
            {
                return out.substring(0, out.indexOf('\n'));
            }
            if (!observer.process().isAlive())
            {
                throw new AssertionError("exited " + observer.exitCode() + ": " + observer.stderr());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no address line; stderr: " + observer.stderr());
    }

    /** Scrapes until {@code done} holds (the body is cached for 1 s, so values lag up to a second). */
    private Scrape scrapeUntil(final String address, final Predicate<Scrape> done) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Scrape last = null;
        while (System.nanoTime() < deadline)
        {
            last = Scrape.get(address, token);
            if (200 == last.status() && done.test(last))
            {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("condition not met; last scrape:\n" + last);
    }

    private static boolean is(final Scrape s, final String series, final double expected)
    {
        final OptionalDouble v = s.value(series);
        return v.isPresent() && v.getAsDouble() == expected;
    }

    @Test
    void sigquitThreadDumpGoesToStderrAndStdoutKeepsOnlyTheAddress() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "1000"))
        {
            final String address = address(observer);
            final Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(observer.process().pid())).start();
            assertEquals(0, kill.waitFor());
            final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!observer.stderr().contains("Full thread dump") && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertTrue(observer.stderr().contains("Full thread dump"), "the JVM's thread dump goes to stderr");
            assertTrue(observer.process().isAlive(), "SIGQUIT does not stop the observer");
            assertEquals(0, observer.terminate(Duration.ofSeconds(10)));
            assertEquals(address + "\n", observer.stdout(), "stdout carries only the metrics address");
        }
    }

    @Test
    void addressLineIsTheOnlyStdoutOutputAndTheRightTokenGetsEveryFamilyAtZero() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "1000"))
        {
            final String address = address(observer);
            assertTrue(address.matches("127\\.0\\.0\\.1:[1-9][0-9]*"), address);
            final Scrape s = Scrape.get(address, token);
            assertEquals(200, s.status(), s::toString);
            assertTrue(s.header("Content-Type").startsWith("text/plain; version=0.0.4"), s::toString);
            for (final String kind : DECODE_KINDS)
            {
                assertTrue(is(s, "varta_decode_errors_total{kind=\"" + kind + "\"}", 0), kind);
            }
            for (final String reason : new String[] {"drain", "rate_limit", "ip_table_full"})
            {
                assertTrue(is(s, "varta_prom_connections_dropped_total{reason=\"" + reason + "\"}", 0), reason);
            }
            assertTrue(is(s, "varta_rate_limited_total{reason=\"per_pid\"}", 0), s::body);
            assertTrue(is(s, "varta_observer_iteration_seconds_bucket{le=\"+Inf\"}",
                s.value("varta_observer_iteration_seconds_count").orElseThrow()), s::body);
            assertTrue(s.value("varta_observer_iteration_seconds_bucket{le=\"0.001\"}").isPresent(), s::body);
            assertTrue(is(s, "varta_watch_pids_tracked", 0), s::body);
            assertTrue(is(s, "varta_tracker_capacity", 256), s::body);
            assertTrue(s.value("varta_watch_uptime_seconds").isPresent(), s::body);
            assertTrue(s.value("varta_ring_capacity_records").orElseThrow() > 0, s::body);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT), () -> "stderr: " + stderr(observer));
            assertEquals(address + "\n", observer.stdout());
        }
    }

    @Test
    void perPidBeatsThenStallAndStatus() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "400", "--max-beat-rate", "0"))
        {
            final String address = address(observer);
            final long pid = Sender.send(dir.resolve("obs.sock"), "beat:ok:1:1", "beat:ok:2:2", "beat:ok:3:3",
                "beat:ok:4:4", "beat:degraded:5:5");
            final String p = "{pid=\"" + pid + "\"}";
            scrapeUntil(address, s -> is(s, "varta_beats_total" + p, 5));
            final Scrape stalled = scrapeUntil(address, s -> is(s, "varta_stalls_total" + p, 1));
            assertTrue(is(stalled, "varta_status" + p, 3), stalled::body);
            assertTrue(is(stalled, "varta_beats_total" + p, 5), stalled::body);
            assertTrue(is(stalled, "varta_watch_pids_tracked", 1), stalled::body);
        }
    }

    @Test
    void badMagicIsCountedAndEveryOtherDecodeKindStaysAtZero() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "1000"))
        {
            final String address = address(observer);
            Sender.send(dir.resolve("obs.sock"), "hex:" + "ff".repeat(32));
            final Scrape s = scrapeUntil(address, x -> is(x, "varta_decode_errors_total{kind=\"bad_magic\"}", 1));
            for (final String kind : DECODE_KINDS)
            {
                if (!"bad_magic".equals(kind))
                {
                    assertTrue(is(s, "varta_decode_errors_total{kind=\"" + kind + "\"}", 0), kind);
                }
            }
        }
    }

    @Test
    void missingOrWrongTokenGets401WithBearerChallengeAndIsCounted() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "1000"))
        {
            final String address = address(observer);
            final Scrape missing = Scrape.request(address, "GET", null);
            assertEquals(401, missing.status(), missing::toString);
            assertEquals("Bearer realm=\"varta\"", missing.header("WWW-Authenticate"));
            final String wrong = token.charAt(0) == '0' ? "1" + token.substring(1) : "0" + token.substring(1);
            final Scrape bad = Scrape.request(address, "GET", "Bearer " + wrong);
            assertEquals(401, bad.status(), bad::toString);
            final Scrape trailing = Scrape.request(address, "GET", "Bearer " + token + " x");
            assertEquals(401, trailing.status(), trailing::toString);
            final Scrape upper = Scrape.request(address, "GET", "bearer " + token.toUpperCase());
            assertEquals(200, upper.status(), "scheme and hex are case-insensitive");
            scrapeUntil(address, s -> is(s, "varta_prom_auth_failures_total", 3));
        }
    }

    @Test
    void postGets405AllowGet() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "1000"))
        {
            final Scrape s = Scrape.request(address(observer), "POST", "Bearer " + token);
            assertEquals(405, s.status(), s::toString);
            assertEquals("GET", s.header("Allow"));
        }
    }

    @Test
    void perIpRateLimitClosesTheThirdQuickRequestWithoutAnswerAndCountsIt() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "1000", "--prom-rate-limit-per-sec", "1",
            "--prom-rate-limit-burst", "2"))
        {
            final String address = address(observer);
            assertEquals(200, Scrape.get(address, token).status());
            assertEquals(200, Scrape.get(address, token).status());
            assertTrue(Scrape.get(address, token).isEmpty(), "third request within a second: closed unanswered");
            Thread.sleep(1_200); // one token back, and the cached body expired
            final Scrape s = Scrape.get(address, token);
            assertEquals(200, s.status(), s::toString);
            assertTrue(is(s, "varta_prom_connections_dropped_total{reason=\"rate_limit\"}", 1), s::body);
        }
    }

    @Test
    void bodyIsCachedForOneSecondAndCacheHitsAreCounted() throws Exception
    {
        try (ObserverProcess observer = start("--threshold-ms", "1000"))
        {
            final String address = address(observer);
            final Scrape first = Scrape.get(address, token);
            final Scrape second = Scrape.get(address, token);
            assertArrayEquals(first.body().getBytes(), second.body().getBytes(), "within the window: same body");
            Thread.sleep(1_100);
            final Scrape third = Scrape.get(address, token);
            assertNotEquals(first.body(), third.body(), "re-rendered after the window");
            assertTrue(third.value("varta_scrape_skipped_total").orElseThrow() >= 1, third::body);
        }
    }

    @Test
    void tokenFileRefusalsAreStartupErrors() throws Exception
    {
        final Path good = tokenFile(token, "rw-------");
        final Path link = dir.resolve("link.token");
        Files.createSymbolicLink(link, good);
        final Path directory = Files.createDirectory(dir.resolve("token.d"));
        final String[][] cases = {
            {link.toString(), link + ": must not be a symlink"},
            {tokenFile(token, "rw-r--r--").toString(), ": insecure permissions 644 (must be 0600 or stricter)"},
            {directory.toString(), directory + ": must be a regular file"},
            {tokenFile("abc", "rw-------").toString(), "64 hex"},
            {tokenFile("g".repeat(64), "rw-------").toString(), "64 hex"},
        };
        for (final String[] c : cases)
        {
            final ObserverProcess p = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
                "--threshold-ms", "100", "--prom-addr", "127.0.0.1:0", "--prom-token-file", c[0]);
            assertEquals(1, p.exitCode(), () -> c[0] + ": " + stderr(p));
            assertTrue(stderr(p).startsWith("varta-watch: ") && stderr(p).contains(c[1]), () -> stderr(p));
            assertEquals("", p.stdout());
            assertTrue(Files.notExists(dir.resolve("obs.sock")), "nothing bound before the token check");
        }
    }

    @Test
    void addressAndTokenFileRequireEachOther() throws Exception
    {
        final ObserverProcess noToken = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--prom-addr", "127.0.0.1:0");
        assertEquals(2, noToken.exitCode());
        assertTrue(stderr(noToken).contains("--prom-token-file"), () -> stderr(noToken));
        final ObserverProcess noAddr = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--prom-token-file", tokenFile(token, "rw-------").toString());
        assertEquals(2, noAddr.exitCode());
        assertTrue(stderr(noAddr).contains("--prom-token-file and (missing --prom-addr) are mutually exclusive"),
            () -> stderr(noAddr));
    }

    private static String stderr(final ObserverProcess p)
    {
        try
        {
            return p.stderr();
        }
        catch (final IOException e)
        {
            return e.toString();
        }
    }
}
