package io.varta.watch.audit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A comment line by which the writer declares sequence numbers it allocated but never wrote, written immediately
 * before the next line it does write:
 * <pre>
 * # gap: seq 41..43 not written (ring_full)
 * </pre>
 * {@code ring_full}: records dropped because the 256-line ring was full (each is counted in
 * {@code varta_recovery_audit_dropped_total}); {@code write_failed}: records whose write failed (disk full, file-size
 * limit, I/O error) and were cut back out of the file.
 *
 * <p>Why a comment is enough: the chain runs over the records actually written, so the record after a gap chains
 * directly onto the record before it. A record deleted after the fact breaks the chain at its successor, declared or
 * not; a declaration whose range does not end right before the next record's {@code seq} is itself reported. The
 * verifier therefore accepts a {@code seq} gap only when it is declared and the chain is unbroken across it.
 *
 * @param first first sequence number not written
 * @param last last sequence number not written ({@code >= first})
 * @param reason why they were not written
 */
public record GapDeclaration(long first, long last, Reason reason)
{
    private static final Pattern LINE = Pattern.compile("# gap: seq (0|[1-9][0-9]{0,17})\\.\\.(0|[1-9][0-9]{0,17})"
        + " not written \\((ring_full|write_failed)\\)");

    /** Why sequence numbers were not written. Immutable; any thread. */
    public enum Reason
    {
        /** The ring between the callers and the writer thread was full. */
        RING_FULL("ring_full"),
        /** The write failed and was cut back. */
        WRITE_FAILED("write_failed");

        private final String label;

        Reason(final String label)
        {
            this.label = label;
        }

        /**
         * Any thread.
         *
         * @return e.g. {@code ring_full}
         */
        public String label()
        {
            return label;
        }
    }

    /**
     * @param first first sequence number not written
     * @param last last sequence number not written
     * @param reason why
     */
    public GapDeclaration
    {
        if (first < 1 || last < first)
        {
            throw new IllegalArgumentException("bad gap " + first + ".." + last);
        }
    }

    /**
     * Any thread.
     *
     * @return how many sequence numbers the gap covers
     */
    public long count()
    {
        return last - first + 1;
    }

    /**
     * Any thread.
     *
     * @return the comment line, without its newline
     */
    public String line()
    {
        return "# gap: seq " + first + ".." + last + " not written (" + reason.label() + ")";
    }

    /**
     * Any thread.
     *
     * @param line a line without its newline
     * @return the declaration, or {@code null} when the line is not one
     */
    public static GapDeclaration parse(final String line)
    {
        final Matcher m = LINE.matcher(line);
        if (!m.matches())
        {
            return null;
        }
        final long first = Long.parseLong(m.group(1));
        final long last = Long.parseLong(m.group(2));
        if (first < 1 || last < first)
        {
            return null;
        }
        return new GapDeclaration(first, last, "ring_full".equals(m.group(3)) ? Reason.RING_FULL : Reason.WRITE_FAILED);
    }
}
