package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up order: what a failed start leaves behind. */
class StartupIT
{
    @TempDir
    Path dir;

    @Test
    void aFailedSocketBindLeavesNoExportFileBehind() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess first = ObserverProcess.start(dir, "--socket", socket.toString(), "--threshold-ms", "1000"))
        {
            first.awaitSocket(socket);
            final Path export = dir.resolve("second.tsv");
            final ObserverProcess second = ObserverProcess.run(dir, "--socket", socket.toString(), "--threshold-ms",
                "1000", "--export-file", export.toString());
            assertEquals(1, second.exitCode(), second.stderr());
            assertTrue(second.stderr().contains("another varta-watch is already running at " + socket),
                second.stderr());
            assertFalse(Files.exists(export), "the export file is opened only after the socket is bound");
            assertEquals(0, first.terminate(Duration.ofSeconds(10)));
        }
    }
}
