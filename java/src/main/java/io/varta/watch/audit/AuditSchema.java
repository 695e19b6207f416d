package io.varta.watch.audit;

/**
 * The text rules of the recovery audit log v2 that the writer and the verifier share: the header lines, the
 * constant columns and the sanitising of free text.
 *
 * <ul>
 *   <li>A v2 file starts with {@value #HEADER_V2} (a v1 file with {@value #HEADER_V1}); a file with any other first
 *       line that the log migrated carries the v2 header later, on a line of its own, and only what follows the
 *       last v2 header is v2.</li>
 *   <li>Every other line starting with {@code #} is a comment, not a record; the only comment the log writes is a
 *       {@link GapDeclaration}.</li>
 *   <li>Records are tab-separated, {@code seq} first, the chain (64 lowercase hex) last; columns per kind in
 *       {@link RecordKind}. Columns without a value hold {@value #NONE}.</li>
 *   <li>Free text (program path, command source) has tab, CR and LF replaced by a space ({@link #sanitize}), so no
 *       value can forge a column or a line.</li>
 * </ul>
 *
 * <p>Stateless; any thread.
 */
public final class AuditSchema
{
    /** First line of a v2 file (without its newline). */
    public static final String HEADER_V2 = "# varta-watch recovery audit v2";
    /** First line of a legacy v1 file. */
    public static final String HEADER_V1 = "# varta-watch recovery audit v1";
    /** A column without a value. */
    public static final String NONE = "-";
    /** The {@code mode} column of every {@code spawn} record (shell mode does not exist). */
    public static final String MODE_EXEC = "exec";
    /** The {@code observer_ns} column of every {@code boot} record. */
    public static final String BOOT_OBSERVER_NS = "0";

    private AuditSchema()
    {
    }

    /**
     * Any thread.
     *
     * @param text free text for a column ({@code null} is written as the empty string)
     * @return the text with every tab, CR and LF replaced by a space
     */
    public static String sanitize(final String text)
    {
        if (null == text)
        {
            return "";
        }
        return text.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * Any thread.
     *
     * @param s a column
     * @return true for a canonical unsigned decimal that fits a u64: {@code 0} or digits without a leading zero
     */
    static boolean isUnsignedDecimal(final String s)
    {
        final int n = s.length();
        if (n == 0 || n > 20 || (n > 1 && s.charAt(0) == '0'))
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            final char c = s.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return n < 20 || s.compareTo("18446744073709551615") <= 0;
    }

    /**
     * Any thread.
     *
     * @param s a column that {@link #isUnsignedDecimal} accepts
     * @return its value as a u64 in a {@code long} (values above {@link Long#MAX_VALUE} wrap to negative)
     */
    static long parseUnsignedDecimal(final String s)
    {
        return Long.parseUnsignedLong(s);
    }

    /**
     * Any thread.
     *
     * @param s a column
     * @return true for a canonical signed decimal that fits an i32 (no {@code +}, no {@code -0})
     */
    static boolean isSignedInt(final String s)
    {
        final boolean negative = s.startsWith("-");
        final String digits = negative ? s.substring(1) : s;
        if (!isUnsignedDecimal(digits) || digits.length() > 10 || (negative && "0".equals(digits)))
        {
            return false;
        }
        final long value = Long.parseLong(digits);
        return negative ? value <= 2_147_483_648L : value <= Integer.MAX_VALUE;
    }
}
