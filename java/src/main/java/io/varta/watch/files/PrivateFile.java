package io.varta.watch.files;

import io.varta.watch.nativeio.FileNatives;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.PathBytes;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The one home of the file-safety rules (the reference observer's secret-file rules and export-file rules) and
 * of their messages. The rules run natively on the opened descriptor ({@code native/src/private_file.c}): opened
 * with {@code O_NOFOLLOW | O_NONBLOCK} (no blocking on a planted FIFO), checked with {@code fstat} on the
 * descriptor, never on the path, so nothing can be swapped between the check and the use.
 *
 * <ul>
 *   <li>always: not a symlink, a regular file;</li>
 *   <li>{@link Rules#secret()} (token, key files, recovery exec file): mode 0600 or stricter, owned by the real
 *       uid, read whole, at most {@link #MAX_SECRET_BYTES} bytes;</li>
 *   <li>{@link Rules#appendLog(String)} (export file, audit log): owned by the real uid, exactly one hard
 *       link; the mode of an existing file is not checked unless {@link Rules#withPrivateMode()} adds the 0600
 *       rule (the audit log).</li>
 * </ul>
 *
 * <p>A new file is created with mode 0600 and {@code O_EXCL}; a file created by a call and then refused is removed
 * again. Failures are {@link NativeIoException}s with the reference's messages:
 * <pre>
 * PATH: must not be a symlink
 * PATH: must be a regular file
 * PATH: insecure permissions 644 (must be 0600 or stricter)
 * PATH: owned by uid 1000, expected uid 0
 * PATH: export file must have exactly one hard link
 * PATH: file is larger than 4096 bytes
 * PATH: No such file or directory          (any other failure: the path and strerror)
 * </pre>
 *
 * <pre>{@code
 * byte[] token = PrivateFile.readSecret(Path.of("/etc/varta/prom.token")); // parse, then wipe
 * OpenFile log = PrivateFile.openOrCreate(PathBytes.of(path), PrivateFile.Rules.appendLog("export file"));
 * }</pre>
 *
 * <p>Stateless; any thread.
 */
public final class PrivateFile
{
    /** Largest secret file accepted, in bytes. */
    public static final int MAX_SECRET_BYTES = FileCodes.MAX_SECRET_BYTES;

    private PrivateFile()
    {
    }

    /**
     * Reads a secret under {@link Rules#secret()}. Any thread.
     *
     * @param path the secret file
     * @return its bytes (the caller should {@link Arrays#fill(byte[], byte) wipe} them after parsing)
     * @throws NativeIoException with the reference's message when a rule is broken or the file cannot be read
     */
    public static byte[] readSecret(final Path path) throws NativeIoException
    {
        return readSecret(PathBytes.of(path));
    }

    /**
     * {@link #readSecret(Path)} for a path given as bytes (a command-line path, taken as given). Any thread.
     *
     * @param path the secret file
     * @return its bytes (wipe them after parsing)
     * @throws NativeIoException with the rule's message
     */
    public static byte[] readSecret(final PathBytes path) throws NativeIoException
    {
        return read(path, Rules.secret());
    }

    /**
     * Reads a whole file of at most {@link #MAX_SECRET_BYTES} bytes under {@code rules}. Any thread.
     *
     * @param path the file
     * @param rules what the file must satisfy
     * @return its bytes; the intermediate buffer is wiped
     * @throws NativeIoException with the rule's message, or {@code <path>: <strerror>}
     */
    public static byte[] read(final PathBytes path, final Rules rules) throws NativeIoException
    {
        final byte[] buffer = new byte[MAX_SECRET_BYTES];
        final long[] info = new long[FileNatives.INFO_LONGS];
        final int rc = FileNatives.privateRead(path.bytes(), rules.checks, rules.expectedUid, buffer, info);
        if (rc < 0)
        {
            throw failure(path, rc, info, rules);
        }
        final byte[] content = Arrays.copyOf(buffer, rc);
        Arrays.fill(buffer, (byte)0);
        return content;
    }

    /**
     * Creates {@code path} new (mode 0600) or, if it exists, opens the existing file; writes append. Any thread.
     *
     * @param path the file
     * @param rules what the file must satisfy
     * @return the open file, readable and appending
     * @throws NativeIoException with the rule's message, or {@code <path>: <strerror>}
     */
    public static OpenFile openOrCreate(final PathBytes path, final Rules rules) throws NativeIoException
    {
        return open(path, FileCodes.OPEN_APPEND, rules);
    }

    /**
     * Creates {@code path} new (mode 0600, {@code O_EXCL}, never through a symlink); writes append. For a rotated
     * file's successor and for a temporary file renamed into place. Any thread.
     *
     * @param path the file
     * @param rules what the file must satisfy
     * @return the open file, readable and appending
     * @throws NativeIoException {@code <path>: File exists} ({@link NativeIoException#errno()} EEXIST) if
     *     anything is at the path, a rule's message, or {@code <path>: <strerror>}
     */
    public static OpenFile createNew(final PathBytes path, final Rules rules) throws NativeIoException
    {
        return open(path, FileCodes.OPEN_CREATE_NEW, rules);
    }

    private static OpenFile open(final PathBytes path, final int how, final Rules rules) throws NativeIoException
    {
        final long[] info = new long[FileNatives.INFO_LONGS];
        final int fd = FileNatives.privateOpen(path.bytes(), how, rules.checks, rules.expectedUid, 0, info);
        if (fd < 0)
        {
            throw failure(path, fd, info, rules);
        }
        return new OpenFile(path, fd, info[4], info[7] != 0);
    }

    /**
     * The exception for a secret file that native code read itself under {@link Rules#secret()} (the secure-UDP key
     * files, which never cross into Java) and refused with {@code rc}. Any thread.
     *
     * @param path the file
     * @param rc a private-file rule code or {@code -errno}
     * @param mode the file's mode bits as the native call saw them
     * @param owner the file's owner uid as seen
     * @param expectedOwner the uid the rules asked for
     * @return the exception with the reference's message ({@code <path>: insecure permissions 644 (must be 0600 or
     *     stricter)}, ..., or {@code <path>: <strerror>})
     */
    public static NativeIoException secretFailure(final PathBytes path, final int rc, final long mode,
        final long owner, final long expectedOwner)
    {
        final long[] info = new long[FileNatives.INFO_LONGS];
        info[0] = mode;
        info[1] = owner;
        info[2] = expectedOwner;
        return failure(path, rc, info, Rules.secret());
    }

    private static NativeIoException failure(final PathBytes path, final int rc, final long[] info, final Rules rules)
    {
        if (FileCodes.SYMLINK == rc)
        {
            return new NativeIoException(path + ": must not be a symlink", 0);
        }
        if (FileCodes.NOT_REGULAR == rc)
        {
            return new NativeIoException(path + ": must be a regular file", 0);
        }
        if (FileCodes.INSECURE_MODE == rc)
        {
            return new NativeIoException(path + ": insecure permissions " + Long.toOctalString(info[0] & 0777)
                + " (must be 0600 or stricter)", 0);
        }
        if (FileCodes.WRONG_OWNER == rc)
        {
            return new NativeIoException(path + ": owned by uid " + info[1] + ", expected uid " + info[2], 0);
        }
        if (FileCodes.LINK_COUNT == rc)
        {
            return new NativeIoException(path + ": " + rules.what + " must have exactly one hard link", 0);
        }
        if (FileCodes.TOO_LARGE == rc)
        {
            return new NativeIoException(path + ": file is larger than " + MAX_SECRET_BYTES + " bytes", 0);
        }
        return new NativeIoException(FileCodes.describe(path, rc), -rc);
    }

    /**
     * A rule set: what a file must satisfy beyond "a regular file, not a symlink". Immutable; any thread.
     */
    public static final class Rules
    {
        private static final int REAL_UID = Natives.realUid();

        private final int checks;
        private final int expectedUid;
        private final String what;

        private Rules(final int checks, final int expectedUid, final String what)
        {
            this.checks = checks;
            this.expectedUid = expectedUid;
            this.what = what;
        }

        /**
         * Any thread.
         *
         * @return the secret-file rules: mode 0600 or stricter, owned by the real uid
         */
        public static Rules secret()
        {
            return new Rules(FileCodes.CHECK_MODE | FileCodes.CHECK_OWNER, REAL_UID, "secret file");
        }

        /**
         * Any thread.
         *
         * @param what the file's role in the link-count message, e.g. {@code "export file"} gives
         *     {@code <path>: export file must have exactly one hard link}
         * @return the append-log rules: owned by the real uid, exactly one hard link
         */
        public static Rules appendLog(final String what)
        {
            return new Rules(FileCodes.CHECK_OWNER | FileCodes.CHECK_ONE_LINK, REAL_UID,
                Objects.requireNonNull(what, "what"));
        }

        /**
         * Any thread.
         *
         * @return these rules plus the secret-file mode rule: an existing file must have mode 0600 or stricter (the
         *     recovery audit log: {@code appendLog("recovery audit file").withPrivateMode()})
         */
        public Rules withPrivateMode()
        {
            return new Rules(checks | FileCodes.CHECK_MODE, expectedUid, what);
        }

        /**
         * Any thread.
         *
         * @param uid the owner the file must have (default: the process's real uid, {@code getuid()})
         * @return these rules with that owner
         */
        public Rules ownedBy(final long uid)
        {
            return new Rules(checks, (int)uid, what);
        }
    }
}
