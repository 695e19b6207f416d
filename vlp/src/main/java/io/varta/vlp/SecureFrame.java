package io.varta.vlp;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * Secure VLP framing (VLP v0.2 wire format §8): a 32-byte frame sealed with ChaCha20-Poly1305 (RFC 8439, the JDK's
 * {@code ChaCha20-Poly1305} cipher), little-endian throughout.
 *
 * <pre>
 *  shared key, 60 bytes                  master key, 64 bytes
 *   0  8 iv prefix                         0  4 agent pid (clear, the AAD)
 *   8  4 iv counter (u32)                  4  8 iv prefix
 *  12 32 ciphertext                       12  4 iv counter (u32)
 *  44 16 tag                              16 32 ciphertext
 *                                         48 16 tag
 * </pre>
 *
 * The AEAD nonce is the 12 bytes {@code prefix || u32le(counter)}; the AAD is empty with a shared key and the clear
 * pid with a master key, whose key is {@link Hkdf#agentKey the agent's key}. An opened master-key frame whose pid
 * differs from the clear pid is refused. The datagram's length alone says which layout it is.
 *
 * <p>The sender's rules for prefixes and counters (§8.5: a fresh prefix per session, counters from 0, the next
 * prefix before the counter reaches {@value #COUNTER_LIMIT}) are the sender's: this class seals what it is given.
 *
 * <p>An instance owns one {@link Cipher}: not thread-safe. JCA refuses to seal twice in a row with the same key and
 * nonce on one instance ({@link IllegalStateException} here), as a conforming sender never does.
 */
public final class SecureFrame
{
    /** A ChaCha20-Poly1305 key. */
    public static final int KEY_BYTES = 32;
    /** The IV prefix ({@code iv_random}). */
    public static final int IV_PREFIX_BYTES = 8;
    /** The AEAD nonce: prefix and counter. */
    public static final int NONCE_BYTES = 12;
    /** The Poly1305 tag. */
    public static final int TAG_BYTES = 16;
    /** A shared-key datagram. */
    public static final int SHARED_BYTES = 60;
    /** A master-key datagram. */
    public static final int MASTER_BYTES = 64;
    /** The IV counter value a sender never sends: it moves to the next prefix first. */
    public static final long COUNTER_LIMIT = 0xFFFF_FFFFL;

    private static final String CIPHER = "ChaCha20-Poly1305";

    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_BYTES];
    private final byte[] aad = new byte[4];

    /** @throws IllegalStateException if this JDK has no ChaCha20-Poly1305 (JDK 11+ always has) */
    public SecureFrame()
    {
        try
        {
            cipher = Cipher.getInstance(CIPHER);
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException(CIPHER + " is not available in this JDK", e);
        }
    }

    /** @return a ChaCha20-Poly1305 key of these 32 bytes (copied) */
    public static SecretKey key(final byte[] raw)
    {
        if (raw.length != KEY_BYTES)
        {
            throw new IllegalArgumentException("a key is 32 bytes, got " + raw.length);
        }
        return new SecretKeySpec(raw, "ChaCha20");
    }

    /** @return the clear pid of the master-key datagram at {@code offset} (unsigned 32-bit) */
    public static long clearPid(final byte[] wire, final int offset)
    {
        return Integer.toUnsignedLong(le32(wire, offset));
    }

    /**
     * Seals {@code frame[frameOffset .. +32)} into the 60 bytes at {@code out[outOffset]}.
     *
     * @param prefix the 8-byte IV prefix
     * @param counter the IV counter (unsigned 32-bit)
     */
    public void sealShared(final SecretKey key, final byte[] prefix, final int counter, final byte[] frame,
        final int frameOffset, final byte[] out, final int outOffset)
    {
        System.arraycopy(prefix, 0, out, outOffset, IV_PREFIX_BYTES);
        putLe32(out, outOffset + IV_PREFIX_BYTES, counter);
        seal(key, null, out, outOffset, frame, frameOffset);
    }

    /**
     * Seals {@code frame[frameOffset .. +32)} into the 64 bytes at {@code out[outOffset]}, claiming {@code pid} in
     * the clear.
     *
     * @param agentKey {@link Hkdf#agentKey(byte[], long)} of the master key for {@code pid}
     */
    public void sealMaster(final SecretKey agentKey, final long pid, final byte[] prefix, final int counter,
        final byte[] frame, final int frameOffset, final byte[] out, final int outOffset)
    {
        putLe32(out, outOffset, (int)pid);
        System.arraycopy(prefix, 0, out, outOffset + 4, IV_PREFIX_BYTES);
        putLe32(out, outOffset + 4 + IV_PREFIX_BYTES, counter);
        putLe32(aad, 0, (int)pid);
        seal(agentKey, aad, out, outOffset + 4, frame, frameOffset);
    }

    /**
     * Opens the 60-byte datagram at {@code wire[offset]} into {@code frameOut[frameOutOffset .. +32)}.
     *
     * @return false when the tag does not verify with {@code key}
     */
    public boolean openShared(final SecretKey key, final byte[] wire, final int offset, final byte[] frameOut,
        final int frameOutOffset)
    {
        return open(key, null, wire, offset, frameOut, frameOutOffset);
    }

    /**
     * Opens the 64-byte datagram at {@code wire[offset]} into {@code frameOut[frameOutOffset .. +32)}.
     *
     * @param agentKey the agent key for {@link #clearPid the clear pid}
     * @return false when the tag does not verify, or the frame's pid is not the clear pid
     */
    public boolean openMaster(final SecretKey agentKey, final byte[] wire, final int offset, final byte[] frameOut,
        final int frameOutOffset)
    {
        System.arraycopy(wire, offset, aad, 0, 4);
        return open(agentKey, aad, wire, offset + 4, frameOut, frameOutOffset)
            && le32(frameOut, frameOutOffset + 4) == le32(wire, offset);
    }

    /** out[at..]: nonce (already there), then ciphertext and tag. */
    private void seal(final SecretKey key, final byte[] associated, final byte[] out, final int at, final byte[] frame,
        final int frameOffset)
    {
        System.arraycopy(out, at, nonce, 0, NONCE_BYTES);
        try
        {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            if (null != associated)
            {
                cipher.updateAAD(associated);
            }
            cipher.doFinal(frame, frameOffset, Frame.BYTES, out, at + NONCE_BYTES);
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("cannot seal: " + e.getMessage(), e);
        }
    }

    /** wire[at..]: nonce, ciphertext, tag. */
    private boolean open(final SecretKey key, final byte[] associated, final byte[] wire, final int at,
        final byte[] frameOut, final int frameOutOffset)
    {
        System.arraycopy(wire, at, nonce, 0, NONCE_BYTES);
        try
        {
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
            if (null != associated)
            {
                cipher.updateAAD(associated);
            }
            cipher.doFinal(wire, at + NONCE_BYTES, Frame.BYTES + TAG_BYTES, frameOut, frameOutOffset);
            return true;
        }
        catch (final AEADBadTagException e)
        {
            return false;
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("cannot open: " + e.getMessage(), e);
        }
    }

    private static int le32(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static void putLe32(final byte[] b, final int at, final int value)
    {
        b[at] = (byte)value;
        b[at + 1] = (byte)(value >>> 8);
        b[at + 2] = (byte)(value >>> 16);
        b[at + 3] = (byte)(value >>> 24);
    }
}
