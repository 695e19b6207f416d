package io.varta.watch.audit;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared pieces of the audit tests: a captured logger and ways to read a written file. */
final class AuditTesting
{
    private AuditTesting()
    {
    }

    /** A logger writing into a buffer (text format, 1 s rate-limit cooldown). */
    static final class CapturedLog
    {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Diagnostics log = new Diagnostics(LogFormat.TEXT, new PrintStream(bytes, true, StandardCharsets.UTF_8),
            () -> 0, System::nanoTime, 1_000_000_000L);

        String text()
        {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** The record lines (not comments) of a file, each split into columns. */
    static List<String[]> records(final Path file) throws IOException
    {
        final List<String[]> out = new ArrayList<>();
        for (final String line : Files.readAllLines(file))
        {
            if (!line.startsWith("#"))
            {
                out.add(line.split("\t", -1));
            }
        }
        return out;
    }

    /** The last record line of a file, split into columns. */
    static String[] lastRecord(final Path file) throws IOException
    {
        final List<String[]> all = records(file);
        return all.get(all.size() - 1);
    }

    /** Verifies files in order and fails with the problems when they are not intact. */
    static AuditVerifier.Report verifyIntact(final Path... files) throws IOException
    {
        final AuditVerifier.Report report = AuditVerifier.verify(List.of(files));
        if (!report.intact())
        {
            final StringBuilder text = new StringBuilder("not intact:");
            for (final AuditVerifier.Problem problem : report.problems())
            {
                text.append("\n  ").append(problem.text());
            }
            throw new AssertionError(text.toString());
        }
        return report;
    }

    /** Sum of the sequence numbers the file's gap declarations of {@code reason} cover. */
    static long declared(final Path file, final GapDeclaration.Reason reason) throws IOException
    {
        long n = 0;
        for (final String line : Files.readAllLines(file))
        {
            final GapDeclaration gap = line.startsWith("#") ? GapDeclaration.parse(line) : null;
            if (null != gap && gap.reason() == reason)
            {
                n += gap.count();
            }
        }
        return n;
    }
}
