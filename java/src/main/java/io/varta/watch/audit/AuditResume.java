package io.varta.watch.audit;

import io.varta.watch.files.RotatingAppendFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an audit file already holds when the log opens it, and so how the log continues it: the {@code boot} reason,
 * the next {@code seq}, the chain to continue from, whether a v2 header must be appended first, and the startup
 * warnings. The file has been opened with its torn last line cut away ({@link RotatingAppendFile.TornTail#CUT}).
 *
 * <ol>
 *   <li>Empty: a header, then {@code fresh} (or {@code corrupt_tail} if a torn line was cut and nothing else was
 *       there); seq 1, chain from zero.</li>
 *   <li>First line is not the v2 header and no line of the file is: a v2 header is appended, then
 *       {@code legacy_v1} (first line is the v1 header) or {@code schema_drift}; seq 1, chain from zero.</li>
 *   <li>Otherwise the v2 region is what follows the last v2 header line. Its lines are read backwards from the end
 *       (the last {@value RotatingAppendFile#TAIL_BYTES} bytes first, more only when no whole record is among them)
 *       down to the last well-formed record: {@code seq} continues after the largest of that record's seq, any seq
 *       declared by a later {@link GapDeclaration} and the leading seq of any later malformed line; the chain
 *       continues from that record's chain. Reason {@code corrupt_tail} if a torn line was cut or lines that are
 *       not records follow the last record (they stay in the file for the verifier to report), else
 *       {@code resume}.</li>
 * </ol>
 *
 * <p>Immutable; any thread (the probe runs on the thread that opens the log).
 */
final class AuditResume
{
    /** Startup warning: a v1 file (the reference's text). */
    static final String LEGACY_V1_WARNING = "recovery audit file contains a legacy v1 prefix; v2 section begins now"
        + " with a `legacy_v1` boot record.";
    /** Startup warning: a torn last line was cut (the reference's text). */
    static final String TORN_TAIL_WARNING = "recovery audit file had a torn tail from a prior unclean shutdown;"
        + " truncated to the last newline before resuming.";
    /** Startup warning: an unknown header (the reference's text). */
    static final String SCHEMA_DRIFT_WARNING = "recovery audit file header does not match v1 or v2; appending a fresh"
        + " v2 section with a `schema_drift` boot record.";

    private static final int BLOCK = 64 * 1024;
    private static final int HEAD_BYTES = 256;

    private final BootReason reason;
    private final long nextSeq;
    private final byte[] prev;
    private final boolean prevKnown;
    private final boolean needsHeader;
    private final List<String> warnings;

    private AuditResume(final BootReason reason, final long nextSeq, final byte[] prev, final boolean prevKnown,
        final boolean needsHeader, final List<String> warnings)
    {
        this.reason = reason;
        this.nextSeq = nextSeq;
        this.prev = prev;
        this.prevKnown = prevKnown;
        this.needsHeader = needsHeader;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads the opened file. The file's owner thread (the thread opening the log).
     *
     * @param file the audit file, opened with {@link RotatingAppendFile.TornTail#CUT}
     * @return how to continue it
     * @throws IOException when the file cannot be read
     */
    static AuditResume probe(final RotatingAppendFile file) throws IOException
    {
        final long size = file.size();
        final boolean torn = file.tornTailBytes() > 0;
        final List<String> warnings = new ArrayList<>();
        if (torn)
        {
            warnings.add(TORN_TAIL_WARNING);
        }
        if (size == 0)
        {
            return new AuditResume(torn ? BootReason.CORRUPT_TAIL : BootReason.FRESH, 1, AuditChain.zero(), false,
                true, warnings);
        }
        final String firstLine = firstLine(file.read(0, (int)Math.min(size, HEAD_BYTES)));
        final long regionStart;
        if (AuditSchema.HEADER_V2.equals(firstLine))
        {
            regionStart = AuditSchema.HEADER_V2.length() + 1;
        }
        else
        {
            regionStart = lastHeaderEnd(file, size);
            if (regionStart < 0)
            {
                final boolean v1 = firstLine.startsWith(AuditSchema.HEADER_V1);
                warnings.add(v1 ? LEGACY_V1_WARNING : SCHEMA_DRIFT_WARNING);
                return new AuditResume(v1 ? BootReason.LEGACY_V1 : BootReason.SCHEMA_DRIFT, 1, AuditChain.zero(),
                    false, true, warnings);
            }
        }
        return scanRegion(file, regionStart, size, torn, warnings);
    }

    private static String firstLine(final byte[] head)
    {
        int end = 0;
        while (end < head.length && head[end] != '\n')
        {
            end++;
        }
        return new String(head, 0, end, StandardCharsets.UTF_8);
    }

    /** Offset just after the last line that is exactly the v2 header (not the first line), or -1. */
    private static long lastHeaderEnd(final RotatingAppendFile file, final long size) throws IOException
    {
        final byte[] needle = ("\n" + AuditSchema.HEADER_V2 + "\n").getBytes(StandardCharsets.US_ASCII);
        long end = size;
        while (end >= needle.length)
        {
            final long start = Math.max(0, end - BLOCK);
            final byte[] block = file.read(start, (int)(end - start));
            for (int i = block.length - needle.length; i >= 0; i--)
            {
                if (matches(block, i, needle))
                {
                    return start + i + needle.length;
                }
            }
            if (start == 0)
            {
                break;
            }
            end = start + needle.length - 1; // overlap: a needle across the block boundary is found next time
        }
        return -1;
    }

    private static boolean matches(final byte[] block, final int at, final byte[] needle)
    {
        for (int j = 0; j < needle.length; j++)
        {
            if (block[at + j] != needle[j])
            {
                return false;
            }
        }
        return true;
    }

    private static AuditResume scanRegion(final RotatingAppendFile file, final long regionStart, final long size,
        final boolean torn, final List<String> warnings) throws IOException
    {
        long maxSeq = 0;
        int notRecords = 0;
        AuditLine last = null;
        long pos = Math.max(regionStart, size - RotatingAppendFile.TAIL_BYTES);
        byte[] data = pos < size ? file.read(pos, (int)(size - pos)) : new byte[0]; // covers [pos, size)
        int lineEnd = data.length - 1; // the '\n' ending the next line to examine (the file ends with one)
        while (null == last && lineEnd >= 0)
        {
            int j = lineEnd - 1;
            while (j >= 0 && data[j] != '\n')
            {
                j--;
            }
            if (j < 0 && pos > regionStart)
            {
                // the line may start before pos: prepend the block before it and look again
                final int n = (int)Math.min(BLOCK, pos - regionStart);
                pos -= n;
                final byte[] joined = Arrays.copyOf(file.read(pos, n), n + lineEnd + 1);
                System.arraycopy(data, 0, joined, n, lineEnd + 1);
                data = joined;
                lineEnd += n;
                continue;
            }
            final int from = j + 1;
            final String text = new String(data, from, lineEnd - from, StandardCharsets.UTF_8);
            final GapDeclaration gap = text.startsWith("#") ? GapDeclaration.parse(text) : null;
            if (null != gap)
            {
                maxSeq = Math.max(maxSeq, gap.last());
            }
            else
            {
                final AuditLine line = text.isEmpty() || text.startsWith("#") ? null
                    : AuditLine.parse(data, from, lineEnd);
                if (null != line && null == line.problem())
                {
                    last = line;
                }
                else
                {
                    notRecords++;
                }
                if (null != line)
                {
                    maxSeq = Math.max(maxSeq, line.seq());
                }
            }
            lineEnd = j;
        }
        final BootReason reason;
        if (torn || notRecords > 0)
        {
            reason = BootReason.CORRUPT_TAIL;
            if (notRecords > 0)
            {
                warnings.add("recovery audit file ends with " + notRecords + " line(s) after its last record that are"
                    + " not v2 records; resuming after them with a `corrupt_tail` boot record (varta-audit verify"
                    + " reports them).");
            }
        }
        else
        {
            reason = BootReason.RESUME;
        }
        return new AuditResume(reason, maxSeq + 1, null == last ? AuditChain.zero() : last.chain(), null != last,
            false, warnings);
    }

    /** @return the reason of the boot record to write. Any thread. */
    BootReason reason()
    {
        return reason;
    }

    /** @return the {@code seq} of the boot record. Any thread. */
    long nextSeq()
    {
        return nextSeq;
    }

    /** @return the chain to continue from (a copy). Any thread. */
    byte[] prev()
    {
        return prev.clone();
    }

    /** @return the boot record's {@code prev_chain} column: the last record's chain, or {@code -}. Any thread. */
    String prevColumn()
    {
        return prevKnown ? AuditChain.hex(prev) : AuditSchema.NONE;
    }

    /** @return true when a v2 header must be written before the boot record. Any thread. */
    boolean needsHeader()
    {
        return needsHeader;
    }

    /** @return startup warnings to log, in order. Any thread. */
    List<String> warnings()
    {
        return warnings;
    }
}
