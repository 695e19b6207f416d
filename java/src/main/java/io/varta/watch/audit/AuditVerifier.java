package io.varta.watch.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks recovery audit v2 files offline ({@code varta-audit verify}): the header, every record's columns and chain,
 * {@code seq} continuity, and the links between rotated generations given in order, oldest first
 * ({@code PATH.5 .. PATH.1 PATH}).
 *
 * <p>The rules, per file:
 * <ol>
 *   <li>Line 1 is the v2 header, or the file is a migrated one: any first line, then a v2 header line; lines before
 *       that header are not v2 and are not verified (reported as a note). A file without a v2 header fails.</li>
 *   <li>In the v2 section every line is a well-formed record ({@link AuditLine}) or a {@link GapDeclaration}; any
 *       other line (another header, another comment, a malformed record, a last line without a newline) fails.</li>
 *   <li>The first record is a {@code boot} record: {@code rotation} with its {@code prev_chain} as the chain's
 *       starting point (equal to the previous file's last chain when the previous file is given, which must then
 *       also be followed by this {@code seq}); a migrated section starts with {@code legacy_v1} or
 *       {@code schema_drift} at seq 1 from the zero chain; any other file starts at seq 1 from the zero chain. A
 *       file given after another must start with a {@code rotation} boot record.</li>
 *   <li>Every record's {@code seq} is the previous one plus one, unless a gap declaration right before it covers
 *       exactly the numbers in between; a declaration must start at the next expected number.</li>
 *   <li>Every record's chain is {@link AuditChain#next} of the previous record's chain, its kind and its body. A
 *       {@code resume}/{@code corrupt_tail} boot record in the middle names the previous chain in its
 *       {@code prev_chain} (or {@code -} for {@code corrupt_tail}); {@code fresh}, {@code legacy_v1},
 *       {@code schema_drift} and {@code rotation} never appear in the middle.</li>
 * </ol>
 * After a problem the check goes on from the line's own {@code seq} and chain, so one edited record is reported at
 * its own line (and, when its chain column was edited, at the next record too).
 *
 * <p>What it cannot see: records removed from the end of the newest file together with everything after them (no
 * record follows to break), and a file rewritten with every later chain recomputed. The last {@code seq} and chain
 * it prints (and the observer's {@code recovery audit: closed ... at seq N, chain X} line) are the anchor to keep
 * elsewhere for that.
 *
 * <p>Stateless; any thread (each call uses its own {@link AuditChain}).
 */
public final class AuditVerifier
{
    /** Problems reported in full; more are counted. */
    public static final int MAX_REPORTED_PROBLEMS = 100;

    private AuditVerifier()
    {
    }

    /**
     * One failed check.
     *
     * @param file the file
     * @param line its 1-based line number
     * @param seq the line's {@code seq}, or -1 when the line has none
     * @param message what is wrong
     */
    public record Problem(Path file, long line, long seq, String message)
    {
        /** @return {@code FILE:LINE: seq N: message} ({@code FILE:LINE: message} without a seq). Any thread. */
        public String text()
        {
            return file + ":" + line + ": " + (seq > 0 ? "seq " + Long.toUnsignedString(seq) + ": " : "") + message;
        }
    }

    /**
     * What one file held.
     *
     * @param file the file
     * @param records well-formed records checked
     * @param firstSeq the first record's seq (-1 without records)
     * @param lastSeq the last record's seq (-1 without records)
     * @param declaredGapSeqs sequence numbers declared not written
     * @param notes remarks that are not failures (lines before a migrated section, an anchored first record)
     */
    public record FileSummary(Path file, long records, long firstSeq, long lastSeq, long declaredGapSeqs,
        List<String> notes)
    {
    }

    /**
     * The outcome of one verification.
     *
     * @param files one summary per file, in the order given
     * @param problems every problem found, in file and line order
     * @param records well-formed records checked in all files
     * @param lastSeq the last record's seq (-1 without records)
     * @param lastChainHex the last record's chain, {@code -} without records
     */
    public record Report(List<FileSummary> files, List<Problem> problems, long records, long lastSeq,
        String lastChainHex)
    {
        /** @return true when nothing failed. Any thread. */
        public boolean intact()
        {
            return problems.isEmpty();
        }
    }

    /**
     * Verifies files given in order, oldest first. Any thread.
     *
     * @param files one file, or consecutive generations oldest first
     * @return the report
     * @throws IOException when a file cannot be read: {@code <path>: No such file or directory},
     *     {@code <path>: Permission denied}, {@code <path>: <reason>}
     */
    public static Report verify(final List<Path> files) throws IOException
    {
        final AuditChain chain = new AuditChain();
        final List<Problem> problems = new ArrayList<>();
        final List<FileSummary> summaries = new ArrayList<>();
        Carry carry = null;
        long records = 0;
        long lastSeq = -1;
        String lastChain = AuditSchema.NONE;
        for (final Path path : files)
        {
            final FileCheck check = new FileCheck(path, carry, chain, problems);
            try
            {
                check.run();
            }
            catch (final NoSuchFileException e)
            {
                throw new IOException(path + ": No such file or directory", e);
            }
            catch (final AccessDeniedException e)
            {
                throw new IOException(path + ": Permission denied", e);
            }
            catch (final IOException e)
            {
                throw new IOException(path + ": " + e.getMessage(), e);
            }
            summaries.add(check.summary());
            records += check.records;
            if (check.records > 0)
            {
                lastSeq = check.lastSeq;
                lastChain = AuditChain.hex(check.prev);
            }
            carry = check.carry();
        }
        return new Report(List.copyOf(summaries), List.copyOf(problems), records, lastSeq, lastChain);
    }

    /** Where the previous file left the chain. */
    private record Carry(Path file, byte[] chain, long expectedSeq)
    {
    }

    private enum Region
    {
        START,
        LEGACY,
        SECTION
    }

    /** One file's walk. Confined to the verifying thread. */
    private static final class FileCheck
    {
        private final Path path;
        private final Carry carry;
        private final AuditChain chain;
        private final List<Problem> problems;
        private final List<String> notes = new ArrayList<>();
        private Region region = Region.START;
        private boolean migrated;
        private boolean sectionStarted;
        private byte[] prev = AuditChain.zero();
        private long expectedSeq = 1;
        private GapDeclaration pendingGap;
        private long pendingGapLine;
        private long lineNo;
        private long records;
        private long firstSeq = -1;
        private long lastSeq = -1;
        private long declaredGapSeqs;
        private long legacyLines;
        private boolean firstLineV1;

        FileCheck(final Path path, final Carry carry, final AuditChain chain, final List<Problem> problems)
        {
            this.path = path;
            this.carry = carry;
            this.chain = chain;
            this.problems = problems;
        }

        void run() throws IOException
        {
            try (InputStream in = Files.newInputStream(path))
            {
                final byte[] chunk = new byte[1 << 16];
                byte[] line = new byte[256];
                int length = 0;
                int n;
                while ((n = in.read(chunk)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        final byte b = chunk[i];
                        if (b == '\n')
                        {
                            line(line, length, true);
                            length = 0;
                            continue;
                        }
                        if (length == line.length)
                        {
                            line = Arrays.copyOf(line, line.length * 2);
                        }
                        line[length++] = b;
                    }
                }
                if (length > 0)
                {
                    line(line, length, false);
                }
            }
            end();
        }

        private void line(final byte[] buf, final int length, final boolean complete)
        {
            lineNo++;
            final String text = new String(buf, 0, length, StandardCharsets.UTF_8);
            if (!complete)
            {
                problem(leadingSeq(text), "the last line has no newline (a torn write, or the file was cut)");
                return;
            }
            switch (region)
            {
                case START:
                    if (AuditSchema.HEADER_V2.equals(text))
                    {
                        region = Region.SECTION;
                    }
                    else
                    {
                        region = Region.LEGACY;
                        firstLineV1 = text.startsWith(AuditSchema.HEADER_V1);
                        legacyLines++;
                    }
                    return;
                case LEGACY:
                    if (AuditSchema.HEADER_V2.equals(text))
                    {
                        region = Region.SECTION;
                        migrated = true;
                        notes.add(legacyLines + " line(s) before the v2 header at line " + lineNo + " are "
                            + (firstLineV1 ? "a v1 section" : "not v2") + " and were not verified");
                    }
                    else
                    {
                        legacyLines++;
                    }
                    return;
                case SECTION:
                default:
                    section(buf, length, text);
            }
        }

        private void section(final byte[] buf, final int length, final String text)
        {
            if (AuditSchema.HEADER_V2.equals(text))
            {
                problem(-1, "a second v2 header inside the v2 section");
                return;
            }
            if (text.startsWith("#"))
            {
                gap(text);
                return;
            }
            final AuditLine record = AuditLine.parse(buf, 0, length);
            if (null != record.problem())
            {
                problem(record.seq(), "malformed record: " + record.problem());
                resyncAfterMalformed(text, record.seq());
                return;
            }
            if (!sectionStarted)
            {
                startSection(record);
            }
            else if (RecordKind.BOOT == record.kind())
            {
                midSectionBoot(record);
            }
            final byte[] recomputed = chain.next(prev, record.kind(), buf, 0, record.bodyLength());
            final byte[] recorded = record.chain();
            final boolean chainOk = AuditChain.same(recomputed, recorded);
            if (null != pendingGap && record.seq() != pendingGap.last() + 1 && chainOk)
            {
                // the record is genuine (its chain covers its seq): the declaration before it is wrong
                problems.add(new Problem(path, pendingGapLine, -1, "the gap declaration for seq "
                    + pendingGap.first() + ".." + pendingGap.last() + " is not followed by seq "
                    + (pendingGap.last() + 1) + " (line " + lineNo + " has seq " + record.seq() + ")"));
                expectedSeq = record.seq();
            }
            pendingGap = null;
            if (record.seq() != expectedSeq)
            {
                problem(record.seq(), record.seq() > expectedSeq
                    ? "seq gap: expected seq " + expectedSeq + " (" + (record.seq() - expectedSeq)
                        + " sequence number(s) missing and not declared)"
                    : "seq out of order: expected seq " + expectedSeq);
            }
            if (!chainOk)
            {
                problem(record.seq(), "chain mismatch: recomputed " + AuditChain.hex(recomputed) + ", recorded "
                    + AuditChain.hex(recorded));
            }
            prev = recorded;
            expectedSeq = record.seq() + 1;
            records++;
            lastSeq = record.seq();
            if (firstSeq < 0)
            {
                firstSeq = record.seq();
            }
        }

        private void gap(final String text)
        {
            final GapDeclaration gap = GapDeclaration.parse(text);
            if (null == gap)
            {
                problem(-1, "a comment line that is not a gap declaration");
                return;
            }
            if (!sectionStarted)
            {
                problem(-1, "a gap declaration before the first record of the v2 section");
            }
            else if (gap.first() != expectedSeq)
            {
                problem(-1, "the gap declaration for seq " + gap.first() + ".." + gap.last()
                    + " does not start at the next seq " + expectedSeq);
            }
            pendingGap = gap;
            pendingGapLine = lineNo;
            expectedSeq = gap.last() + 1;
            declaredGapSeqs += gap.count();
        }

        private void startSection(final AuditLine record)
        {
            sectionStarted = true;
            final BootReason reason = record.bootReason();
            if (null == reason)
            {
                problem(record.seq(), "the first record of the v2 section is a " + record.kind().label()
                    + " record, not a boot record");
                expectedSeq = carry != null ? carry.expectedSeq() : 1;
                prev = carry != null ? carry.chain().clone() : AuditChain.zero();
                return;
            }
            if (migrated)
            {
                if (BootReason.LEGACY_V1 != reason && BootReason.SCHEMA_DRIFT != reason)
                {
                    problem(record.seq(), "a v2 section after other content must start with a legacy_v1 or"
                        + " schema_drift boot record, not " + reason.label());
                }
                requireNoPrevColumn(record);
                prev = AuditChain.zero();
                expectedSeq = 1;
                return;
            }
            if (BootReason.ROTATION == reason)
            {
                final byte[] anchor = record.bootPrevChain();
                if (null == anchor)
                {
                    problem(record.seq(), "a rotation boot record without prev_chain");
                    prev = AuditChain.zero();
                    expectedSeq = record.seq();
                    return;
                }
                prev = anchor;
                if (null == carry)
                {
                    expectedSeq = record.seq();
                    notes.add("starts at seq " + record.seq() + ", continuing a previous generation whose last chain"
                        + " is " + AuditChain.hex(anchor) + " (not given: that link is not checked)");
                    return;
                }
                expectedSeq = carry.expectedSeq();
                if (!AuditChain.same(anchor, carry.chain()))
                {
                    problem(record.seq(), "prev_chain " + AuditChain.hex(anchor) + " does not match the last chain of "
                        + carry.file() + " (" + AuditChain.hex(carry.chain()) + ")");
                }
                return;
            }
            if (null != carry)
            {
                problem(record.seq(), "expected a rotation boot record continuing " + carry.file() + ", found a "
                    + reason.label() + " boot record (files must be consecutive generations, oldest first)");
            }
            requireNoPrevColumn(record);
            prev = AuditChain.zero();
            expectedSeq = 1;
        }

        private void requireNoPrevColumn(final AuditLine record)
        {
            if (null != record.bootPrevChain())
            {
                problem(record.seq(), "the first boot record of a section starts from the zero chain: its prev_chain"
                    + " must be -");
            }
        }

        private void midSectionBoot(final AuditLine record)
        {
            final BootReason reason = record.bootReason();
            if (BootReason.RESUME != reason && BootReason.CORRUPT_TAIL != reason)
            {
                problem(record.seq(), "a " + reason.label() + " boot record in the middle of a v2 section");
                return;
            }
            final byte[] named = record.bootPrevChain();
            if (null == named)
            {
                if (BootReason.RESUME == reason)
                {
                    problem(record.seq(), "a resume boot record without prev_chain");
                }
                return;
            }
            if (!AuditChain.same(named, prev))
            {
                problem(record.seq(), "prev_chain " + AuditChain.hex(named) + " is not the previous record's chain "
                    + AuditChain.hex(prev));
            }
        }

        private void resyncAfterMalformed(final String text, final long seq)
        {
            pendingGap = null;
            if (seq > 0)
            {
                expectedSeq = seq + 1;
            }
            final int tab = text.lastIndexOf('\t');
            final String last = tab < 0 ? "" : text.substring(tab + 1);
            if (AuditChain.isHex(last))
            {
                prev = AuditChain.parseHex(last);
            }
            sectionStarted = true;
        }

        private void end()
        {
            switch (region)
            {
                case START:
                    problems.add(new Problem(path, 1, -1, "empty file: no '" + AuditSchema.HEADER_V2 + "' header"));
                    break;
                case LEGACY:
                    problems.add(new Problem(path, 1, -1, firstLineV1
                        ? "a v1 audit file without a v2 section: nothing verifiable"
                        : "not a recovery audit v2 file: no '" + AuditSchema.HEADER_V2 + "' header line"));
                    break;
                case SECTION:
                default:
                    if (!sectionStarted && null != carry)
                    {
                        problems.add(new Problem(path, lineNo, -1, "no rotation boot record continuing "
                            + carry.file()));
                    }
                    break;
            }
        }

        private void problem(final long seq, final String message)
        {
            problems.add(new Problem(path, lineNo, seq, message));
        }

        private static long leadingSeq(final String text)
        {
            final int tab = text.indexOf('\t');
            final String first = tab < 0 ? text : text.substring(0, tab);
            return AuditSchema.isUnsignedDecimal(first) ? AuditSchema.parseUnsignedDecimal(first) : -1;
        }

        Carry carry()
        {
            return new Carry(path, prev.clone(), expectedSeq);
        }

        FileSummary summary()
        {
            return new FileSummary(path, records, firstSeq, lastSeq, declaredGapSeqs, List.copyOf(notes));
        }
    }
}
