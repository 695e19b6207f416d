package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paths are bytes on Linux: the observer takes a path flag's value exactly as it was started with, whatever the
 * locale, and never renames it (no re-encoding, no normalisation).
 */
class PathsIT
{
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aNonAsciiSocketPathUnderTheCLocaleIsBoundAsGiven() throws Exception
    {
        final Path socket = dir.resolve("café.sock"); // UTF-8 bytes on this test's command line
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, Map.of("LC_ALL", "C"), "--socket",
            socket.toString(), "--threshold-ms", "60000", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final long pid = Sender.send(socket, "beat:ok:1");
            assertEquals(0, observer.terminate(LIMIT), observer.stderr());
            assertEquals(1, ExportLog.of(ExportLog.read(export), "beat", pid).size(), observer.stderr());
            assertFalse(observer.stderr().contains("Exception"), observer.stderr());
        }
    }

    @Test
    void aSocketPathWithAByteThatIsNoCharacterIsBoundUnderExactlyThoseBytes() throws Exception
    {
        // bash builds the path byte by byte (0xFF is no character in UTF-8) and checks the file by those bytes
        final String script = "sock=$(printf '%s/x\\377y.sock' \"$1\"); \"$2\" --socket \"$sock\" --threshold-ms 60000"
            + " --shutdown-after-secs 3 & for i in $(seq 100); do [ -S \"$sock\" ] && break; sleep 0.05; done;"
            + " [ -S \"$sock\" ] || exit 7; \"$3\" \"$sock\" beat:ok:1 || exit 8; wait $! || exit 9;"
            + " [ ! -e \"$sock\" ] || exit 10";
        final Process p = new ProcessBuilder("bash", "-c", script, "paths", dir.toString(),
            ObserverProcess.launcher().toString(), Sender.tool().toString())
            .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        final String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), "7: not bound under the exact bytes, 8: not reachable by them, 9: bad exit,"
            + " 10: not removed at exit\n" + out);
        assertTrue(out.contains("beats=1"), out);
        try (var files = Files.list(dir))
        {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".sock")).toList(),
                "no socket under another name");
        }
    }

    @Test
    void aTrailingSlashIsKeptAndTheKernelRefusesIt() throws Exception
    {
        final Path socket = dir.resolve("d.sock");
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", socket + "/", "--threshold-ms", "100");
        assertEquals(1, observer.exitCode(), observer.stderr());
        assertTrue(observer.stderr().contains("cannot bind observer socket at " + socket + "/: No such file or"
            + " directory"), observer.stderr());
        assertFalse(Files.exists(socket), "never bound under another name");
    }

    @Test
    void anEmptyPathIsAUsageError() throws Exception
    {
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", "", "--threshold-ms", "100");
        assertEquals(2, observer.exitCode(), observer.stderr());
        assertTrue(observer.stderr().startsWith("varta-watch: --socket: path must not be empty"), observer.stderr());
    }
}
