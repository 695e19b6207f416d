package io.varta.watch.recovery;

import io.varta.watch.nativeio.PathBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command template: splitting without a shell, {pid} substitution, and the startup errors with their texts. */
class RecoveryCommandTest
{
    @TempDir
    Path dir;

    @Test
    void splitsOnAsciiWhitespaceWithoutQuotingOrShell()
    {
        final RecoveryCommand command = RecoveryCommand.of("  /usr/bin/logger\t-t 'varta \"x\"\n$(touch /tmp/x)\r\f `id` ");
        assertEquals(List.of("/usr/bin/logger", "-t", "'varta", "\"x\"", "$(touch", "/tmp/x)", "`id`"), command.words());
        assertEquals("/usr/bin/logger", command.program());
        assertEquals(RecoveryCommand.INLINE_SOURCE, command.source());
        assertEquals("/usr/bin/logger -t 'varta \"x\" $(touch /tmp/x) `id`".length(), command.templateLength());
    }

    @Test
    void pidIsSubstitutedInEveryArgumentAfterTheProgramOnly()
    {
        final RecoveryCommand command = RecoveryCommand.of("{pid}-prog restart agent@{pid} {pid}{pid} plain {pi}");
        assertEquals(List.of("{pid}-prog", "restart", "agent@4242", "42424242", "plain", "{pi}"),
            text(command.argvFor(4242)));
        assertEquals(List.of("{pid}-prog", "restart", "agent@4294967295", "42949672954294967295", "plain", "{pi}"),
            text(command.argvFor(4_294_967_295L)), "unsigned 32-bit pids in decimal");
        assertEquals("agent@{pid}", command.words().get(2), "the template is unchanged");
    }

    @Test
    void startupErrorsCarryTheReferenceTexts() throws IOException
    {
        final Path file = privateFile("exec", "/bin/true {pid}\n");
        assertEquals("--recovery-exec and --recovery-exec-file are mutually exclusive",
            assertThrows(IllegalArgumentException.class,
                () -> RecoveryCommand.resolve(Optional.of("/bin/true".getBytes(StandardCharsets.UTF_8)), Optional.of(PathBytes.of(file)))).getMessage());
        assertEquals("--recovery-exec: command must not be empty", assertThrows(IllegalArgumentException.class,
            () -> RecoveryCommand.resolve(Optional.of(" \t ".getBytes(StandardCharsets.UTF_8)), Optional.empty())).getMessage());
        assertEquals("--recovery-exec: command must not be empty", assertThrows(IllegalArgumentException.class,
            () -> RecoveryCommand.resolve(Optional.of("".getBytes(StandardCharsets.UTF_8)), Optional.empty())).getMessage());
        assertTrue(RecoveryCommand.resolve(Optional.empty(), Optional.empty()).isEmpty(), "no command: recovery off");

        final Path empty = privateFile("empty", " \n\t\n");
        assertEquals(empty + ": file is empty", assertThrows(IOException.class,
            () -> RecoveryCommand.resolve(Optional.empty(), Optional.of(PathBytes.of(empty)))).getMessage());
        final Path loose = privateFile("loose", "/bin/true\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(loose + ": insecure permissions 644 (must be 0600 or stricter)", assertThrows(IOException.class,
            () -> RecoveryCommand.resolve(Optional.empty(), Optional.of(PathBytes.of(loose)))).getMessage());
        final Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertEquals(link + ": must not be a symlink", assertThrows(IOException.class,
            () -> RecoveryCommand.resolve(Optional.empty(), Optional.of(PathBytes.of(link)))).getMessage());
        final Path missing = dir.resolve("missing");
        assertEquals(missing + ": No such file or directory", assertThrows(IOException.class,
            () -> RecoveryCommand.resolve(Optional.empty(), Optional.of(PathBytes.of(missing)))).getMessage());
    }

    @Test
    void execFileIsTrimmedSplitAndKeepsItsBytes() throws IOException
    {
        final Path file = privateFile("exec", "\n  /usr/bin/touch   /run/m-{pid}  \n");
        final RecoveryCommand command = RecoveryCommand.resolve(Optional.empty(), Optional.of(PathBytes.of(file))).orElseThrow();
        assertEquals(List.of("/usr/bin/touch", "/run/m-7"), text(command.argvFor(7)));
        assertEquals(file.toString(), command.source());

        final Path latin1 = dir.resolve("latin1");
        Files.write(latin1, new byte[] {'/', 'b', 'i', 'n', '/', 'x', ' ', (byte)0xE9});
        Files.setPosixFilePermissions(latin1, PosixFilePermissions.fromString("rw-------"));
        final byte[][] argv = RecoveryCommand.resolve(Optional.empty(), Optional.of(PathBytes.of(latin1))).orElseThrow().argvFor(1);
        assertTrue(Arrays.equals(new byte[] {(byte)0xE9}, argv[1]), "bytes reach the child unchanged");
    }

    private Path privateFile(final String name, final String content) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static List<String> text(final byte[][] argv)
    {
        return Arrays.stream(argv).map(a -> new String(a, StandardCharsets.UTF_8)).toList();
    }
}
