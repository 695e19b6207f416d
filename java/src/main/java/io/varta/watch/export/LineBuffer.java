package io.varta.watch.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * A fixed-size byte buffer that export lines are formatted into without allocating: ASCII constants,
 * unsigned decimals and escaped free text are written straight into one reusable array. When the array
 * is full the owner's {@link Drain} is asked to empty it.
 *
 * <p>Free-text escaping: {@code \\}, {@code \t}, {@code \n}, {@code \r} are written as two-character
 * escapes, every other byte in 0x00..0x1F and 0x7F as {@code \xNN} (lowercase hex); all other bytes of
 * the UTF-8 encoding are copied unchanged.
 *
 * <p>Not thread-safe: confined to the observer thread, like its owner {@link FileExporter}.
 */
final class LineBuffer
{
    /** Called when the buffer is full; must leave it empty (write it out or drop it). */
    interface Drain
    {
        /** Observer thread. */
        void drain();
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] bytes;
    private final ByteBuffer view;
    private final byte[] digits = new byte[20];
    private final Drain drain;
    private int position;
    private long appendedTotal;

    LineBuffer(final int capacity, final Drain drain)
    {
        this.bytes = new byte[capacity];
        this.view = ByteBuffer.wrap(bytes);
        this.drain = drain;
    }

    /** Makes sure {@code n} bytes fit without draining mid-way (n &le; capacity). Observer thread. */
    void ensureRoom(final int n)
    {
        if (bytes.length - position < n)
        {
            drain.drain();
        }
    }

    void put(final byte b)
    {
        if (position == bytes.length)
        {
            drain.drain();
        }
        bytes[position++] = b;
        appendedTotal++;
    }

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

    /** Bytes buffered and not yet written out. Observer thread. */
    int pending()
    {
        return position;
    }

    /** Total bytes ever appended; the difference over one line is its length. Observer thread. */
    long appendedTotal()
    {
        return appendedTotal;
    }

    /**
     * Writes every buffered byte to {@code channel} and empties the buffer. On failure the buffer keeps
     * the bytes not yet written. Observer thread.
     */
    void writeTo(final WritableByteChannel channel) throws IOException
    {
        view.limit(position).position(0);
        try
        {
            while (view.hasRemaining())
            {
                channel.write(view);
            }
            position = 0;
        }
        finally
        {
            if (position != 0)
            {
                // keep the unwritten tail at the front
                final int written = view.position();
                System.arraycopy(bytes, written, bytes, 0, position - written);
                position -= written;
            }
            view.clear();
        }
    }

    /** Drops every buffered byte. Observer thread. */
    void discard()
    {
        position = 0;
    }
}
