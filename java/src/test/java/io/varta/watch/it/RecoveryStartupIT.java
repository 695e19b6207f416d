package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every recovery startup error, its exact text and exit code (reference features §1.2–1.5): the reference checks
 * exec and exec file together, an empty command and the exec file at runtime (exit 1, one error line, nothing
 * bound); the rest are usage errors (exit 2, the message, a blank line and the help).
 */
class RecoveryStartupIT
{
    @TempDir
    Path dir;

    /** Placeholders in the arguments: S socket, F a good exec file, L a 0644 one, Y a symlink, E an empty one, M missing. */
    static Stream<Arguments> startupErrors()
    {
        return Stream.of(
            Arguments.of(List.of("--recovery-exec", "/bin/true", "--recovery-exec-file", "F"), 1,
                "--recovery-exec and --recovery-exec-file are mutually exclusive"),
            Arguments.of(List.of("--recovery-exec", ""), 1, "--recovery-exec: command must not be empty"),
            Arguments.of(List.of("--recovery-exec", " \t "), 1, "--recovery-exec: command must not be empty"),
            Arguments.of(List.of("--recovery-exec-file", "M"), 1, "M: No such file or directory"),
            Arguments.of(List.of("--recovery-exec-file", "L"), 1,
                "L: insecure permissions 644 (must be 0600 or stricter)"),
            Arguments.of(List.of("--recovery-exec-file", "Y"), 1, "Y: must not be a symlink"),
            Arguments.of(List.of("--recovery-exec-file", "E"), 1, "E: file is empty"),
            Arguments.of(List.of("--recovery-exec", "/bin/true", "--recovery-env", "NOEQUALS"), 2,
                "--recovery-env: invalid value \"NOEQUALS\": expected KEY=VALUE"),
            Arguments.of(List.of("--recovery-exec", "/bin/true", "--recovery-env", "=x"), 2,
                "--recovery-env: invalid value \"=x\": KEY must not be empty"),
            Arguments.of(List.of("--recovery-capture-stdio"), 2,
                "--recovery-capture-stdio requires --recovery-exec or --recovery-exec-file"),
            Arguments.of(List.of("--recovery-exec", "/bin/true", "--recovery-timeout-ms", "99"), 2,
                "--recovery-timeout-ms: 99 is below the minimum allowed value (100 ms)"),
            Arguments.of(List.of("--recovery-exec", "/bin/true", "--recovery-capture-bytes", "0"), 2,
                "--recovery-capture-bytes: 0 is outside the accepted range [1, 1048576]"),
            Arguments.of(List.of("--recovery-exec", "/bin/true", "--recovery-capture-bytes", "1048577"), 2,
                "--recovery-capture-bytes: 1048577 is outside the accepted range [1, 1048576]"));
    }

    @ParameterizedTest(name = "exit {1}: {2}")
    @MethodSource("startupErrors")
    void recoveryStartupErrorsCarryTheReferenceTextAndExitCode(final List<String> args, final int exit,
        final String message) throws Exception
    {
        final Path good = privateFile("exec-good", "/bin/true {pid}\n", "rw-------");
        final Path loose = privateFile("exec-loose", "/bin/true\n", "rw-r--r--");
        final Path empty = privateFile("exec-empty", " \n", "rw-------");
        final Path link = Files.createSymbolicLink(dir.resolve("exec-link"), good);
        final Path missing = dir.resolve("exec-missing");
        final Path socket = dir.resolve("obs.sock");
        final List<String> argv = new ArrayList<>(List.of("--socket", socket.toString(), "--threshold-ms", "100"));
        for (final String a : args)
        {
            argv.add(switch (a)
            {
                case "F" -> good.toString();
                case "L" -> loose.toString();
                case "E" -> empty.toString();
                case "Y" -> link.toString();
                case "M" -> missing.toString();
                default -> a;
            });
        }
        final String expected = message.replaceFirst("^M:", missing + ":").replaceFirst("^L:", loose + ":")
            .replaceFirst("^Y:", link + ":").replaceFirst("^E:", empty + ":");
        final ObserverProcess observer = ObserverProcess.run(dir, argv.toArray(String[]::new));
        final String err = observer.stderr();
        assertEquals(exit, observer.exitCode(), err);
        assertTrue(err.startsWith("varta-watch: " + expected + "\n"), err);
        if (1 == exit)
        {
            assertEquals("varta-watch: " + expected + "\n", err, "a runtime error is one line, without the help");
            assertFalse(Files.exists(socket), "checked before anything is bound");
        }
        else
        {
            assertTrue(err.startsWith("varta-watch: " + expected + "\n\nvarta-watch - "), err);
        }
        assertEquals("", observer.stdout());
    }

    private Path privateFile(final String name, final String content, final String mode) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
