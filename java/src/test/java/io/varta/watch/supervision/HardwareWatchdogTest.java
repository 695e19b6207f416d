package io.varta.watch.supervision;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.nativeio.NativeIoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every refusal of {@code --hw-watchdog} this machine can produce, with its exact message. */
class HardwareWatchdogTest
{
    @TempDir
    Path dir;

    @Test
    void aRegularFileIsRefusedAndLeftUntouched() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("watchdog"), "keep");
        final NativeIoException e = assertThrows(NativeIoException.class, () -> HardwareWatchdog.open(PathBytes.of(file)));
        assertEquals("--hw-watchdog " + file + ": " + file + ": hardware watchdog must be a character device",
            e.getMessage());
        assertEquals("keep", Files.readString(file));
    }

    @Test
    void aCharacterDeviceWithoutTheWatchdogIoctlsIsRefused()
    {
        final NativeIoException e = assertThrows(NativeIoException.class,
            () -> HardwareWatchdog.open(PathBytes.of(Path.of("/dev/null"))));
        assertEquals("--hw-watchdog /dev/null: WDIOC_GETTIMEOUT failed: Inappropriate ioctl for device", e.getMessage());
    }

    @Test
    void aMissingPathIsRefused()
    {
        final Path missing = dir.resolve("missing");
        final NativeIoException e = assertThrows(NativeIoException.class, () -> HardwareWatchdog.open(PathBytes.of(missing)));
        assertEquals("--hw-watchdog " + missing + ": No such file or directory", e.getMessage());
        assertEquals(2, e.errno());
    }
}
