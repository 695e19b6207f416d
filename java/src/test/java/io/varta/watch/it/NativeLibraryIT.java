package io.varta.watch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varta.watch.nativeio.RingDescriptor;
import io.varta.watch.testsupport.ObserverProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A native library built for another ring layout is refused when it loads, with both ABI versions in one
 * clean {@code varta-watch:} line, before any socket is bound. The library is the test-only
 * {@code libvarta_watch_abi_mismatch.so} (native/CMakeLists.txt: the real sources claiming version 999).
 */
class NativeLibraryIT
{
    @TempDir
    Path dir;

    @Test
    void libraryWithAnotherRingAbiVersionIsRefusedNamingBothVersions() throws Exception
    {
        final Path library = Path.of(System.getProperty("varta.test.abiMismatchLibrary"));
        assertTrue(Files.isRegularFile(library), "test library built: " + library);
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = ObserverProcess.startWithJavaOptions(dir,
            "-Dvarta.native.library=" + library, "--socket", socket.toString(), "--threshold-ms", "100",
            "--shutdown-after-secs", "5"))
        {
            assertTrue(observer.process().waitFor(60, TimeUnit.SECONDS), "exited: " + observer);
            final String err = observer.stderr();
            assertEquals(1, observer.exitCode(), err);
            final String expected = "varta-watch: native library " + library + " has ring ABI version 999, this"
                + " build expects ring ABI version " + RingDescriptor.ABI_VERSION;
            assertTrue(err.startsWith(expected), err);
            assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
            assertFalse(Files.exists(socket), "nothing was bound");
        }
    }
}
