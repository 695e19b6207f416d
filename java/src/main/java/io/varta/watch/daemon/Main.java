package io.varta.watch.daemon;

import io.varta.watch.cli.CommandLine;
import io.varta.watch.cli.ParseOutcome;

/**
 * {@code bin/varta-watch}: turn the command line into options ({@code cli}), run the {@link Daemon}, exit with
 * its status.
 *
 * <p>Exit codes: 0 clean shutdown or {@code --help}; 1 runtime failure (bind, export file, token, shutdown
 * grace exceeded, a fatal observer stop); 2 usage error. Nothing but the bound metrics address is ever
 * printed on stdout.
 *
 * <p>Threading: the main thread only.
 */
public final class Main
{
    private Main()
    {
    }

    /**
     * Entry point; exits the JVM with the status of {@link #run}. Main thread.
     *
     * @param args the command line after the program name
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * Parses the command line and runs the observer to completion. Main thread.
     *
     * @param args the command line after the program name
     * @return the exit status
     */
    static int run(final String[] args)
    {
        final ParseOutcome outcome = CommandLine.parseOrExit(args, RawArguments.of(args), System.out, System.err);
        if (outcome.shouldExit())
        {
            return outcome.exitCode();
        }
        return Daemon.run(outcome.options());
    }
}
