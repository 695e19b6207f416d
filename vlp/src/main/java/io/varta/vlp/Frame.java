package io.varta.vlp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Encoder and decoder of the 32-byte VLP v0.2 frame. The observer's hot path decodes in C; this class
 * serves tests, the JVM client ({@link FrameEncoder}, which encodes without allocating) and tools.
 *
 * <pre>
 *  off len field      (little-endian)
 *    0   2 magic      0x56 0x41 ("VA")
 *    2   1 version    0x02
 *    3   1 status     0 ok, 1 degraded, 2 critical
 *    4   4 pid        u32, 2..2^32-1
 *    8   8 timestamp  u64, agent clock, u64 max reserved
 *   16   8 nonce      u64, u64 max (terminal) only with critical
 *   24   4 payload    u32, opaque
 *   28   4 crc32c     CRC-32C of bytes 0..27
 * </pre>
 *
 * <p>Decoding checks, in order: magic, version, CRC-32C, status, stall-on-wire, pid, timestamp, nonce.
 * {@link #decode(ByteBuffer, int, Frame)} fills a caller-owned instance and allocates nothing.
 *
 * <p>Instances are mutable, own a scratch buffer and are not thread-safe; static methods may be called from any thread.
 *
 * <pre>{@code
 * byte[] wire = Frame.encode(Status.OK, pid, System.nanoTime(), nonce, 0);
 * Frame f = new Frame();
 * DecodeError e = Frame.decode(ByteBuffer.wrap(wire), 0, f); // null when valid
 * }</pre>
 */
public final class Frame
{
    /** Frame size on the wire. */
    public static final int BYTES = 32;
    /** The terminal (panic) nonce; only valid with {@link Status#CRITICAL}. */
    public static final long NONCE_TERMINAL = -1L;
    /** Protocol version byte. */
    public static final int VERSION = 0x02;

    private static final int CRC_OFFSET = 28;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] scratch = new byte[BYTES];
    private final CRC32C crc = new CRC32C();
    private int status;
    private long pid;
    private long timestamp;
    private long nonce;
    private long payload;

    /** @return status byte as received (0..2 once decoded without error) */
    public int statusCode()
    {
        return status;
    }

    /** @return pid as an unsigned 32-bit value */
    public long pid()
    {
        return pid;
    }

    /** @return the agent timestamp (unsigned 64-bit) */
    public long timestamp()
    {
        return timestamp;
    }

    /** @return the nonce (unsigned 64-bit) */
    public long nonce()
    {
        return nonce;
    }

    /** @return the payload as an unsigned 32-bit value */
    public long payload()
    {
        return payload;
    }

    /**
     * Decodes the 32 bytes at {@code offset} of {@code buffer} (absolute reads; position untouched).
     * Allocates nothing: the bytes are copied into this instance's scratch array.
     *
     * @return {@code null} when the frame is valid, else the first failing check
     */
    public static DecodeError decode(final ByteBuffer buffer, final int offset, final Frame out)
    {
        buffer.get(offset, out.scratch, 0, BYTES);
        return out.decodeScratch();
    }

    /** Decodes from a byte array (see {@link #decode(ByteBuffer, int, Frame)}). */
    public static DecodeError decode(final byte[] wire, final Frame out)
    {
        if (wire.length != BYTES)
        {
            throw new IllegalArgumentException("a frame is exactly 32 bytes, got " + wire.length);
        }
        System.arraycopy(wire, 0, out.scratch, 0, BYTES);
        return out.decodeScratch();
    }

    private DecodeError decodeScratch()
    {
        final byte[] b = scratch;
        status = b[3] & 0xFF;
        pid = Integer.toUnsignedLong((int)INT_LE.get(b, 4));
        timestamp = (long)LONG_LE.get(b, 8);
        nonce = (long)LONG_LE.get(b, 16);
        payload = Integer.toUnsignedLong((int)INT_LE.get(b, 24));

        if (b[0] != 0x56 || b[1] != 0x41)
        {
            return DecodeError.BAD_MAGIC;
        }
        if (b[2] != VERSION)
        {
            return DecodeError.BAD_VERSION;
        }
        crc.reset();
        crc.update(b, 0, CRC_OFFSET);
        if ((int)crc.getValue() != (int)INT_LE.get(b, CRC_OFFSET))
        {
            return DecodeError.BAD_CRC;
        }
        if (status > Status.STALL.code())
        {
            return DecodeError.BAD_STATUS;
        }
        if (status == Status.STALL.code())
        {
            return DecodeError.STALL_ON_WIRE;
        }
        if (pid <= 1)
        {
            return DecodeError.BAD_PID;
        }
        if (timestamp == -1L)
        {
            return DecodeError.BAD_TIMESTAMP;
        }
        if (nonce == NONCE_TERMINAL && status != Status.CRITICAL.code())
        {
            return DecodeError.BAD_NONCE;
        }
        return null;
    }

    /**
     * Encodes a frame. No range checks: tests use this to build invalid frames too.
     *
     * @param status status byte
     * @param pid unsigned 32-bit pid
     * @param timestamp unsigned 64-bit timestamp
     * @param nonce unsigned 64-bit nonce
     * @param payload unsigned 32-bit payload
     * @return 32 bytes with a valid CRC
     */
    public static byte[] encode(final int status, final long pid, final long timestamp, final long nonce,
        final long payload)
    {
        final byte[] wire = new byte[BYTES];
        new FrameEncoder().encode(wire, 0, status, pid, timestamp, nonce, payload);
        return wire;
    }

    /** Encodes a frame with a {@link Status}. */
    public static byte[] encode(final Status status, final long pid, final long timestamp, final long nonce,
        final long payload)
    {
        return encode(status.code(), pid, timestamp, nonce, payload);
    }

    /** CRC-32C of {@code length} bytes at {@code offset} (absolute; the buffer's position is untouched). */
    public static int crc32c(final ByteBuffer buffer, final int offset, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(offset).limit(offset + length));
        return (int)crc.getValue();
    }
}
