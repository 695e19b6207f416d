package io.varta.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a secure-UDP key file under the rules the observer and {@code varta-send} apply to theirs
 * ({@code native/src/secure_keys.c}, {@code private_file.c}): not a symlink, a regular file, owned by this process's
 * user, no permission for group or others (mode 0600 or stricter), at most 4096 bytes; each line trimmed (spaces,
 * tabs, CR), blank lines and lines starting with {@code #} skipped, exactly one other line of 64 hex digits (either
 * case): the 32-byte key. The text read is wiped before this returns.
 *
 * <p>The checks run on the path, opened without following links, right before reading (the JDK has no fstat of an open
 * channel; the native reader checks the descriptor itself).
 */
final class KeyFile
{
    static final int MAX_BYTES = 4096;
    private static final int KEY_BYTES = 32;

    private KeyFile()
    {
    }

    /**
     * @param what what the file is, for messages ({@code key file}, {@code master key file})
     * @return the key's 32 bytes (the caller wipes them)
     * @throws IOException naming the file and the rule or line it breaks
     */
    static byte[] read(final Path file, final String what) throws IOException
    {
        final PosixFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException e)
        {
            throw new IOException("cannot read the " + what + " " + file + ": " + e.getMessage(), e);
        }
        if (attributes.isSymbolicLink())
        {
            throw new IOException("the " + what + " " + file + " is a symbolic link: give the file itself");
        }
        if (!attributes.isRegularFile())
        {
            throw new IOException("the " + what + " " + file + " is not a regular file");
        }
        final Set<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
        open.retainAll(attributes.permissions());
        if (!open.isEmpty())
        {
            throw new IOException("the " + what + " " + file + " is readable or writable by group or others: chmod 600 "
                + file);
        }
        final Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        final long uid = currentUid();
        if (!(owner instanceof Integer) || (Integer)owner != uid)
        {
            throw new IOException("the " + what + " " + file + " is owned by uid " + owner + ", not by this user (uid "
                + uid + ")");
        }
        if (attributes.size() > MAX_BYTES)
        {
            throw new IOException("the " + what + " " + file + " is " + attributes.size() + " bytes, at most " + MAX_BYTES);
        }
        final byte[] text = new byte[MAX_BYTES + 1];
        try (SeekableByteChannel in = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
        {
            final ByteBuffer into = ByteBuffer.wrap(text);
            while (into.hasRemaining() && in.read(into) >= 0)
            {
                // read the whole file (at most MAX_BYTES + 1, to notice one that grew)
            }
            if (into.position() > MAX_BYTES)
            {
                throw new IOException("the " + what + " " + file + " is more than " + MAX_BYTES + " bytes");
            }
            return parse(text, into.position(), file, what);
        }
        finally
        {
            Arrays.fill(text, (byte)0);
        }
    }

    /** The key of {@code text[0..length)}. */
    static byte[] parse(final byte[] text, final int length, final Path file, final String what) throws IOException
    {
        final byte[] key = new byte[KEY_BYTES];
        int keys = 0;
        int line = 0;
        for (int start = 0; start < length; )
        {
            int end = start;
            while (end < length && text[end] != '\n')
            {
                end++;
            }
            line++;
            int first = start;
            int last = end;
            while (first < last && isBlank(text[first]))
            {
                first++;
            }
            while (last > first && isBlank(text[last - 1]))
            {
                last--;
            }
            if (first < last && text[first] != '#')
            {
                if (last - first != 2 * KEY_BYTES)
                {
                    Arrays.fill(key, (byte)0);
                    throw new IOException("the " + what + " " + file + ": line " + line + " is " + (last - first)
                        + " characters, a key is 64 hex digits");
                }
                for (int i = 0; i < KEY_BYTES; i++)
                {
                    final int high = Character.digit(text[first + 2 * i], 16);
                    final int low = Character.digit(text[first + 2 * i + 1], 16);
                    if (high < 0 || low < 0)
                    {
                        Arrays.fill(key, (byte)0);
                        throw new IOException("the " + what + " " + file + ": line " + line + " has a character that is"
                            + " not a hex digit at column " + (2 * i + (high < 0 ? 1 : 2)));
                    }
                    if (0 == keys)
                    {
                        key[i] = (byte)(high << 4 | low);
                    }
                }
                keys++;
            }
            start = end + 1;
        }
        if (1 != keys)
        {
            Arrays.fill(key, (byte)0);
            throw new IOException("the " + what + " " + file + " holds " + keys + " keys, it must hold exactly one");
        }
        return key;
    }

    /** This process's uid: the JDK's UnixSystem, or the owner of /proc/self on a runtime without jdk.security.auth. */
    private static long currentUid() throws IOException
    {
        try
        {
            return new com.sun.security.auth.module.UnixSystem().getUid();
        }
        catch (final LinkageError e)
        {
            return ((Number)Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        }
    }

    private static boolean isBlank(final byte b)
    {
        return b == ' ' || b == '\t' || b == '\r';
    }
}
