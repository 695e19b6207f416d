package io.varta.watch.audit;

import io.varta.watch.recovery.CompletionOutcome;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static io.varta.watch.audit.AuditTesting.verifyIntact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verifier against files the log wrote, edited ones, and the command line of {@code varta-audit}. */
class AuditVerifierTest
{
    @TempDir
    Path dir;

    private Path written;
    private byte[] original;

    /** A small file with every record kind and a declared gap: header, boot, spawn, complete, gap, refused. */
    @BeforeEach
    void writeASmallFile() throws Exception
    {
        written = dir.resolve("audit.tsv");
        final AuditTesting.CapturedLog captured = new AuditTesting.CapturedLog();
        final AuditWriter writer = AuditWriter.open(AuditConfig.of(written).daemonPid(9).clocks(System::nanoTime,
            () -> 1_700_000_000_000L), captured.log);
        writer.write(new AuditRing.Entry(RecordKind.SPAWN,
            "1700000000500\t15\tspawn\t4321\t4400\texec\t/usr/bin/r\tinline\t12".getBytes(StandardCharsets.UTF_8), 0));
        writer.write(new AuditRing.Entry(RecordKind.COMPLETE,
            "1700000000700\t17\tcomplete\t4321\t4400\treaped\t0\t-\t2000\t0\t0\tfalse".getBytes(StandardCharsets.UTF_8),
            0));
        writer.write(new AuditRing.Entry(RecordKind.REFUSED,
            "1700000001800\t28\trefused\t4321\tdebounced".getBytes(StandardCharsets.UTF_8), 2));
        writer.close();
        original = Files.readAllBytes(written);
    }

    private static int lineOf(final byte[] content, final int position)
    {
        int line = 1;
        for (int i = 0; i < position; i++)
        {
            if (content[i] == '\n')
            {
                line++;
            }
        }
        return line;
    }

    @Test
    void aWrittenFileVerifies() throws Exception
    {
        final AuditVerifier.Report report = verifyIntact(written);
        assertEquals(4, report.records());
        assertEquals(6, report.lastSeq());
        assertEquals(2, report.files().get(0).declaredGapSeqs());
        assertEquals(List.of("# gap: seq 4..5 not written (ring_full)"),
            Files.readAllLines(written).stream().filter(l -> l.startsWith("# gap")).toList());
    }

    @Test
    void editingAnyByteFailsNamingItsLine() throws Exception
    {
        final Path edited = dir.resolve("edited.tsv");
        int edits = 0;
        for (int position = 0; position < original.length; position++)
        {
            // one changed bit, and the bytes that change the structure: a new line, a new column, a comment
            final byte[] replacements = {(byte)(original[position] ^ 1), '\n', '\t', '#'};
            for (final byte replacement : replacements)
            {
                if (original[position] == replacement)
                {
                    continue;
                }
                final byte[] content = original.clone();
                content[position] = replacement;
                Files.write(edited, content);
                final AuditVerifier.Report report = AuditVerifier.verify(List.of(edited));
                final String what = "byte " + position + " ('" + (char)original[position] + "' -> '"
                    + (char)replacement + "')";
                assertFalse(report.intact(), what + " went unnoticed");
                assertEquals(lineOf(original, position), report.problems().get(0).line(),
                    what + ": " + report.problems().get(0).text());
                edits++;
            }
        }
        assertTrue(edits >= 3 * original.length, "edits: " + edits);
    }

