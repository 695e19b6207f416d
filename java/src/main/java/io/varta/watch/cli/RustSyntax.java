package io.varta.watch.cli;

/**
 * The two pieces of Rust standard-library behaviour the reference's parser exposes to users: unsigned
 * integer parsing ({@code u64::from_str}, {@code u32::from_str_radix}) and the {@code {:?}} quoting of
 * raw values in error messages.
 *
 * <p>Stateless; any thread.
 */
final class RustSyntax
{
    /** Largest u32. */
    static final long U32_MAX = 0xFFFF_FFFFL;

    private RustSyntax()
    {
    }

    /**
     * Parses like Rust's unsigned {@code from_str_radix}: an optional leading {@code +}, then at least
     * one ASCII digit of the radix; no whitespace, underscores, signs or prefixes. Any thread.
     *
     * @param text raw token
     * @param radix 8 or 10
     * @param max inclusive maximum as an unsigned value ({@code -1L} for u64)
     * @return the value as an unsigned long
     * @throws NumberFormatException if {@link #isUnsigned} rejects the text
     */
    static long parseUnsigned(final String text, final int radix, final long max)
    {
        if (!isUnsigned(text, radix, max))
        {
            throw new NumberFormatException(text);
        }
        final int start = text.charAt(0) == '+' ? 1 : 0;
        return Long.parseUnsignedLong(text.substring(start), radix);
    }

    /**
     * Whether {@link #parseUnsigned} accepts {@code text}. Any thread.
     *
     * @param text raw token
     * @param radix 8 or 10
     * @param max inclusive unsigned maximum ({@code -1L} for u64)
     * @return {@code true} if the text is a valid number not above {@code max}
     */
    static boolean isUnsigned(final String text, final int radix, final long max)
    {
        final int start = !text.isEmpty() && text.charAt(0) == '+' ? 1 : 0;
        if (text.length() == start)
        {
            return false;
        }
        long value = 0;
        for (int i = start; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final int digit = c >= '0' && c <= '9' ? c - '0' : -1;
            if (digit < 0 || digit >= radix)
            {
                return false;
            }
            // value * radix + digit <= max  <=>  value <= (max - digit) / radix   (unsigned arithmetic)
            if (Long.compareUnsigned(value, Long.divideUnsigned(max - digit, radix)) > 0)
            {
                return false;
            }
            final long next = value * radix + digit;
            value = next;
        }
        return true;
    }

    /**
     * Renders {@code raw} as Rust's {@code Debug} for {@code str} does: double-quoted, with {@code \"},
     * {@code \\}, {@code \n}, {@code \r}, {@code \t}, {@code \0} and {@code &#92;u{..}} for other control
     * characters. Any thread.
     *
     * @param raw the value
     * @return the quoted form
     */
    static String debugQuote(final String raw)
    {
        final StringBuilder out = new StringBuilder(raw.length() + 2).append('"');
        for (int i = 0; i < raw.length(); i++)
        {
            final char c = raw.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\0':
                    out.append("\\0");
                    break;
                default:
                    if (Character.isISOControl(c))
                    {
                        out.append("\\u{").append(Integer.toHexString(c)).append('}');
                    }
                    else
                    {
                        out.append(c);
                    }
                    break;
            }
        }
        return out.append('"').toString();
    }
}
