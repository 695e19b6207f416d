package io.varta.watch.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/varta-audit}: the operator's tool for the recovery audit log.
 *
 * <pre>
 * varta-audit verify FILE...
 * </pre>
 * Verifies one audit file, or rotated generations given oldest first ({@code A.5 A.4 A.3 A.2 A.1 A}), with the rules
 * of {@link AuditVerifier}. The report goes to stdout: one line per problem ({@code FILE:LINE: seq N: message}), one
 * line per file, and a last line with the number of records checked.
 *
 * <p>Exit codes: 0 every file intact; 1 a broken chain, an undeclared {@code seq} gap, a malformed line or a missing
 * header; 2 a usage error or a file that cannot be read (message on stderr). {@code -h}/{@code --help} prints the
 * usage to stdout and exits 0. It needs no native library.
 *
 * <p>Threading: the main thread only.
 */
public final class AuditMain
{
    /** Prefix of every line the tool prints about itself. */
    static final String PREFIX = "varta-audit: ";
    /** The usage text, ending with a newline. */
    static final String USAGE = ""
        + "varta-audit - check a varta-watch recovery audit log (schema v2)\n"
        + "\n"
        + "USAGE:\n"
        + "    varta-audit verify FILE...\n"
        + "\n"
        + "    Checks the '" + AuditSchema.HEADER_V2 + "' header, every record's columns and SHA-256 chain,\n"
        + "    and seq continuity (a gap must be declared by a '# gap: seq A..B not written (reason)' line and the\n"
        + "    chain must run unbroken across it). Give rotated generations oldest first (FILE.5 ... FILE.1 FILE):\n"
        + "    each file must start with a rotation boot record whose prev_chain is the previous file's last chain.\n"
        + "\n"
        + "EXIT STATUS:\n"
        + "    0  every file intact\n"
        + "    1  a broken chain, an undeclared seq gap, a malformed line or a missing header (named on stdout)\n"
        + "    2  usage error or unreadable file\n";

    private AuditMain()
    {
    }

    /**
     * Entry point; exits with the status of {@link #run}. Main thread.
     *
     * @param args the command line after the program name
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one command. Main thread.
     *
     * @param args the command line after the program name
     * @param out where the report (or the help) goes
     * @param err where usage errors go
     * @return the exit status
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length == 1 && ("-h".equals(args[0]) || "--help".equals(args[0])))
        {
            out.print(USAGE);
            return 0;
        }
        if (args.length == 0)
        {
            return usage(err, "missing command (verify)");
        }
        if (!"verify".equals(args[0]))
        {
            return usage(err, "unknown command " + args[0]);
        }
        if (args.length == 1)
        {
            return usage(err, "verify needs at least one FILE");
        }
        final List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++)
        {
            files.add(Path.of(args[i]));
        }
        final AuditVerifier.Report report;
        try
        {
            report = AuditVerifier.verify(files);
        }
        catch (final IOException e)
        {
            err.println(PREFIX + "cannot read " + e.getMessage());
            return 2;
        }
        print(report, out);
        return report.intact() ? 0 : 1;
    }

    private static void print(final AuditVerifier.Report report, final PrintStream out)
    {
        final List<AuditVerifier.Problem> problems = report.problems();
        for (int i = 0; i < problems.size() && i < AuditVerifier.MAX_REPORTED_PROBLEMS; i++)
        {
            out.println(problems.get(i).text());
        }
        if (problems.size() > AuditVerifier.MAX_REPORTED_PROBLEMS)
        {
            out.println("... and " + (problems.size() - AuditVerifier.MAX_REPORTED_PROBLEMS) + " more problem(s)");
        }
        for (final AuditVerifier.FileSummary file : report.files())
        {
            final StringBuilder line = new StringBuilder().append(file.file()).append(": ").append(file.records())
                .append(" record(s)");
            if (file.records() > 0)
            {
                line.append(", seq ").append(file.firstSeq()).append("..").append(file.lastSeq());
            }
            if (file.declaredGapSeqs() > 0)
            {
                line.append(", ").append(file.declaredGapSeqs()).append(" seq declared not written");
            }
            for (final String note : file.notes())
            {
                line.append("; ").append(note);
            }
            out.println(line);
        }
        if (report.intact())
        {
            out.println(PREFIX + "OK: " + report.records() + " record(s) in " + report.files().size()
                + " file(s) verified; last seq " + report.lastSeq() + ", last chain " + report.lastChainHex());
        }
        else
        {
            out.println(PREFIX + "FAILED: " + problems.size() + " problem(s); " + report.records()
                + " record(s) in " + report.files().size() + " file(s) checked");
        }
    }

    private static int usage(final PrintStream err, final String message)
    {
        err.print(PREFIX + message + "\n\n" + USAGE);
        return 2;
    }
}
