package io.varta.watch.audit;

import io.varta.watch.recovery.CompletionOutcome;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One record line of the audit log taken apart and checked against the v2 columns ({@link RecordKind}): the
 * opening probe ({@link AuditResume}) and the verifier ({@link AuditVerifier}) read lines through it.
 *
 * <p>Column rules: {@code seq}, {@code wallclock_ms}, {@code observer_ns}, pids, lengths and durations are canonical
 * unsigned decimals (no sign, no leading zero); {@code seq} is at least 1; {@code exit_code} and {@code signal} are
 * {@value AuditSchema#NONE} or a canonical i32; {@code prev_chain} is {@value AuditSchema#NONE} or 64 lowercase hex;
 * the reasons, the outcome, {@code mode} and {@code truncated} are their fixed words (a {@code refused} reason is any
 * {@code [a-z0-9_]+} word, so a newer writer's reason still verifies); free text may hold anything but a tab.
 *
 * <p>Immutable once parsed; any thread.
 */
final class AuditLine
{
    private static final int BOOT_PREV_COLUMN = 5;
    private static final int BOOT_REASON_COLUMN = 6;

    private final long seq;
    private final RecordKind kind;
    private final String[] columns;
    private final int bodyLength;
    private final byte[] chain;
    private final String problem;

    private AuditLine(final long seq, final RecordKind kind, final String[] columns, final int bodyLength,
        final byte[] chain, final String problem)
    {
        this.seq = seq;
        this.kind = kind;
        this.columns = columns;
        this.bodyLength = bodyLength;
        this.chain = chain;
        this.problem = problem;
    }

    /**
     * Takes one line apart. Any thread.
     *
     * @param buf bytes holding the line
     * @param from first byte of the line
     * @param to end of the line (exclusive), the newline not included
     * @return the line; {@link #problem()} says what is wrong with it, if anything
     */
    static AuditLine parse(final byte[] buf, final int from, final int to)
    {
        final List<String> cols = new ArrayList<>(14);
        int lastTab = -1;
        int start = from;
        for (int i = from; i < to; i++)
        {
            if (buf[i] == '\t')
            {
                cols.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
                lastTab = i;
            }
        }
        cols.add(new String(buf, start, to - start, StandardCharsets.UTF_8));
        final String[] columns = cols.toArray(new String[0]);
        final long seq = AuditSchema.isUnsignedDecimal(columns[0]) && !"0".equals(columns[0])
            ? AuditSchema.parseUnsignedDecimal(columns[0]) : -1;
        if (seq < 0)
        {
            return malformed(-1, columns, "the first column is not a sequence number >= 1");
        }
        if (columns.length < RecordKind.KIND_COLUMN + 2)
        {
            return malformed(seq, columns, "too few columns (" + columns.length + ")");
        }
        final RecordKind kind = RecordKind.ofLabel(columns[RecordKind.KIND_COLUMN]);
        if (null == kind)
        {
            return malformed(seq, columns, "unknown record kind \"" + columns[RecordKind.KIND_COLUMN] + "\"");
        }
        if (columns.length != kind.columns())
        {
            return malformed(seq, columns, "a " + kind.label() + " record has " + kind.columns() + " columns, this line "
                + columns.length);
        }
        final String chainColumn = columns[columns.length - 1];
        if (!AuditChain.isHex(chainColumn))
        {
            return malformed(seq, columns, "the chain column is not 64 lowercase hex characters");
        }
        final String bad = checkColumns(kind, columns);
        if (null != bad)
        {
            return malformed(seq, columns, bad);
        }
        return new AuditLine(seq, kind, columns, lastTab - from, AuditChain.parseHex(chainColumn), null);
    }

    private static AuditLine malformed(final long seq, final String[] columns, final String problem)
    {
        return new AuditLine(seq, null, columns, 0, null, problem);
    }

    private static String checkColumns(final RecordKind kind, final String[] c)
    {
        if (!AuditSchema.isUnsignedDecimal(c[1]))
        {
            return "wallclock_ms is not an unsigned decimal";
        }
        if (!AuditSchema.isUnsignedDecimal(c[2]))
        {
            return "observer_ns is not an unsigned decimal";
        }
        switch (kind)
        {
            case BOOT:
                if (!AuditSchema.isUnsignedDecimal(c[4]))
                {
                    return "daemon_pid is not an unsigned decimal";
                }
                if (!AuditSchema.NONE.equals(c[BOOT_PREV_COLUMN]) && !AuditChain.isHex(c[BOOT_PREV_COLUMN]))
                {
                    return "prev_chain is neither - nor 64 lowercase hex characters";
                }
                return null == BootReason.ofLabel(c[BOOT_REASON_COLUMN])
                    ? "unknown boot reason \"" + c[BOOT_REASON_COLUMN] + "\"" : null;
            case SPAWN:
                if (!AuditSchema.isUnsignedDecimal(c[4]) || !AuditSchema.isUnsignedDecimal(c[5]))
                {
                    return "a pid is not an unsigned decimal";
                }
                if (!AuditSchema.MODE_EXEC.equals(c[6]))
                {
                    return "mode is not \"exec\"";
                }
                return AuditSchema.isUnsignedDecimal(c[9]) ? null : "template_len is not an unsigned decimal";
            case COMPLETE:
                if (!AuditSchema.isUnsignedDecimal(c[4]) || !AuditSchema.isUnsignedDecimal(c[5]))
                {
                    return "a pid is not an unsigned decimal";
                }
                if (null == CompletionOutcome.ofLabel(c[6]))
                {
                    return "unknown outcome \"" + c[6] + "\"";
                }
                if (!noneOrInt(c[7]) || !noneOrInt(c[8]))
                {
                    return "exit_code or signal is neither - nor a decimal";
                }
                if (!AuditSchema.isUnsignedDecimal(c[9]) || !AuditSchema.isUnsignedDecimal(c[10])
                    || !AuditSchema.isUnsignedDecimal(c[11]))
                {
                    return "duration_ns, stdout_len or stderr_len is not an unsigned decimal";
                }
                return "true".equals(c[12]) || "false".equals(c[12]) ? null : "truncated is neither true nor false";
            case REFUSED:
            default:
                if (!AuditSchema.isUnsignedDecimal(c[4]))
                {
                    return "agent_pid is not an unsigned decimal";
                }
                return c[5].matches("[a-z0-9_]+") ? null : "the refusal reason is not a word of [a-z0-9_]";
        }
    }

    private static boolean noneOrInt(final String column)
    {
        return AuditSchema.NONE.equals(column) || AuditSchema.isSignedInt(column);
    }

    /**
     * Any thread.
     *
     * @return what is wrong with the line, or {@code null} for a well-formed record
     */
    String problem()
    {
        return problem;
    }

    /**
     * Any thread.
     *
     * @return the {@code seq} column, or -1 when the first column is not a sequence number
     */
    long seq()
    {
        return seq;
    }

    /**
     * Any thread.
     *
     * @return the kind of a well-formed record, else {@code null}
     */
    RecordKind kind()
    {
        return kind;
    }

    /**
     * Any thread.
     *
     * @return bytes of the body (the line up to, not including, the tab before the chain)
     */
    int bodyLength()
    {
        return bodyLength;
    }

    /**
     * Any thread.
     *
     * @return the chain column as 32 bytes (a well-formed record), else {@code null}
     */
    byte[] chain()
    {
        return null == chain ? null : chain.clone();
    }

    /**
     * Any thread.
     *
     * @param index 0-based column index
     * @return that column's text
     */
    String column(final int index)
    {
        return columns[index];
    }

    /**
     * Any thread.
     *
     * @return the boot reason of a well-formed {@code boot} record, else {@code null}
     */
    BootReason bootReason()
    {
        return RecordKind.BOOT == kind ? BootReason.ofLabel(columns[BOOT_REASON_COLUMN]) : null;
    }

    /**
     * Any thread.
     *
     * @return the {@code prev_chain} of a well-formed {@code boot} record as 32 bytes, or {@code null} for
     *     {@value AuditSchema#NONE} or another kind
     */
    byte[] bootPrevChain()
    {
        if (RecordKind.BOOT != kind || AuditSchema.NONE.equals(columns[BOOT_PREV_COLUMN]))
        {
            return null;
        }
        return AuditChain.parseHex(columns[BOOT_PREV_COLUMN]);
    }
}
