package io.varta.watch.nativeio;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SecretFileTest
{
    @TempDir
    Path dir;

    private Path file(final String name, final String content, final String mode) throws IOException
    {
        final Path f = dir.resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void privateRegularFileIsRead() throws IOException
    {
        assertEquals("secret\n", new String(SecretFile.read(file("ok", "secret\n", "rw-------"))));
        assertEquals("s", new String(SecretFile.read(file("ro", "s", "r--------"))));
    }

    @Test
    void symlinkIsRefusedEvenToAGoodFile() throws IOException
    {
        final Path link = Files.createSymbolicLink(dir.resolve("link"), file("ok", "s", "rw-------"));
        final IOException e = assertThrows(IOException.class, () -> SecretFile.read(link));
        assertEquals(link + ": must not be a symlink", e.getMessage());
    }

    @Test
    void groupOrWorldBitsAreRefusedWithTheOctalMode() throws IOException
    {
        final Path loose = file("loose", "s", "rw-r--r--");
        final IOException e = assertThrows(IOException.class, () -> SecretFile.read(loose));
        assertEquals(loose + ": insecure permissions 644 (must be 0600 or stricter)", e.getMessage());
        final Path group = file("group", "s", "rw-rw----");
        assertEquals(group + ": insecure permissions 660 (must be 0600 or stricter)",
            assertThrows(IOException.class, () -> SecretFile.read(group)).getMessage());
    }

    @Test
    void directoryIsNotARegularFile() throws IOException
    {
        final Path d = Files.createDirectory(dir.resolve("d"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        assertEquals(d + ": must be a regular file",
            assertThrows(IOException.class, () -> SecretFile.read(d)).getMessage());
    }

    @Test
    void missingFileNamesThePath()
    {
        final Path missing = dir.resolve("missing");
        assertEquals(missing + ": No such file or directory",
            assertThrows(IOException.class, () -> SecretFile.read(missing)).getMessage());
    }

    @Test
    void fileOwnedByAnotherUidIsRefusedNamingBothUids() throws Exception
    {
        final Path foreign = file("foreign", "s", "rw-------");
        final long ourUid = ((Number)Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        final UserPrincipal nobody = foreign.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName("nobody");
        try
        {
            Files.setOwner(foreign, nobody); // needs root (CAP_CHOWN)
        }
        catch (final IOException e)
        {
            Assumptions.abort("skipped: cannot give a file to another uid without CAP_CHOWN: " + e);
        }
        final long theirUid = ((Number)Files.getAttribute(foreign, "unix:uid")).longValue();
        assertEquals(foreign + ": owned by uid " + theirUid + ", expected uid " + ourUid,
            assertThrows(IOException.class, () -> SecretFile.read(foreign)).getMessage());
    }
}
