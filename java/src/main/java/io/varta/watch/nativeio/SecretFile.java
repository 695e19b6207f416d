package io.varta.watch.nativeio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a small secret (the {@code /metrics} bearer token now, key files later) from a file only if the file
 * is private, with the reference observer's rules applied natively to the opened descriptor
 * ({@code native/src/secret_file.c}): opened with {@code O_NOFOLLOW}, checked with {@code fstat} on that
 * descriptor (no race between check and read), regular file, {@code mode & 077 == 0}, owned by our real uid,
 * at most 4096 bytes.
 *
 * <pre>{@code
 * byte[] content = SecretFile.read(Path.of("/etc/varta/prom.token")); // caller parses, then wipes it
 * }</pre>
 *
 * <p>Failures are {@link NativeIoException}s whose message is the reference's text, e.g.
 * {@code /etc/varta/prom.token: insecure permissions 644 (must be 0600 or stricter)}. Stateless; any thread.
 */
public final class SecretFile
{
    private static final int SYMLINK = NativeConstants.value("SECRET_SYMLINK");
    private static final int NOT_REGULAR = NativeConstants.value("SECRET_NOT_REGULAR");
    private static final int INSECURE_MODE = NativeConstants.value("SECRET_INSECURE_MODE");
    private static final int WRONG_OWNER = NativeConstants.value("SECRET_WRONG_OWNER");
    private static final int TOO_LARGE = NativeConstants.value("SECRET_TOO_LARGE");
    private static final int ELOOP = NativeConstants.value("ELOOP");
    /** Largest file accepted, in bytes. */
    public static final int MAX_BYTES = NativeConstants.value("SECRET_MAX_BYTES");

    private SecretFile()
    {
    }

    /**
     * Reads the whole file after the checks. Any thread.
     *
     * @param path the secret file
     * @return its bytes (the caller should {@link Arrays#fill(byte[], byte) wipe} them after parsing)
     * @throws NativeIoException with the reference's message when a rule is broken or the file cannot be read
     */
    public static byte[] read(final Path path) throws IOException
    {
        final byte[] buffer = new byte[MAX_BYTES];
        final long[] info = new long[3];
        final int rc = Natives.secretFileRead(PathBytes.of(path).bytes(), buffer, info);
        if (rc >= 0)
        {
            final byte[] content = Arrays.copyOf(buffer, rc);
            Arrays.fill(buffer, (byte)0);
            return content;
        }
        throw failure(path, rc, info);
    }

    private static NativeIoException failure(final Path path, final int rc, final long[] info)
    {
        if (SYMLINK == rc)
        {
            return new NativeIoException(path + ": must not be a symlink", ELOOP);
        }
        if (NOT_REGULAR == rc)
        {
            return new NativeIoException(path + ": must be a regular file", 0);
        }
        if (INSECURE_MODE == rc)
        {
            return new NativeIoException(path + ": insecure permissions " + Long.toOctalString(info[0] & 0777)
                + " (must be 0600 or stricter)", 0);
        }
        if (WRONG_OWNER == rc)
        {
            return new NativeIoException(path + ": owned by uid " + info[1] + ", expected uid " + info[2], 0);
        }
        if (TOO_LARGE == rc)
        {
            return new NativeIoException(path + ": file is larger than " + MAX_BYTES + " bytes", 0);
        }
        return new NativeIoException(path + ": " + Natives.strerror(-rc), -rc);
    }
}
