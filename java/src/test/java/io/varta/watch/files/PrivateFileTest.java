package io.varta.watch.files;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.PathBytes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The private-file rules and their messages, on real files (secrets first, then append logs). */
class PrivateFileTest
{
    private static final PrivateFile.Rules EXPORT = PrivateFile.Rules.appendLog("export file");

    @TempDir
    Path dir;

    private Path file(final String name, final String content, final String mode) throws IOException
    {
        final Path f = dir.resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static String openFailure(final Path path)
    {
        return assertThrows(IOException.class, () -> PrivateFile.openOrCreate(PathBytes.of(path), EXPORT).close())
            .getMessage();
    }

    private static long realUid()
    {
        return Natives.realUid();
    }

    @Test
    void privateRegularFileIsRead() throws IOException
    {
        assertEquals("secret\n", new String(PrivateFile.readSecret(file("ok", "secret\n", "rw-------"))));
        assertEquals("s", new String(PrivateFile.readSecret(file("ro", "s", "r--------"))));
    }

    @Test
    void symlinkIsRefusedEvenToAGoodFile() throws IOException
    {
        final Path link = Files.createSymbolicLink(dir.resolve("link"), file("ok", "s", "rw-------"));
        final IOException e = assertThrows(IOException.class, () -> PrivateFile.readSecret(link));
        assertEquals(link + ": must not be a symlink", e.getMessage());
    }

    @Test
    void groupOrWorldBitsAreRefusedWithTheOctalMode() throws IOException
    {
        final Path loose = file("loose", "s", "rw-r--r--");
        final IOException e = assertThrows(IOException.class, () -> PrivateFile.readSecret(loose));
        assertEquals(loose + ": insecure permissions 644 (must be 0600 or stricter)", e.getMessage());
        final Path group = file("group", "s", "rw-rw----");
        assertEquals(group + ": insecure permissions 660 (must be 0600 or stricter)",
            assertThrows(IOException.class, () -> PrivateFile.readSecret(group)).getMessage());
    }

    @Test
    void directoryIsNotARegularFile() throws IOException
    {
        final Path d = Files.createDirectory(dir.resolve("d"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        assertEquals(d + ": must be a regular file",
            assertThrows(IOException.class, () -> PrivateFile.readSecret(d)).getMessage());
    }

    @Test
    void missingFileNamesThePath()
    {
        final Path missing = dir.resolve("missing");
        assertEquals(missing + ": No such file or directory",
            assertThrows(IOException.class, () -> PrivateFile.readSecret(missing)).getMessage());
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
            assertThrows(IOException.class, () -> PrivateFile.readSecret(foreign)).getMessage());
        assertEquals(foreign + ": owned by uid " + theirUid + ", expected uid " + ourUid, openFailure(foreign));
    }

    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception
    {
        final Path fifo = dir.resolve("fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo not available");
        assertEquals(fifo + ": must be a regular file",
            assertThrows(IOException.class, () -> PrivateFile.readSecret(fifo)).getMessage());
        assertEquals(fifo + ": must be a regular file", openFailure(fifo));
    }

    @Test
    void secretLargerThanTheCapIsRefused() throws IOException
    {
        final Path big = file("big", "a".repeat(PrivateFile.MAX_SECRET_BYTES + 1), "rw-------");
        assertEquals(big + ": file is larger than 4096 bytes",
            assertThrows(IOException.class, () -> PrivateFile.readSecret(big)).getMessage());
        assertEquals(PrivateFile.MAX_SECRET_BYTES,
            PrivateFile.readSecret(file("full", "b".repeat(PrivateFile.MAX_SECRET_BYTES), "rw-------")).length);
    }

    @Test
    void permissionDeniedNamesTheReason() throws IOException
    {
        Assumptions.assumeFalse(realUid() == 0, "skipped: root reads any file (CAP_DAC_OVERRIDE); as root,"
            + " test_private_file (CTest) and ExportFileIT check this as uid 65534");
        final Path locked = file("locked", "s", "---------");
        assertEquals(locked + ": Permission denied",
            assertThrows(IOException.class, () -> PrivateFile.readSecret(locked)).getMessage());
        assertEquals(locked + ": Permission denied", openFailure(locked));
    }

    @Test
    void appendLogIsCreatedWith0600AndThenOpenedForAppending() throws IOException
    {
        final Path log = dir.resolve("events.tsv");
        try (OpenFile created = PrivateFile.openOrCreate(PathBytes.of(log), EXPORT))
        {
            assertTrue(created.created());
            assertEquals(0, created.sizeAtOpen());
        }
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(log));
        Files.writeString(log, "line\n");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
        try (OpenFile existing = PrivateFile.openOrCreate(PathBytes.of(log), EXPORT))
        {
            assertFalse(existing.created());
            assertEquals(5, existing.sizeAtOpen());
            assertEquals("line\n", new String(existing.read(0, 100)));
        }
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(log),
            "the mode of an existing log is neither checked nor changed");
    }