    @Test
    void deletingOrReorderingRecordsIsCaught() throws Exception
    {
        final List<String> lines = Files.readAllLines(written);
        final Path edited = dir.resolve("edited.tsv");

        final List<String> deleted = new ArrayList<>(lines);
        deleted.remove(2); // the spawn record
        Files.write(edited, deleted);
        AuditVerifier.Report report = AuditVerifier.verify(List.of(edited));
        assertEquals(3, report.problems().get(0).line());
        assertTrue(report.problems().get(0).text().contains("seq 3: seq gap: expected seq 2"),
            report.problems().get(0).text());
        assertTrue(report.problems().get(1).message().startsWith("chain mismatch"), report.problems().toString());

        final List<String> declaredButBroken = new ArrayList<>(lines);
        declaredButBroken.set(2, "# gap: seq 2..2 not written (ring_full)"); // a forged declaration
        Files.write(edited, declaredButBroken);
        report = AuditVerifier.verify(List.of(edited));
        assertEquals(1, report.problems().size(), report.problems().toString());
        assertEquals(4, report.problems().get(0).line());
        assertTrue(report.problems().get(0).message().startsWith("chain mismatch"));

        final List<String> swapped = new ArrayList<>(lines);
        swapped.set(2, lines.get(3));
        swapped.set(3, lines.get(2));
        Files.write(edited, swapped);
        assertEquals(3, AuditVerifier.verify(List.of(edited)).problems().get(0).line());

        final List<String> undeclared = new ArrayList<>(lines);
        undeclared.remove(4); // the gap declaration
        Files.write(edited, undeclared);
        report = AuditVerifier.verify(List.of(edited));
        assertEquals(List.of("seq 6: seq gap: expected seq 4 (2 sequence number(s) missing and not declared)"),
            report.problems().stream().map(p -> p.text().substring(p.text().indexOf("seq "))).toList());
    }

    @Test
    void theCommandLineExitsZeroOneOrTwo() throws Exception
    {
        assertEquals(0, run("verify", written.toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(
            "varta-audit: OK: 4 record(s) in 1 file(s) verified; last seq 6, last chain "), out.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(written + ": 4 record(s), seq 1..6, 2 seq declared"
            + " not written"), out.toString());

        final byte[] content = original.clone();
        final int at = new String(content, StandardCharsets.UTF_8).indexOf("/usr/bin/r");
        content[at + 5] = 'X';
        final Path edited = dir.resolve("edited.tsv");
        Files.write(edited, content);
        assertEquals(1, run("verify", edited.toString()));
        final String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.startsWith(edited + ":3: seq 2: chain mismatch: recomputed "), report);
        assertTrue(report.contains("varta-audit: FAILED: 1 problem(s); 4 record(s) in 1 file(s) checked"), report);

        assertEquals(2, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("varta-audit: missing command (verify)\n\nvarta-audit"
            + " - check"), err.toString());
        assertEquals(2, run("check", written.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("varta-audit: unknown command check\n"));
        assertEquals(2, run("verify"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("varta-audit: verify needs at least one FILE\n"));
        final Path missing = dir.resolve("missing.tsv");
        assertEquals(2, run("verify", missing.toString()));
        assertEquals("varta-audit: cannot read " + missing + ": No such file or directory\n",
            err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("verify", dir.toString()));
        assertEquals("varta-audit: cannot read " + dir + ": Is a directory\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("--help"));
        assertEquals(AuditMain.USAGE, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void filesThatAreNotV2AreRefusedAtLineOne() throws Exception
    {
        final Path empty = Files.createFile(dir.resolve("empty.tsv"));
        assertEquals("empty file: no '# varta-watch recovery audit v2' header",
            AuditVerifier.verify(List.of(empty)).problems().get(0).message());
        final Path v1 = dir.resolve("v1.tsv");
        Files.writeString(v1, AuditSchema.HEADER_V1 + "\n1\t2\n");
        assertEquals(v1 + ":1: a v1 audit file without a v2 section: nothing verifiable",
            AuditVerifier.verify(List.of(v1)).problems().get(0).text());
        final Path other = dir.resolve("other.tsv");
        Files.writeString(other, "hello\n");
        assertEquals(other + ":1: not a recovery audit v2 file: no '# varta-watch recovery audit v2' header line",
            AuditVerifier.verify(List.of(other)).problems().get(0).text());
    }

    @Test
    void aFileGivenAfterAnotherMustContinueIt() throws Exception
    {
        final Path second = dir.resolve("second.tsv");
        final AuditTesting.CapturedLog captured = new AuditTesting.CapturedLog();
        try (RecoveryAuditLog audit = RecoveryAuditLog.open(AuditConfig.of(second), captured.log))
        {
            audit.complete(1, 2, 3, 4, CompletionOutcome.REAPED, OptionalInt.of(0), OptionalInt.empty(), 5, 0, 0, false);
        }
        final AuditVerifier.Report report = AuditVerifier.verify(List.of(written, second));
        assertEquals(second + ":2: seq 1: expected a rotation boot record continuing " + written + ", found a fresh"
            + " boot record (files must be consecutive generations, oldest first)", report.problems().get(0).text());
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args) throws IOException
    {
        out.reset();
        err.reset();
        return AuditMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
