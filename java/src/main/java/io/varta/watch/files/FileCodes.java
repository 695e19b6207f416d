package io.varta.watch.files;

import io.varta.watch.nativeio.FileNatives;
import io.varta.watch.nativeio.Natives;

/**
 * The native library's numbers for this package, read once from {@link FileNatives#constants()} (never hard-coded
 * in Java): the private-file rule codes, check bits, open modes, the secret size cap and the errno values the
 * package branches on; and the text of a negative result.
 *
 * <p>Immutable; any thread.
 */
final class FileCodes
{
    static final int SYMLINK;
    static final int NOT_REGULAR;
    static final int INSECURE_MODE;
    static final int WRONG_OWNER;
    static final int TOO_LARGE;
    static final int LINK_COUNT;
    static final int CHECK_MODE;
    static final int CHECK_OWNER;
    static final int CHECK_ONE_LINK;
    static final int CHECK_SIZE;
    static final int OPEN_READ;
    static final int OPEN_APPEND;
    static final int OPEN_CREATE_NEW;
    static final int MAX_SECRET_BYTES;
    static final int ENOENT;
    static final int EXDEV;
    static final int EEXIST;

    static
    {
        final int[] c = FileNatives.constants();
        SYMLINK = c[0];
        NOT_REGULAR = c[1];
        INSECURE_MODE = c[2];
        WRONG_OWNER = c[3];
        TOO_LARGE = c[4];
        LINK_COUNT = c[5];
        CHECK_MODE = c[6];
        CHECK_OWNER = c[7];
        CHECK_ONE_LINK = c[8];
        CHECK_SIZE = c[9];
        OPEN_READ = c[10];
        OPEN_APPEND = c[11];
        OPEN_CREATE_NEW = c[12];
        MAX_SECRET_BYTES = c[13];
        ENOENT = c[14];
        EXDEV = c[15];
        EEXIST = c[16];
    }

    private FileCodes()
    {
    }

    /**
     * Any thread.
     *
     * @param subject what failed, e.g. the path or {@code "a -> b"}
     * @param result a {@code -errno} result of a native call
     * @return {@code <subject>: <strerror>}, e.g. {@code /var/x.tsv: No space left on device}
     */
    static String describe(final Object subject, final long result)
    {
        return subject + ": " + Natives.strerror((int)-result);
    }
}
