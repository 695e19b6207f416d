package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --hw-watchdog} from a real {@code bin/varta-watch} (reference G item 66, §7.4): every refusal says why and
 * exits 1, after {@code READY=1} and with nothing left behind; the accepting path against the kernel's softdog,
 * loaded with {@code soft_noboot=1} so that a mistake can never reboot the machine running the tests.
 */
class HardwareWatchdogIT
{
    @TempDir
    Path dir;

    private String refusal(final String device) throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", socket.toString(), "--threshold-ms", "100",
            "--hw-watchdog", device, "--shutdown-after-secs", "5");
        assertEquals(1, observer.exitCode(), observer.stderr());
        assertFalse(Files.exists(socket), "socket removed after the refusal");
        return observer.stderr();
    }

    @Test
    void aRegularFileIsRefused() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("not-a-watchdog"), "keep");
        assertTrue(refusal(file.toString()).contains("varta-watch: --hw-watchdog " + file + ": " + file
            + ": hardware watchdog must be a character device\n"));
        assertEquals("keep", Files.readString(file), "nothing written to it");
    }

    @Test
    void devNullIsACharacterDeviceWithoutTheWatchdogIoctls() throws Exception
    {
        final String stderr = refusal("/dev/null");
        assertTrue(stderr.contains(
            "varta-watch: --hw-watchdog /dev/null: WDIOC_GETTIMEOUT failed: Inappropriate ioctl for device\n"), stderr);
    }

    @Test
    void aMissingPathIsRefused() throws Exception
    {
        final Path missing = dir.resolve("watchdog9");
        final String stderr = refusal(missing.toString());
        assertTrue(stderr.contains("varta-watch: --hw-watchdog " + missing + ": No such file or directory\n"), stderr);
    }

    @Test
    void softdogIsOpenedKickedAndDisarmedOnACleanExit() throws Exception
    {
        final Path device = softdog();
        final Path state = Path.of("/sys/class/watchdog", device.getFileName().toString(), "state");
        final Path socket = dir.resolve("obs.sock");
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", socket.toString(), "--threshold-ms", "100",
            "--hw-watchdog", device.toString(), "--shutdown-after-secs", "3");
        assertEquals(0, observer.exitCode(), observer.stderr());
        assertFalse(observer.stderr().contains("hw-watchdog"), observer.stderr());
        if (Files.isReadable(state))
        {
            assertEquals("inactive", Files.readString(state).trim(), "the magic close stopped the watchdog");
        }
    }

    /** The softdog device, loading the module with soft_noboot=1 if needed; skips the test with the reason. */
    private static Path softdog() throws IOException, InterruptedException
    {
        if (!Files.isDirectory(Path.of("/sys/module/softdog")))
        {
            final String kernel = System.getProperty("os.version");
            Assumptions.assumeTrue(Files.isDirectory(Path.of("/lib/modules", kernel)),
                "softdog is not loaded and kernel " + kernel + " has no loadable modules here (/lib/modules/" + kernel
                    + " is missing)");
            final Optional<Path> modprobe = Stream.of("/sbin/modprobe", "/usr/sbin/modprobe", "/usr/bin/modprobe")
                .map(Path::of).filter(Files::isExecutable).findFirst();
            Assumptions.assumeTrue(modprobe.isPresent(), "no modprobe on this machine: cannot load softdog");
            final Process p = new ProcessBuilder(modprobe.get().toString(), "softdog", "soft_noboot=1")
                .redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes());
            Assumptions.assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && 0 == p.exitValue(),
                "modprobe softdog soft_noboot=1 failed (no module or no privilege): " + out.trim());
        }
        final Path noboot = Path.of("/sys/module/softdog/parameters/soft_noboot");
        Assumptions.assumeTrue(Files.isReadable(noboot) && "1".equals(Files.readString(noboot).trim()),
            "softdog is loaded without soft_noboot=1: not arming a watchdog that would reboot this machine");
        try (Stream<Path> watchdogs = Files.list(Path.of("/sys/class/watchdog")))
        {
            for (final Path w : (Iterable<Path>)watchdogs::iterator)
            {
                final Path identity = w.resolve("identity");
                if (Files.isReadable(identity) && Files.readString(identity).trim().equals("Software Watchdog"))
                {
                    final Path device = Path.of("/dev", w.getFileName().toString());
                    Assumptions.assumeTrue(Files.exists(device), device + " is missing (no devtmpfs?)");
                    return device;
                }
            }
        }
        Assumptions.abort("softdog is loaded but no /sys/class/watchdog entry is the Software Watchdog");
        return null;
    }
}
