package io.varta.watch.cli;

import io.varta.watch.log.Diagnostics;

import java.io.PrintStream;
import java.util.Optional;

/**
 * The process-facing side of the command line, for {@code Main}: parses, prints help or the usage
 * error exactly as the reference does, and says whether to run or which status to exit with. Never
 * calls {@link System#exit}.
 *
 * <p>Example:
 * <pre>{@code
 * ParseOutcome outcome = CommandLine.parseOrExit(args, System.out, System.err);
 * if (outcome.shouldExit())
 * {
 *     System.exit(outcome.exitCode());
 * }
 * Options options = outcome.options();
 * }</pre>
 *
 * <p>Stateless; any thread (normally the main thread).
 */
public final class CommandLine
{
    private CommandLine()
    {
    }

    /**
     * Parses {@code args}. On {@code --help} prints the help to {@code out} and returns exit 0. On a
     * usage error prints {@code varta-watch: <message>}, a blank line and the help to {@code err} and
     * returns exit 2. Otherwise returns the options and prints nothing. Any thread.
     *
     * @param args arguments after the program name
     * @param out standard output
     * @param err standard error
     * @return run-or-exit decision
     */
    public static ParseOutcome parseOrExit(final String[] args, final PrintStream out, final PrintStream err)
    {
        return parseOrExit(args, null, out, err);
    }

    /**
     * Like {@link #parseOrExit(String[], PrintStream, PrintStream)}, with each argument's original bytes, from which
     * path values are taken as given. Any thread.
     *
     * @param args arguments after the program name
     * @param raw  each argument's bytes, or null to encode the text
     * @param out standard output
     * @param err standard error
     * @return run-or-exit decision
     */
    public static ParseOutcome parseOrExit(final String[] args, final byte[][] raw, final PrintStream out,
        final PrintStream err)
    {
        try
        {
            final Optional<Options> options = CommandLineParser.parse(args, raw);
            if (options.isEmpty())
            {
                out.print(HelpText.text());
                out.flush();
                return ParseOutcome.exit(0);
            }
            return ParseOutcome.run(options.get());
        }
        catch (final UsageException e)
        {
            err.print(Diagnostics.PREFIX + e.getMessage() + "\n\n" + HelpText.text());
            err.flush();
            return ParseOutcome.exit(e.exitCode());
        }
    }
}
