package io.varta.client;

import io.varta.vlp.Hkdf;
import io.varta.vlp.SecureFrame;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Frames sealed with ChaCha20-Poly1305 (JCA, {@link SecureFrame}) and sent through a {@link UdpTransport}: 60-byte
 * datagrams with a shared key, 64-byte ones with a master key, from whose agent key for this process's pid is derived
 * once, when the client connects.
 *
 * <p>IV prefix and counter follow the sender's rules (VLP v0.2 wire format §8.5): each connection draws a fresh 16-byte
 * session salt from {@link SecureRandom}; prefix number {@code i} is {@link Hkdf#ivPrefix HKDF(salt, i)}; counters
 * start at 0 under prefix 0; the client moves to the next prefix before the counter would reach 2^32 - 1 (and to a
 * fresh salt after 2^32 prefixes). The counter advances for every sealed datagram, whether or not the kernel takes it:
 * a (key, prefix, counter) triple is never sealed twice, and the observer only needs counters to increase.
 *
 * <p>Per beat: one {@code Cipher.init} (which allocates inside the JDK: the nonce's {@code IvParameterSpec}, the key
 * copy, the Poly1305 state) and one {@code doFinal} into a reused array; docs/PERFORMANCE.md gives the bytes.
 *
 * <p>Used under the client's lock (see {@link Transport}).
 */
final class SecureUdpTransport implements Transport
{
    /** How the datagrams are keyed. */
    enum Keying
    {
        SHARED(SecureFrame.SHARED_BYTES, "shared key"),
        MASTER(SecureFrame.MASTER_BYTES, "master key");

        final int bytes;
        final String label;

        Keying(final int bytes, final String label)
        {
            this.bytes = bytes;
            this.label = label;
        }
    }

    private static final long LAST_PREFIX_INDEX = 0xFFFF_FFFFL;

    private final UdpTransport udp;
    private final Keying keying;
    private final long pid;
    private final SecretKey key;
    private final SecureFrame sealer = new SecureFrame();
    private final SecureRandom random;
    private final byte[] salt = new byte[Hkdf.SESSION_SALT_BYTES];
    private final byte[] wire = new byte[SecureFrame.MASTER_BYTES];
    private long prefixIndex;
    private byte[] prefix;
    private long counter;

    private SecureUdpTransport(final UdpTransport udp, final Keying keying, final long pid, final SecretKey key,
        final SecureRandom random)
    {
        this.udp = udp;
        this.keying = keying;
        this.pid = pid;
        this.key = key;
        this.random = random;
        newSession();
    }

    /**
     * @param keyBytes the shared key, or the master key (wiped here either way)
     * @param pid the pid every frame claims (the master key's agent pid)
     */
    static SecureUdpTransport connect(final InetSocketAddress observer, final Keying keying, final byte[] keyBytes,
        final long pid) throws IOException
    {
        final SecretKey key;
        if (Keying.MASTER == keying)
        {
            final byte[] agentKey = Hkdf.agentKey(keyBytes, pid);
            key = SecureFrame.key(agentKey);
            Arrays.fill(agentKey, (byte)0);
        }
        else
        {
            key = SecureFrame.key(keyBytes);
        }
        Arrays.fill(keyBytes, (byte)0);
        return new SecureUdpTransport(UdpTransport.connect(observer), keying, pid, key, new SecureRandom());
    }

    @Override
    public BeatOutcome send(final byte[] frame)
    {
        try
        {
            if (Keying.SHARED == keying)
            {
                sealer.sealShared(key, prefix, (int)counter, frame, 0, wire, 0);
            }
            else
            {
                sealer.sealMaster(key, pid, prefix, (int)counter, frame, 0, wire, 0);
            }
        }
        catch (final IllegalStateException e)
        {
            return new BeatOutcome.Failed(0, "sealing failed: " + e.getMessage());
        }
        advance();
        return udp.write(wire, 0, keying.bytes);
    }

    /** The next counter, or the next prefix before the counter would reach 2^32 - 1. */
    private void advance()
    {
        if (++counter == SecureFrame.COUNTER_LIMIT)
        {
            if (LAST_PREFIX_INDEX == prefixIndex)
            {
                newSession();
            }
            else
            {
                startPrefix(prefixIndex + 1);
            }
        }
    }

    private void newSession()
    {
        random.nextBytes(salt);
        startPrefix(0);
    }

    private void startPrefix(final long index)
    {
        prefixIndex = index;
        prefix = Hkdf.ivPrefix(salt, index);
        counter = 0;
    }

    /** Tests: this session salt, at this prefix index and counter (the next datagram's). */
    void fixSession(final byte[] sessionSalt, final long index, final long nextCounter)
    {
        System.arraycopy(sessionSalt, 0, salt, 0, salt.length);
        startPrefix(index);
        counter = nextCounter;
    }

    /** Tests: this IV prefix as it is (the vectors give one, not a salt), and the next counter. */
    void fixPrefix(final byte[] ivPrefix, final long nextCounter)
    {
        prefix = ivPrefix.clone();
        counter = nextCounter;
    }

    /** Tests: the IV prefix the next datagram uses. */
    byte[] prefix()
    {
        return prefix.clone();
    }

    /** Tests: the counter the next datagram uses. */
    long counter()
    {
        return counter;
    }

    /** Tests: the index of the current prefix. */
    long prefixIndex()
    {
        return prefixIndex;
    }

    /** Tests: the UDP socket underneath. */
    UdpTransport udp()
    {
        return udp;
    }

    @Override
    public void close()
    {
        udp.close();
    }

    @Override
    public String toString()
    {
        return "secure " + udp + " (" + keying.label + ")";
    }
}
