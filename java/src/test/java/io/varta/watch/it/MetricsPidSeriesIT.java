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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of the per-pid series cap ({@code --prom-pid-series-max}) and {@code GET /metrics?pids=0}
 * against the real launcher, with real sender processes.
 */
class MetricsPidSeriesIT
{
    private static final String TOKEN = "ef".repeat(32);

    @TempDir
    Path dir;

    private Path tokenFile() throws IOException
    {
        final Path file = dir.resolve("prom.token");
        Files.writeString(file, TOKEN);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

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

    /** Scrapes {@code path} until {@code done} holds (bodies are cached for 1 s). */
    private static Scrape scrapeUntil(final String address, final String path, final Predicate<Scrape> done)
        throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Scrape last = null;
        while (System.nanoTime() < deadline)
        {
            last = Scrape.get(address, TOKEN, path);
            if (200 == last.status() && done.test(last))
            {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("condition not met; last scrape:\n" + last);
    }

    private static boolean is(final Scrape s, final String series, final double expected)
    {
        return s.value(series).isPresent() && s.value(series).getAsDouble() == expected;
    }

    /** Beats every 100 ms for about 20 s from one new process (never silent for the 1 s threshold). */
    private Process steadySender(final Path socket) throws IOException
    {
        final List<String> items = new ArrayList<>();
        for (int nonce = 1; nonce <= 200; nonce++)
        {
            items.add("beat:ok:" + nonce);
            items.add("sleep:100");
        }
        return Sender.start(socket, items.toArray(new String[0]));
    }

    @Test
    void overTheCapTheStalledPidKeepsItsRowsTheRestAreCountedAndPidsZeroDropsThemAll() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "1000", "--max-beat-rate", "0", "--prom-addr", "127.0.0.1:0",
            "--prom-token-file", tokenFile().toString(), "--prom-rate-limit-burst", "0",
            "--prom-pid-series-max", "1"))
        {
            final String address = address(observer);
            final long stalled = Sender.send(socket, "beat:ok:1");
            final String row = "{pid=\"" + stalled + "\"}";
            scrapeUntil(address, "/metrics", s -> is(s, "varta_stalls_total" + row, 1));
            final List<Process> beating = new ArrayList<>();
            try
            {
                for (int i = 0; i < 2; i++)
                {
                    beating.add(steadySender(socket));
                }
                final Scrape capped = scrapeUntil(address, "/metrics", s -> is(s, "varta_watch_pids_tracked", 3));
                assertTrue(is(capped, "varta_status" + row, 3), capped::body);
                assertEquals(1, capped.body().lines().filter(l -> l.startsWith("varta_beats_total{")).count(),
                    capped::body);
                for (final Process p : beating)
                {
                    assertFalse(capped.body().contains("pid=\"" + p.pid() + "\""), "over the cap: no row");
                }
                assertTrue(is(capped, "varta_prom_pid_series_omitted", 2), capped::body);
                assertTrue(is(capped, "varta_prom_pid_series_max", 1), capped::body);

                final Scrape aggregates = Scrape.get(address, TOKEN, "/metrics?pids=0");
                assertEquals(200, aggregates.status(), aggregates::toString);
                assertFalse(aggregates.body().contains("{pid="), aggregates::body);
                assertTrue(is(aggregates, "varta_prom_pid_series_omitted", 3), aggregates::body);
                assertTrue(is(aggregates, "varta_watch_pids_tracked", 3), aggregates::body);
                assertTrue(is(aggregates, "varta_decode_errors_total{kind=\"bad_magic\"}", 0), aggregates::body);

                final Scrape typo = Scrape.get(address, TOKEN, "/metrics?pids=none");
                assertEquals(400, typo.status(), typo::toString);
                assertTrue(typo.body().startsWith("pids: expected 0"), typo::body);
            }
            finally
            {
                for (final Process p : beating)
                {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void aBadCapIsAUsageErrorNamingTheFlag() throws Exception
    {
        final ObserverProcess p = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--prom-pid-series-max", "4194305");
        assertEquals(2, p.exitCode());
        assertTrue(p.stderr().startsWith("varta-watch: --prom-pid-series-max: 4194305 is outside the accepted range"
            + " [0, 4194304]\n\n"), p::toString);
        assertEquals("", p.stdout());
    }
}
