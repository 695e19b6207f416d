package io.varta.watch.it;

import io.varta.watch.testsupport.ClientProcess;
import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ObserverProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's client example is real: the fenced block after the {@code client-example} marker is compiled with the
 * system Java compiler against the client's class path only (varta-client, varta-vlp), then run in a JVM of its own
 * against {@code bin/varta-watch}: its beats arrive under its pid, and the shutdown hook's terminal frame when it ends.
 */
class ReadmeClientExampleIT
{
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Pattern EXAMPLE = Pattern.compile("<!-- client-example[^>]*-->\\s*```java\\n(.*?)```",
        Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCompilesRunsAndIsWatched() throws Exception
    {
        final Path readme = Path.of(System.getProperty("varta.repo", ".."), "README.md");
        final Matcher block = EXAMPLE.matcher(Files.readString(readme));
        assertTrue(block.find(), "README.md has no client-example block");
        final String source = block.group(1);
        final Matcher name = CLASS.matcher(source);
        assertTrue(name.find(), "the example declares no public class");
        final Path classes = Files.createDirectory(dir.resolve("classes"));
        final Path file = Files.writeString(dir.resolve(name.group(1) + ".java"), source);

        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final String classPath = ClientProcess.clientClassPath().stream().map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator));
        final int rc = javac.run(null, diagnostics, diagnostics, "--release", "17", "-Xlint:all", "-Werror",
            "-cp", classPath, "-d", classes.toString(), file.toString());
        assertEquals(0, rc, "the README example does not compile:\n" + diagnostics);

        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("events.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(), "--threshold-ms",
            "500", "--export-file", export.toString(), "--export-file-sync-every", "1"))
        {
            observer.awaitSocket(socket);
            try (ClientProcess service = ClientProcess.start(dir, classes, name.group(1), socket.toString()))
            {
                assertEquals(0, service.waitFor(LIMIT), service.stderr());
                assertEquals("", service.stderr());
                final long pid = service.pid();
                final List<ExportLog.Line> beats = ExportLog.of(ExportLog.await(export, LIMIT,
                    l -> ExportLog.of(l, "beat", pid).stream().anyMatch(b -> "critical".equals(b.status()))), "beat", pid);
                assertTrue(beats.size() >= 10, "about one beat per 100 ms for two seconds: " + beats);
                final ExportLog.Line last = beats.get(beats.size() - 1);
                assertEquals("18446744073709551615", last.nonce(), "the shutdown hook's terminal frame comes last");
                assertEquals("ok", beats.get(0).status());
            }
            assertEquals(0, observer.terminate(LIMIT), observer.stderr());
        }
    }
}