    @Test
    void appendLogWithTwoHardLinksIsRefusedAndLeftUnchanged() throws IOException
    {
        final Path victim = file("victim", "keep\n", "rw-------");
        final Path log = Files.createLink(dir.resolve("events.tsv"), victim);
        assertEquals(log + ": export file must have exactly one hard link", openFailure(log));
        assertEquals("keep\n", Files.readString(victim));
    }

    @Test
    void danglingSymlinkIsRefusedWithoutCreatingItsTarget() throws IOException
    {
        final Path target = dir.resolve("nowhere");
        final Path log = Files.createSymbolicLink(dir.resolve("events.tsv"), target);
        assertEquals(log + ": must not be a symlink", openFailure(log));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void fileCreatedDuringFailedValidationIsRemoved()
    {
        final Path log = dir.resolve("events.tsv");
        final long foreignUid = realUid() + 4242;
        final IOException e = assertThrows(IOException.class,
            () -> PrivateFile.openOrCreate(PathBytes.of(log), EXPORT.ownedBy(foreignUid)));
        assertEquals(log + ": owned by uid " + realUid() + ", expected uid " + foreignUid, e.getMessage());
        assertFalse(Files.exists(log, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void existingFileFailingValidationIsLeftInPlace() throws IOException
    {
        final Path log = file("events.tsv", "mine\n", "rw-------");
        final long foreignUid = realUid() + 4242;
        assertThrows(IOException.class, () -> PrivateFile.openOrCreate(PathBytes.of(log), EXPORT.ownedBy(foreignUid)));
        assertEquals("mine\n", Files.readString(log));
    }

    @Test
    void createNewNeverReusesAnExistingName() throws IOException
    {
        final Path taken = file("taken", "x", "rw-------");
        final NativeIoException e = assertThrows(NativeIoException.class,
            () -> PrivateFile.createNew(PathBytes.of(taken), EXPORT));
        assertEquals(taken + ": File exists", e.getMessage());
        assertEquals(17, e.errno());
        assertEquals("x", Files.readString(taken));
    }

    @Test
    void missingDirectoryNamesTheReason()
    {
        final Path nowhere = dir.resolve("no-such-dir").resolve("x.tsv");
        assertEquals(nowhere + ": No such file or directory", openFailure(nowhere));
    }

    @Test
    void withPrivateModeAnExistingLogMustBe0600OrStricter() throws IOException
    {
        final PrivateFile.Rules audit = PrivateFile.Rules.appendLog("recovery audit file").withPrivateMode();
        final Path open = file("open.tsv", "line\n", "rw-r--r--");
        assertEquals(open + ": insecure permissions 644 (must be 0600 or stricter)", assertThrows(IOException.class,
            () -> PrivateFile.openOrCreate(PathBytes.of(open), audit).close()).getMessage());
        assertEquals("line\n", Files.readString(open), "a refused file is left as it was");
        final Path strict = file("strict.tsv", "line\n", "r--------");
        try (OpenFile existing = PrivateFile.openOrCreate(PathBytes.of(strict), audit))
        {
            assertEquals(5, existing.sizeAtOpen());
        }
        final Path created = dir.resolve("new.tsv");
        try (OpenFile fresh = PrivateFile.openOrCreate(PathBytes.of(created), audit))
        {
            assertTrue(fresh.created());
        }
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(created));
        final Path linked = Files.createLink(dir.resolve("linked.tsv"), strict);
        assertEquals(linked + ": recovery audit file must have exactly one hard link", assertThrows(IOException.class,
            () -> PrivateFile.openOrCreate(PathBytes.of(linked), audit).close()).getMessage());
    }
}
