package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Senders in another pid namespace (made with {@code unshare --pid --fork}, which needs root or user
 * namespaces). The sender claims its pid as the observer's namespace sees it (read from
 * {@code /proc/self/stat} before exec), so the kernel pid check passes and the namespace check decides.
 */
class NamespaceIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @BeforeAll
    static void unshareWorks() throws Exception
    {
        final Process p = new ProcessBuilder("unshare", "--pid", "--fork", "true").redirectErrorStream(true).start();
        final boolean done = p.waitFor(10, TimeUnit.SECONDS);
        assumeTrue(done && 0 == p.exitValue(),
            "skipped: this machine cannot create a pid namespace (unshare --pid needs root or user namespaces)");
    }

    /** Sends one beat from a process in a new pid namespace and keeps it alive while the observer reads /proc. */
    private long sendFromNewPidNamespace(final Path socket) throws Exception
    {
        final String script = "read -r outer rest < /proc/self/stat; echo $outer; exec " + Sender.tool()
            + " " + socket + " beatpid:$outer:ok:1 sleep:500";
        final Process p = new ProcessBuilder("unshare", "--pid", "--fork", "sh", "-c", script).start();
        final String outer = new String(p.getInputStream().readNBytes(32)).trim();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && 0 == p.exitValue(), "sender in a new pid namespace failed");
        return Long.parseLong(outer);
    }

    private ObserverProcess start(final Path socket, final Path export, final String... extra) throws Exception
    {
        final List<String> args = new java.util.ArrayList<>(List.of("--socket", socket.toString(),
            "--threshold-ms", "60000", "--export-file", export.toString()));
        args.addAll(List.of(extra));
        final ObserverProcess observer = ObserverProcess.start(dir, args.toArray(new String[0]));
        observer.awaitSocket(socket);
        return observer;
    }

    @Test
    void crossNamespaceSenderIsRefusedAsANamespaceConflict() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export))
        {
            final long pid = sendFromNewPidNamespace(socket);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
            final List<Line> lines = ExportLog.read(export);
            assertEquals(1, lines.size(), lines::toString);
            assertEquals(List.of("mismatch", Long.toString(pid), "-", "-", "namespace_conflict"),
                List.of(lines.get(0).kind(), lines.get(0).pid(), lines.get(0).nonce(), lines.get(0).status(),
                    lines.get(0).payload()));
            assertEquals(1L, ExportLog.ingestSummary(observer.stderr()).get("namespace_mismatch"));
        }
    }

    @Test
    void crossNamespaceSenderIsTrackedWhenAllowed() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export, "--allow-cross-namespace-agents"))
        {
            final long pid = sendFromNewPidNamespace(socket);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
            assertEquals(1, ExportLog.of(ExportLog.read(export), "beat", pid).size());
        }
    }

    @Test
    void strictNamespaceCheckEndsTheObserverWithExitOne() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = start(socket, export, "--strict-namespace-check"))
        {
            final long pid = sendFromNewPidNamespace(socket);
            assertTrue(observer.process().waitFor(10, TimeUnit.SECONDS), "the observer must stop by itself");
            assertEquals(1, observer.exitCode());
            assertTrue(observer.stderr().contains("varta-watch: --strict-namespace-check: agent pid " + pid),
                observer.stderr());
        }
    }
}
