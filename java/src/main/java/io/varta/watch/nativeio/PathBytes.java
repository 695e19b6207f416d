package io.varta.watch.nativeio;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A file-system path as the kernel sees it: a byte string (no NUL), handed to native calls byte for byte
 * and never normalised (no trailing-slash removal, no re-encoding). Linux paths are bytes, not text; this is
 * the one place where Java text becomes path bytes ({@link #of(String)}, in the JVM's file-name encoding
 * {@code sun.jnu.encoding}) and where path bytes become text for messages ({@link #toString()}, undecodable
 * bytes shown as U+FFFD). Command-line paths arrive as the exact bytes the process was started with
 * ({@link #of(byte[])}), whatever the locale: a path is never renamed on its way to the kernel.
 *
 * <pre>{@code
 * PathBytes socket = PathBytes.of(Path.of("/run/varta/observer.sock"));
 * PathBytes rotated = exportFile.withSuffix(".1");
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class PathBytes
{
    private static final Charset FILE_NAME_CHARSET = fileNameCharset();

    private final byte[] bytes;
    private final String display;

    private PathBytes(final byte[] bytes)
    {
        this.bytes = bytes;
        this.display = new String(bytes, FILE_NAME_CHARSET);
    }

    /**
     * Any thread.
     *
     * @param raw the path's bytes exactly as the kernel should see them (copied)
     * @return the path
     * @throws IllegalArgumentException for an empty path or one containing a NUL byte
     */
    public static PathBytes of(final byte[] raw)
    {
        if (raw.length == 0)
        {
            throw new IllegalArgumentException("empty path");
        }
        for (final byte b : raw)
        {
            if (b == 0)
            {
                throw new IllegalArgumentException("path contains a NUL byte");
            }
        }
        return new PathBytes(raw.clone());
    }

    /**
     * Any thread.
     *
     * @param path a path, encoded in the JVM's file-name encoding as {@code java.io} would
     * @return the path's bytes
     */
    public static PathBytes of(final Path path)
    {
        return of(path.toString());
    }

    /**
     * Any thread.
     *
     * @param path a path as text, encoded in the JVM's file-name encoding and otherwise taken as given (unlike
     *     {@link Path#of}, a trailing {@code /} is kept: the kernel, not this class, decides what it means)
     * @return the path's bytes
     */
    public static PathBytes of(final String path)
    {
        return of(path.getBytes(FILE_NAME_CHARSET));
    }

    /**
     * Text as the kernel sees it in a child's argv and environment: the JVM's file-name encoding, the one it
     * used to decode our own command line. No NUL check. Any thread.
     *
     * @param text e.g. a recovery command argument
     * @return its bytes
     */
    public static byte[] encode(final String text)
    {
        return text.getBytes(FILE_NAME_CHARSET);
    }

    /**
     * The reverse of {@link #encode}, for messages (undecodable bytes as U+FFFD). Any thread.
     *
     * @param raw bytes of an argument or environment entry
     * @return text
     */
    public static String decode(final byte[] raw)
    {
        return new String(raw, FILE_NAME_CHARSET);
    }

    /**
     * Any thread.
     *
     * @param suffix text appended byte for byte (ASCII, e.g. {@code ".1"})
     * @return this path with the suffix appended to its last component
     */
    public PathBytes withSuffix(final String suffix)
    {
        final byte[] tail = suffix.getBytes(StandardCharsets.US_ASCII);
        final byte[] joined = Arrays.copyOf(bytes, bytes.length + tail.length);
        System.arraycopy(tail, 0, joined, bytes.length, tail.length);
        return new PathBytes(joined);
    }

    /**
     * Any thread.
     *
     * @return a copy of the bytes, for a native call
     */
    public byte[] bytes()
    {
        return bytes.clone();
    }

    /**
     * Any thread.
     *
     * @return the path as text for messages (undecodable bytes as U+FFFD); never use it to open the file
     */
    @Override
    public String toString()
    {
        return display;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof PathBytes && Arrays.equals(bytes, ((PathBytes)other).bytes);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(bytes);
    }

    private static Charset fileNameCharset()
    {
        final String jnu = System.getProperty("sun.jnu.encoding");
        return jnu != null && Charset.isSupported(jnu) ? Charset.forName(jnu) : Charset.defaultCharset();
    }
}
