package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Command-line surface of the launcher (reference §1 A items 1, 2, 6, 13, 14; features §1.4): usage
 * errors exit 2 with {@code varta-watch: <message>}, a blank line and the help text on stderr.
 */
class CommandLineIT
{
    /** Reference §1 A item 1: strings the help text must contain. */
    private static final List<String> HELP_FLAGS = List.of("--socket", "--threshold-ms", "--recovery-exec",
        "--recovery-debounce-ms", "--recovery-env", "--recovery-timeout-ms", "--socket-mode", "--export-file",
        "--export-file-max-bytes", "--prom-addr", "--shutdown-after-secs", "--help",
        "--secure-udp-i-accept-recovery-on-unauthenticated-transport",
        "--plaintext-udp-i-accept-recovery-on-unauthenticated-transport");

    @TempDir
    Path dir;

    static Stream<Arguments> usageErrors()
    {
        return Stream.of(
            Arguments.of(List.of("--threshold-ms", "100"), "missing required flag --socket"),
            Arguments.of(List.of("--socket", "S"), "missing required flag --threshold-ms"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "9"),
                "--threshold-ms: 9 is below the minimum allowed value (10 ms)"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "abc"),
                "--threshold-ms: not a valid unsigned integer: \"abc\""),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--socket-mode", "0999"),
                "--socket-mode: expected octal digits (e.g. 600, 0600, or 0o600), got: \"0999\""),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--tracker-capacity", "0"),
                "--tracker-capacity: 0 is outside the accepted range [1, 4194304]"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--tracker-capacity", "4194305"),
                "--tracker-capacity: 4194305 is outside the accepted range [1, 4194304]"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--tracker-eviction-policy", "lru"),
                "--tracker-eviction-policy: invalid value \"lru\""),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--clock-source", "monotonic-raw"),
                "--clock-source monotonic-raw is not supported on `linux`."),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--shutdown-grace-ms", "99"),
                "--shutdown-grace-ms: 99 is below the minimum allowed value (100 ms)"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--export-file-max-bytes", "4095"),
                "--export-file-max-bytes: 4095 is below the minimum 4096 bytes"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms=100"), "unknown flag --threshold-ms=100"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--recovery-cmd", "x"),
                "--recovery-cmd has been removed for security reasons; use --recovery-exec"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--key-env", "X"),
                "--key-env has been removed for security reasons; use --key-file"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--prom-addr", "127.0.0.1:0"),
                "--prom-addr requires --prom-token-file"),
            Arguments.of(List.of("--socket", "S", "--threshold-ms", "100", "--udp-port", "70000"),
                "--udp-port: not a valid unsigned integer: \"70000\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("usageErrors")
    void usageErrorExitsTwoWithMessageBlankLineAndHelp(final List<String> args, final String message)
        throws Exception
    {
        final List<String> argv = new ArrayList<>();
        for (final String a : args)
        {
            argv.add("S".equals(a) ? dir.resolve("obs.sock").toString() : a);
        }
        final ObserverProcess observer = ObserverProcess.run(dir, argv.toArray(String[]::new));
        final String err = observer.stderr();
        assertEquals(2, observer.exitCode(), err);
        assertTrue(err.startsWith("varta-watch: " + message), err);
        final int blank = err.indexOf("\n\n");
        assertTrue(blank > 0 && err.indexOf('\n') == blank, () -> "one message line, then a blank line: " + err);
        assertTrue(err.substring(blank + 2).contains("--socket"), () -> "help text follows: " + err);
        assertEquals("", observer.stdout(), "usage errors print nothing on stdout");
    }

    @Test
    void helpExitsZeroAndListsTheReferenceFlagsOnStdout() throws Exception
    {
        final ObserverProcess observer = ObserverProcess.run(dir, "--help");
        assertEquals(0, observer.exitCode(), observer.stderr());
        final String out = observer.stdout();
        for (final String flag : HELP_FLAGS)
        {
            assertTrue(out.contains(flag), () -> "help lacks " + flag);
        }
        assertTrue(out.contains("[REQUIRED]"), "help marks required flags");
        assertEquals("", observer.stderr());
    }

    @Test
    void normalRunPrintsNothingOnStdout() throws Exception
    {
        final ObserverProcess observer = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--socket-mode", "600", "--shutdown-after-secs", "0");
        assertEquals(0, observer.exitCode(), observer.stderr());
        assertEquals("", observer.stdout());
    }
}
