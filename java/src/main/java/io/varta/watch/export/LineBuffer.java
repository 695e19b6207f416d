package io.varta.watch.export;

import io.varta.watch.files.RotatingAppendFile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Formats export lines straight into the export file's direct buffer ({@link RotatingAppendFile#buffer()})
 * without allocating: ASCII constants, unsigned decimals and escaped free text. When the buffer is full the file
 * is asked for room ({@link RotatingAppendFile#ensureRoom(int)}), which writes it out.
 *
 * <p>Free-text escaping: {@code \\}, {@code \t}, {@code \n}, {@code \r} are written as two-character
 * escapes, every other byte in 0x00..0x1F and 0x7F as {@code \xNN} (lowercase hex); all other bytes of
 * the UTF-8 encoding are copied unchanged.
 *
 * <p>Not thread-safe: confined to the observer thread, like its owner {@link FileExporter}.
 */
final class LineBuffer
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final RotatingAppendFile file;
    private final ByteBuffer out;
    private final byte[] digits = new byte[20];

    LineBuffer(final RotatingAppendFile file)
    {
        this.file = file;
        this.out = file.buffer();
    }

    /** Observer thread. */
    void put(final byte b)
    {
        if (!out.hasRemaining())
        {
            file.ensureRoom(1);
        }
        out.put(b);
    }

    /** Observer thread. */
    void put(final byte[] constant)
    {
        for (final byte b : constant)
        {
            put(b);
        }
    }

    /** Writes {@code value} as an unsigned decimal (u64 semantics). Observer thread. */
    void putUnsigned(final long value)
    {
        int at = digits.length;
        long rest = value;
        if (rest < 0)
        {
            // top bit set: peel one digit with unsigned division, the rest fits a signed long
            final long quotient = Long.divideUnsigned(rest, 10);
            digits[--at] = (byte) ('0' + (rest - quotient * 10));
            rest = quotient;
        }
        do
        {
            digits[--at] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        while (rest != 0);
        while (at < digits.length)
        {
            put(digits[at++]);
        }
    }

    /** Writes {@code text} UTF-8 encoded and escaped (see class comment). Observer thread. */
    void putEscaped(final CharSequence text)
    {
        final byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        for (final byte b : utf8)
        {
            switch (b)
            {
                case '\\':
                    put((byte) '\\');
                    put((byte) '\\');
                    break;
                case '\t':
                    put((byte) '\\');
                    put((byte) 't');
                    break;
                case '\n':
                    put((byte) '\\');
                    put((byte) 'n');
                    break;
                case '\r':
                    put((byte) '\\');
                    put((byte) 'r');
                    break;
                default:
                    if ((b >= 0 && b < 0x20) || b == 0x7F)
                    {
                        put((byte) '\\');
                        put((byte) 'x');
                        put(HEX[(b >> 4) & 0xF]);
                        put(HEX[b & 0xF]);
                    }
                    else
                    {
                        put(b);
                    }
                    break;
            }
        }
    }
}
