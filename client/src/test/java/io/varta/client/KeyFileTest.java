package io.varta.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key-file rules the client shares with the observer: private file, one 64-hex key, comments and blanks. */
class KeyFileTest
{
    private static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    @TempDir
    Path dir;

    /** Writes {@code text} to a new file of mode 0600. */
    static Path privateFile(final Path file, final String text) throws IOException
    {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private byte[] read(final String text) throws IOException
    {
        return KeyFile.read(privateFile(Files.createTempFile(dir, "k", "").resolveSibling("key-" + System.nanoTime()),
            text), "key file");
    }

    @Test
    void oneKeyWithCommentsBlanksAndEitherCase() throws IOException
    {
        assertEquals(KEY, HexFormat.of().formatHex(read(KEY)));
        assertEquals(KEY, HexFormat.of().formatHex(read("# rotated 2026-11\n\n  \t" + KEY.toUpperCase() + " \r\n\n")));
    }

    @Test
    void contentFailuresNameTheLine()
    {
        assertTrue(assertThrows(IOException.class, () -> read("# nothing\n")).getMessage().contains("holds 0 keys"));
        assertTrue(assertThrows(IOException.class, () -> read(KEY + "\n" + KEY + "\n")).getMessage()
            .contains("holds 2 keys"));
        assertTrue(assertThrows(IOException.class, () -> read("#\n" + KEY.substring(2) + "\n")).getMessage()
            .contains("line 2 is 62 characters"));
        assertTrue(assertThrows(IOException.class, () -> read(KEY.substring(0, 63) + "g")).getMessage()
            .contains("column 64"));
    }

    @Test
    void fileRules() throws IOException
    {
        final Path open = dir.resolve("open");
        Files.writeString(open, KEY);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(IOException.class, () -> KeyFile.read(open, "key file")).getMessage()
            .contains("chmod 600"));

        final Path link = dir.resolve("link");
        Files.createSymbolicLink(link, privateFile(dir.resolve("target"), KEY));
        assertTrue(assertThrows(IOException.class, () -> KeyFile.read(link, "key file")).getMessage()
            .contains("symbolic link"));

        final Path directory = Files.createDirectory(dir.resolve("directory"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertTrue(assertThrows(IOException.class, () -> KeyFile.read(directory, "key file")).getMessage()
            .contains("not a regular file"));

        final Path big = privateFile(dir.resolve("big"), "#".repeat(KeyFile.MAX_BYTES) + "\n" + KEY);
        assertTrue(assertThrows(IOException.class, () -> KeyFile.read(big, "key file")).getMessage()
            .contains("at most 4096"));

        assertTrue(assertThrows(IOException.class, () -> KeyFile.read(dir.resolve("missing"), "master key file"))
            .getMessage().startsWith("cannot read the master key file"));
    }
}
