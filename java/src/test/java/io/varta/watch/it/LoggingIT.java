package io.varta.watch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Diagnostics on stderr: text lines by default, one JSON object per line with --log-format json. */
class LoggingIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private String runWithOneSpoofedFrame(final String... extra) throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final List<String> args = new ArrayList<>(List.of("--socket", socket.toString(), "--threshold-ms", "60000"));
        args.addAll(List.of(extra));
        try (ObserverProcess observer = ObserverProcess.start(dir, args.toArray(new String[0])))
        {
            observer.awaitSocket(socket);
            Sender.send(socket, "beatpid:4242:ok:1");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
            assertEquals("", observer.stdout(), "nothing but the metrics address ever goes to stdout");
            return observer.stderr();
        }
    }

    @Test
    void textLinesCarryThePrefix() throws Exception
    {
        final String stderr = runWithOneSpoofedFrame();
        for (final String line : stderr.split("\n"))
        {
            assertTrue(line.startsWith("varta-watch: "), line);
        }
        assertTrue(stderr.contains("varta-watch: dropped a frame claiming pid 4242: auth_failure"), stderr);
    }

    @Test
    void jsonLinesAreOneObjectEach() throws Exception
    {
        final String stderr = runWithOneSpoofedFrame("--log-format", "json");
        final ObjectMapper json = new ObjectMapper();
        final List<String> messages = new ArrayList<>();
        for (final String line : stderr.split("\n"))
        {
            final JsonNode node = json.readTree(line);
            assertTrue(node.get("ts_ns").isIntegralNumber(), line);
            assertTrue(List.of("info", "warn", "error").contains(node.get("level").asText()), line);
            messages.add(node.get("msg").asText());
        }
        assertTrue(messages.contains("dropped a frame claiming pid 4242: auth_failure"), messages::toString);
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("ingest: datagrams=1 ")), messages::toString);
    }
}
