package io.varta.watch.log;

/**
 * Escapes text for a JSON string literal: {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t}
 * and {@code &#92;u00XX} for the remaining control characters below 0x20.
 *
 * <p>Stateless; any thread.
 */
public final class JsonText
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText()
    {
    }

    /**
     * Appends {@code text}, escaped, to {@code out} (without surrounding quotes). Any thread.
     *
     * @param out destination
     * @param text text to escape
     */
    public static void appendEscaped(final StringBuilder out, final CharSequence text)
    {
        final int length = text.length();
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
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
                default:
                    if (c < 0x20)
                    {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    }
                    else
                    {
                        out.append(c);
                    }
                    break;
            }
        }
    }
}
