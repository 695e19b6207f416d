package io.varta.watch.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The hash chain of the recovery audit log v2:
 * <pre>
 * chain = SHA-256("VARTA-AUDIT-v2" || 0x00 || kind || 0x00 || prev || 0x00 || body)
 * </pre>
 * {@code kind} is the record kind's label ({@link RecordKind#label()}), {@code prev} the previous record's chain as
 * 32 raw bytes (32 zero bytes before the first record of a fresh section), {@code body} the record line up to, not
 * including, the tab before the chain column. The zero bytes keep two different (kind, body) splits from hashing the
 * same bytes. The chain column is the 64 lowercase hex characters of the digest.
 *
 * <p>Not thread-safe (it reuses one {@link MessageDigest}): one instance per thread.
 */
public final class AuditChain
{
    /** Domain separator, the first input of every chain hash. */
    public static final String DOMAIN = "VARTA-AUDIT-v2";
    /** Bytes of a chain value. */
    public static final int BYTES = 32;
    /** Characters of a chain column. */
    public static final int HEX_CHARS = 2 * BYTES;

    private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZERO = new byte[BYTES];
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest sha256;

    /** Any thread; the instance then belongs to that thread. */
    public AuditChain()
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Any thread.
     *
     * @return 32 zero bytes, the {@code prev} of the first record of a fresh section (a new array)
     */
    public static byte[] zero()
    {
        return ZERO.clone();
    }

    /**
     * The chain of one record. Owner thread.
     *
     * @param prev the previous record's chain (32 bytes)
     * @param kind the record's kind
     * @param body the bytes holding the body
     * @param offset first body byte
     * @param length body length
     * @return the new chain value (32 bytes)
     */
    public byte[] next(final byte[] prev, final RecordKind kind, final byte[] body, final int offset, final int length)
    {
        if (prev.length != BYTES)
        {
            throw new IllegalArgumentException("a chain value has 32 bytes, not " + prev.length);
        }
        sha256.reset();
        sha256.update(DOMAIN_BYTES);
        sha256.update((byte)0);
        sha256.update(kind.bytes());
        sha256.update((byte)0);
        sha256.update(prev);
        sha256.update((byte)0);
        sha256.update(body, offset, length);
        return sha256.digest();
    }

    /**
     * {@link #next(byte[], RecordKind, byte[], int, int)} over a whole array. Owner thread.
     *
     * @param prev the previous record's chain (32 bytes)
     * @param kind the record's kind
     * @param body the body
     * @return the new chain value
     */
    public byte[] next(final byte[] prev, final RecordKind kind, final byte[] body)
    {
        return next(prev, kind, body, 0, body.length);
    }

    /**
     * Any thread.
     *
     * @param chain a chain value
     * @return its 64 lowercase hex characters
     */
    public static String hex(final byte[] chain)
    {
        return HEX.formatHex(chain);
    }

    /**
     * Any thread.
     *
     * @param column a chain column
     * @return true for exactly 64 lowercase hex characters
     */
    public static boolean isHex(final CharSequence column)
    {
        if (column.length() != HEX_CHARS)
        {
            return false;
        }
        for (int i = 0; i < HEX_CHARS; i++)
        {
            final char c = column.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Any thread.
     *
     * @param column 64 lowercase hex characters ({@link #isHex})
     * @return the 32 bytes
     */
    public static byte[] parseHex(final CharSequence column)
    {
        if (!isHex(column))
        {
            throw new IllegalArgumentException("not a chain: " + column);
        }
        return HEX.parseHex(column);
    }

    /**
     * Any thread.
     *
     * @param a a chain value
     * @param b a chain value
     * @return true when both hold the same bytes
     */
    public static boolean same(final byte[] a, final byte[] b)
    {
        return Arrays.equals(a, b);
    }
}
