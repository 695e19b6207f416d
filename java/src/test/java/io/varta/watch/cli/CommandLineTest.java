package io.varta.watch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CommandLineTest
{
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private ParseOutcome run(final String... args)
    {
        return CommandLine.parseOrExit(args,
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out()
    {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpGoesToStdoutWithExitZeroEvenWithBadFlagsAfterIt()
    {
        final ParseOutcome outcome = run("--help", "--no-such-flag", "--threshold-ms", "x");
        assertTrue(outcome.shouldExit());
        assertEquals(0, outcome.exitCode());
        assertEquals(HelpText.text(), out());
        assertEquals("", err());
        assertThrows(IllegalStateException.class, outcome::options);
    }

    @Test
    void usageErrorPrintsPrefixedMessageBlankLineAndHelpToStderrWithExitTwo()
    {
        final ParseOutcome outcome = run("--socket", "/s");
        assertTrue(outcome.shouldExit());
        assertEquals(2, outcome.exitCode());
        assertEquals("varta-watch: missing required flag --threshold-ms\n\n" + HelpText.text(), err());
        assertEquals("", out());
    }

    @Test
    void helpTextNeverStartsLikeAnErrorLine()
    {
        final String help = HelpText.text();
        assertFalse(help.startsWith("varta-watch: "));
        assertTrue(help.endsWith("\n"));
    }

    @Test
    void goodCommandLinePrintsNothingAndRuns()
    {
        final ParseOutcome outcome = run("--socket", "/s", "--threshold-ms", "100");
        assertFalse(outcome.shouldExit());
        assertEquals(100, outcome.options().thresholdMs());
        assertEquals("", out());
        assertEquals("", err());
    }

    @Test
    void helpListsEveryFlagOfTheReferenceSurfaceExceptRemovedOnes()
    {
        final String help = HelpText.text();
        for (final Flag flag : Flag.values())
        {
            if (flag.status() != FlagStatus.REMOVED)
            {
                assertTrue(help.contains(flag.flagName()), flag.flagName());
            }
        }
        assertTrue(help.contains("--socket PATH"));
        assertTrue(help.contains("[REQUIRED]"));
        assertTrue(help.contains("--threshold-ms MS"));
    }

    @Test
    void helpShowsEveryDefault()
    {
        final String help = HelpText.text();
        for (final Flag flag : Flag.values())
        {
            if (flag.status() == FlagStatus.SUPPORTED)
            {
                final String expected = flag.defaultText().equals("REQUIRED")
                    ? "[REQUIRED]"
                    : "[default: " + flag.defaultText() + "]";
                final int at = help.indexOf("    " + flag.flagName() + (flag.takesValue() ? " " : "\n"));
                assertTrue(at >= 0, flag.flagName());
                final int lineEnd = help.indexOf('\n', help.indexOf('\n', at) + 1);
                assertTrue(help.substring(at, lineEnd).contains(expected), flag.flagName());
            }
        }
    }

    @Test
    void helpContainsTheStringsTheReferenceSmokeTestLooksFor()
    {
        final String help = HelpText.text();
        for (final String s : new String[] {"--socket", "--threshold-ms", "--recovery-exec", "--recovery-debounce-ms",
            "--recovery-env", "--recovery-timeout-ms", "--socket-mode", "--export-file", "--export-file-max-bytes",
            "--prom-addr", "--shutdown-after-secs", "--help",
            "--secure-udp-i-accept-recovery-on-unauthenticated-transport",
            "--plaintext-udp-i-accept-recovery-on-unauthenticated-transport", "REQUIRED"})
        {
            assertTrue(help.contains(s), s);
        }
    }
}
