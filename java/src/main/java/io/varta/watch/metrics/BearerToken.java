package io.varta.watch.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The {@code /metrics} bearer token: 32 bytes given as 64 hex characters, and the check of an
 * {@code Authorization} header value against it.
 *
 * <p>Header rule (the reference's {@code bearer_token.rs}): the value must be {@code Bearer <64 hex>} with the
 * scheme and the hex digits case-insensitive, one or more spaces between them and nothing after the token.
 * The decoded bytes are compared with {@link MessageDigest#isEqual}, which runs in time independent of where
 * the bytes differ.
 *
 * <pre>{@code
 * BearerToken token = BearerToken.parseFile(path, PrivateFile.readSecret(path));
 * boolean ok = token.matchesHeader(exchange.getRequestHeaders().getFirst("Authorization"));
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class BearerToken
{
    /** Token length in bytes. */
    public static final int BYTES = 32;

    private final byte[] token;

    private BearerToken(final byte[] token)
    {
        this.token = token;
    }

    /**
     * Parses the content of a token file: trimmed, then exactly 64 hex characters (either case). Any thread.
     *
     * @param source the file name, for the message
     * @param content the file's bytes
     * @return the token
     * @throws IllegalArgumentException with {@code <source>: ...} when the content is not a token
     */
    public static BearerToken parseFile(final Object source, final byte[] content)
    {
        final String text = new String(content, StandardCharsets.ISO_8859_1).trim();
        final byte[] bytes = decodeHex(text);
        if (null == bytes)
        {
            throw new IllegalArgumentException(source + ": expected exactly 64 hex characters (32 bytes), got "
                + text.length() + " characters" + (text.length() == 64 ? " with a non-hex character" : ""));
        }
        return new BearerToken(bytes);
    }

    /**
     * Any thread; constant time in the token bytes.
     *
     * @param headerValue the {@code Authorization} header value, or null when the header is missing
     * @return true when it is {@code Bearer <this token>}
     */
    public boolean matchesHeader(final String headerValue)
    {
        if (null == headerValue || headerValue.length() < 7 || !headerValue.regionMatches(true, 0, "Bearer", 0, 6)
            || ' ' != headerValue.charAt(6))
        {
            return false;
        }
        int start = 7;
        while (start < headerValue.length() && ' ' == headerValue.charAt(start))
        {
            start++;
        }
        final byte[] presented = decodeHex(headerValue.substring(start));
        final boolean equal = MessageDigest.isEqual(token, null == presented ? new byte[BYTES] : presented);
        return null != presented && equal;
    }

    /** @return 32 bytes, or null unless {@code hex} is exactly 64 hex digits */
    private static byte[] decodeHex(final String hex)
    {
        if (hex.length() != 2 * BYTES)
        {
            return null;
        }
        final byte[] out = new byte[BYTES];
        for (int i = 0; i < BYTES; i++)
        {
            final int hi = Character.digit(hex.charAt(2 * i), 16);
            final int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0 || hex.charAt(2 * i) > 'f' || hex.charAt(2 * i + 1) > 'f')
            {
                Arrays.fill(out, (byte)0);
                return null;
            }
            out[i] = (byte)(hi << 4 | lo);
        }
        return out;
    }
}
