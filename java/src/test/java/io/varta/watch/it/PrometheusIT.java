package io.varta.watch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Prometheus files (packaging/prometheus) with the real Prometheus tools: the alerting rules pass
 * {@code promtool check rules} and their unit tests ({@code promtool test rules}, one per alert); the scrape
 * configuration passes {@code promtool check config}; every dashboard query is valid PromQL; and a real Prometheus
 * server, configured from the shipped scrape job (bearer token included, scrape interval shortened to 1 s), scrapes
 * a real {@code bin/varta-watch}: {@code up == 1}, a stalled agent's {@code varta_status == 3}, and the shipped
 * stall alert pending for it. Skipped with the reason where the Debian package {@code prometheus} is not
 * installed ({@code ci/test} installs it).
 */
class PrometheusIT
{
    private static final Path PACKAGING = Path.of(System.getProperty("varta.repo", ".."), "packaging").toAbsolutePath()
        .normalize();
    private static final Path RULES = PACKAGING.resolve("prometheus/varta-watch.rules.yml");
    private static final Path RULE_TESTS = PACKAGING.resolve("prometheus/varta-watch.rules.test.yml");
    private static final Path SCRAPE_CONFIG = PACKAGING.resolve("prometheus/scrape-config.yml");
    private static final Path DASHBOARD = PACKAGING.resolve("grafana/varta-watch.json");

    @TempDir
    Path dir;

    private static Path tool(final String name)
    {
        final Optional<Path> found = Stream.of(System.getenv("PATH").split(":")).map(p -> Path.of(p, name))
            .filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(found.isPresent(),
            name + " is not installed (Debian package 'prometheus'; ci/test installs it when apt-get can)");
        return found.get();
    }

    private static String run(final Path cwd, final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void theAlertRulesPassPromtoolAndTheirUnitTests() throws Exception
    {
        final Path promtool = tool("promtool");
        assertTrue(run(RULES.getParent(), promtool.toString(), "check", "rules", RULES.toString())
            .contains("SUCCESS: 10 rules found"));
        final String tests = run(RULE_TESTS.getParent(), promtool.toString(), "test", "rules", RULE_TESTS.toString());
        assertTrue(tests.contains("SUCCESS"), tests);
    }

    @Test
    void theScrapeConfigAndEveryDashboardQueryAreValid() throws Exception
    {
        final Path promtool = tool("promtool");
        final Path token = token();
        final Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, Files.readString(SCRAPE_CONFIG)
            .replace("/etc/prometheus/varta-watch.token", token.toString())
            .replace("/etc/prometheus/rules/varta-watch.rules.yml", RULES.toString()));
        run(dir, promtool.toString(), "check", "config", config.toString());

        final StringBuilder recording = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (final JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels"))
        {
            for (final JsonNode target : panel.path("targets"))
            {
                final String expr = target.path("expr").asText().replace("$__rate_interval", "5m")
                    .replace("$instance", ".*").replace("'", "''");
                recording.append("      - record: dashboard:query_").append(n++).append("\n        expr: '")
                    .append(expr).append("'\n");
            }
        }
        final Path queries = Files.writeString(dir.resolve("dashboard-queries.yml"), recording);
        assertTrue(run(dir, promtool.toString(), "check", "rules", queries.toString())
            .contains("SUCCESS: " + n + " rules found"), "every dashboard query parses as PromQL");
    }

    @Test
    void aRealPrometheusScrapesTheObserverWithTheTokenAndSeesAStalledAgent() throws Exception
    {
        final Path prometheus = tool("prometheus");
        final Path token = token();
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(), "--threshold-ms",
            "200", "--prom-addr", "127.0.0.1:0", "--prom-token-file", token.toString()))
        {
            final String target = awaitStdoutLine(observer);
            final long agent = Sender.send(socket, "beat:ok:1"); // then silence: a stall 200 ms later
            final int port;
            try (ServerSocket free = new ServerSocket(0))
            {
                port = free.getLocalPort();
            }
            final Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  evaluation_interval: 1s\n" + Files.readString(SCRAPE_CONFIG)
                .replace("/etc/prometheus/varta-watch.token", token.toString())
                .replace("/etc/prometheus/rules/varta-watch.rules.yml", RULES.toString())
                .replace("127.0.0.1:9477", target)
                .replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("scrape_timeout: 5s", "scrape_timeout: 1s"));
            final Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
            try
            {
                final String api = "http://127.0.0.1:" + port + "/api/v1/";
                final JsonNode up = await(api + "query?query=" + encode("up{job=\"varta-watch\"}"),
                    r -> r.path("data").path("result").size() == 1
                        && "1".equals(r.path("data").path("result").get(0).path("value").get(1).asText()), server);
                assertEquals(target, up.path("data").path("result").get(0).path("metric").path("instance").asText());
                await(api + "query?query=" + encode("varta_status{job=\"varta-watch\",pid=\"" + agent + "\"}"),
                    r -> r.path("data").path("result").size() == 1
                        && "3".equals(r.path("data").path("result").get(0).path("value").get(1).asText()), server);
                await(api + "alerts", r ->
                {
                    for (final JsonNode alert : r.path("data").path("alerts"))
                    {
                        if ("VartaAgentStalled".equals(alert.path("labels").path("alertname").asText())
                            && Long.toString(agent).equals(alert.path("labels").path("pid").asText()))
                        {
                            return true; // pending: the rule waits a minute before firing
                        }
                    }
                    return false;
                }, server);
                System.out.println("prometheus: up == 1 for " + target + ", varta_status{pid=\"" + agent
                    + "\"} == 3, VartaAgentStalled pending");
            }
            finally
            {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS))
                {
                    server.destroyForcibly();
                }
            }
        }
    }

    private Path token() throws IOException
    {
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        final Path file = dir.resolve("prom.token");
        Files.writeString(file, HexFormat.of().formatHex(bytes) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String awaitStdoutLine(final ObserverProcess observer) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (observer.stdout().isEmpty() || !observer.stdout().endsWith("\n"))
        {
            assertTrue(observer.process().isAlive(), "observer exited: " + observer.stderr());
            assertTrue(System.nanoTime() < deadline, "no /metrics address on stdout");
            Thread.sleep(20);
        }
        return observer.stdout().trim();
    }

    private static String encode(final String query)
    {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    /** Polls a Prometheus API URL until the JSON answer satisfies {@code done}; returns that answer. */
    private JsonNode await(final String url, final Predicate<JsonNode> done, final Process server) throws Exception
    {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        final List<String> seen = new ArrayList<>();
        while (true)
        {
            assertTrue(server.isAlive(), "prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            try
            {
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (200 == response.statusCode())
                {
                    final JsonNode answer = new ObjectMapper().readTree(response.body());
                    if (done.test(answer))
                    {
                        return answer;
                    }
                    seen.add(response.body());
                }
            }
            catch (final IOException notYet)
            {
                seen.add(notYet.toString()); // not listening yet
            }
            assertTrue(System.nanoTime() < deadline, "no answer from " + url + " satisfied the test; last: "
                + (seen.isEmpty() ? "-" : seen.get(seen.size() - 1)) + "\nlog: "
                + Files.readString(dir.resolve("prometheus.log")));
            Thread.sleep(250);
        }
    }
}
