package io.varta.watch.files;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.PathBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryEntriesTest
{
    @TempDir
    Path dir;

    @Test
    void moveReplacesTheTargetAndReportsAMissingSource() throws IOException
    {
        final Path a = Files.writeString(dir.resolve("a"), "new");
        final Path b = Files.writeString(dir.resolve("b"), "old");
        assertTrue(DirectoryEntries.moveIfPresent(PathBytes.of(a), PathBytes.of(b)));
        assertEquals("new", Files.readString(b));
        assertFalse(Files.exists(a));
        assertFalse(DirectoryEntries.moveIfPresent(PathBytes.of(a), PathBytes.of(b)));
    }

    @Test
    void failedMoveNamesBothPaths() throws IOException
    {
        final Path a = Files.writeString(dir.resolve("a"), "x");
        final Path occupied = Files.createDirectories(dir.resolve("d").resolve("inside"));
        final NativeIoException e = assertThrows(NativeIoException.class,
            () -> DirectoryEntries.moveIfPresent(PathBytes.of(a), PathBytes.of(occupied.getParent())));
        assertEquals(a + " -> " + occupied.getParent() + ": Is a directory", e.getMessage());
    }

    @Test
    void unlinkTellsWhetherSomethingWasRemoved() throws IOException
    {
        final Path a = Files.writeString(dir.resolve("a"), "x");
        assertTrue(DirectoryEntries.unlinkIfPresent(PathBytes.of(a)));
        assertFalse(DirectoryEntries.unlinkIfPresent(PathBytes.of(a)));
        final Path d = Files.createDirectory(dir.resolve("d"));
        assertTrue(assertThrows(NativeIoException.class, () -> DirectoryEntries.unlinkIfPresent(PathBytes.of(d)))
            .getMessage().startsWith(d + ": "));
    }

    @Test
    void parentDirectoryOfARelativePathCanBeSynced() throws IOException
    {
        DirectoryEntries.syncParentDirectory(PathBytes.of(Path.of("relative-name.tsv")));
        DirectoryEntries.syncParentDirectory(PathBytes.of(dir.resolve("events.tsv")));
    }

    @Test
    void missingDirectoryCannotBeSynced()
    {
        final Path inMissing = dir.resolve("missing").resolve("x");
        assertEquals("directory of " + inMissing + ": No such file or directory", assertThrows(
            NativeIoException.class, () -> DirectoryEntries.syncParentDirectory(PathBytes.of(inMissing))).getMessage());
    }
}
