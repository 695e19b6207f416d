package io.varta.vlp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes 32-byte VLP v0.2 frames into a caller's array without allocating: the layout of {@link Frame}, the
 * CRC-32C over bytes 0..27 with an instance-owned {@link CRC32C} (a hardware intrinsic on x86-64 and aarch64).
 *
 * <p>No range checks: tests build invalid frames with it too. Mutable (the CRC state): one instance per thread,
 * or under the caller's lock.
 */
public final class FrameEncoder
{
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int CRC_OFFSET = 28;

    private final CRC32C crc = new CRC32C();

    /**
     * Encodes one frame into {@code out[offset .. offset + 32)}.
     *
     * @param status status byte (0..2 on the wire)
     * @param pid unsigned 32-bit pid
     * @param timestamp unsigned 64-bit agent timestamp
     * @param nonce unsigned 64-bit nonce ({@link Frame#NONCE_TERMINAL} only with critical)
     * @param payload unsigned 32-bit payload
     */
    public void encode(final byte[] out, final int offset, final int status, final long pid, final long timestamp,
        final long nonce, final long payload)
    {
        out[offset] = 0x56;
        out[offset + 1] = 0x41;
        out[offset + 2] = (byte)Frame.VERSION;
        out[offset + 3] = (byte)status;
        INT_LE.set(out, offset + 4, (int)pid);
        LONG_LE.set(out, offset + 8, timestamp);
        LONG_LE.set(out, offset + 16, nonce);
        INT_LE.set(out, offset + 24, (int)payload);
        crc.reset();
        crc.update(out, offset, CRC_OFFSET);
        INT_LE.set(out, offset + CRC_OFFSET, (int)crc.getValue());
    }

    /** {@link #encode(byte[], int, int, long, long, long, long)} with a {@link Status}. */
    public void encode(final byte[] out, final int offset, final Status status, final long pid, final long timestamp,
        final long nonce, final long payload)
    {
        encode(out, offset, status.code(), pid, timestamp, nonce, payload);
    }
}
