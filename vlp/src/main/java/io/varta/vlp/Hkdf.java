package io.varta.vlp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * HKDF-SHA256 (RFC 5869) with the JDK's {@code HmacSHA256}, and the VLP derivations built on it
 * (VLP v0.2 wire format §8.4). Every VLP derivation uses an <em>empty</em> extract salt, which RFC 5869 treats as
 * HashLen zero bytes.
 *
 * <table>
 *   <caption>derivations</caption>
 *   <tr><th>use</th><th>IKM</th><th>info</th><th>length</th></tr>
 *   <tr><td>{@link #agentKey per-agent key}</td><td>master key</td><td>{@code "varta-agent-v1\0" || u32le(pid)}</td><td>32</td></tr>
 *   <tr><td>{@link #ivPrefix IV prefix}</td><td>16-byte session salt</td><td>{@code "varta-iv-prefix-v1\0" || u32le(index)}</td><td>8</td></tr>
 * </table>
 *
 * <p>Stateless; any thread. Each call allocates (two {@link Mac} instances and the output): derivations happen
 * at connect and once per 2^32 - 1 sealed datagrams, never per beat.
 */
public final class Hkdf
{
    /** Output size of SHA-256. */
    public static final int HASH_BYTES = 32;
    /** Bytes of a session salt (the IV prefix's IKM). */
    public static final int SESSION_SALT_BYTES = 16;

    private static final byte[] AGENT_INFO = "varta-agent-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IV_PREFIX_INFO = "varta-iv-prefix-v1\0".getBytes(StandardCharsets.US_ASCII);

    private Hkdf()
    {
    }

    /**
     * HKDF-SHA256 with an empty salt: extract, then expand to {@code length} bytes.
     *
     * @param length 1 .. 255 * 32
     */
    public static byte[] derive(final byte[] ikm, final byte[] info, final int length)
    {
        if (length < 1 || length > 255 * HASH_BYTES)
        {
            throw new IllegalArgumentException("HKDF-SHA256 output length " + length + " is not in 1..8160");
        }
        try
        {
            final Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(new byte[HASH_BYTES], "HmacSHA256"));
            final byte[] prk = extract.doFinal(ikm);
            final Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            Arrays.fill(prk, (byte)0);
            final byte[] okm = new byte[length];
            byte[] block = new byte[0];
            for (int i = 1, done = 0; done < length; i++)
            {
                expand.update(block);
                expand.update(info);
                expand.update((byte)i);
                final byte[] next = expand.doFinal();
                Arrays.fill(block, (byte)0);
                block = next;
                final int n = Math.min(HASH_BYTES, length - done);
                System.arraycopy(block, 0, okm, done, n);
                done += n;
            }
            Arrays.fill(block, (byte)0);
            return okm;
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** {@code "varta-agent-v1\0" || u32le(pid)} (19 bytes). */
    public static byte[] agentInfo(final long pid)
    {
        return withLe32(AGENT_INFO, (int)pid);
    }

    /** {@code "varta-iv-prefix-v1\0" || u32le(index)} (23 bytes). */
    public static byte[] ivPrefixInfo(final long index)
    {
        return withLe32(IV_PREFIX_INFO, (int)index);
    }

    /**
     * The per-agent key of master-key secure UDP: {@code HKDF(master, agentInfo(pid), 32)}.
     *
     * @param master 32-byte master key
     * @param pid the agent's pid (unsigned 32-bit), the clear pid of its datagrams
     */
    public static byte[] agentKey(final byte[] master, final long pid)
    {
        return derive(master, agentInfo(pid), SecureFrame.KEY_BYTES);
    }

    /**
     * The sender's IV prefix number {@code index} of a session: {@code HKDF(salt, ivPrefixInfo(index), 8)}.
     *
     * @param salt the session salt (16 random bytes per connection)
     * @param index 0, 1, ... (unsigned 32-bit): the next one each time the IV counter would reach 2^32 - 1
     */
    public static byte[] ivPrefix(final byte[] salt, final long index)
    {
        return derive(salt, ivPrefixInfo(index), SecureFrame.IV_PREFIX_BYTES);
    }

    private static byte[] withLe32(final byte[] prefix, final int value)
    {
        final byte[] info = Arrays.copyOf(prefix, prefix.length + 4);
        info[prefix.length] = (byte)value;
        info[prefix.length + 1] = (byte)(value >>> 8);
        info[prefix.length + 2] = (byte)(value >>> 16);
        info[prefix.length + 3] = (byte)(value >>> 24);
        return info;
    }
}
