package io.varta.watch.files;

import io.varta.watch.nativeio.NativeConstants;
import io.varta.watch.nativeio.Natives;

/**
 * The native library's numbers for this package, read by name from {@link NativeConstants} (never hard-coded
 * in Java): the private-file rule codes, check bits, open modes, the secret size cap and the errno values the
 * package branches on; and the text of a negative result.
 *
 * <p>Immutable; any thread.
 */
final class FileCodes
{
    static final int SYMLINK = NativeConstants.value("PRIVATE_SYMLINK");
    static final int NOT_REGULAR = NativeConstants.value("PRIVATE_NOT_REGULAR");
    static final int INSECURE_MODE = NativeConstants.value("PRIVATE_INSECURE_MODE");
    static final int WRONG_OWNER = NativeConstants.value("PRIVATE_WRONG_OWNER");
    static final int TOO_LARGE = NativeConstants.value("PRIVATE_TOO_LARGE");
    static final int LINK_COUNT = NativeConstants.value("PRIVATE_LINK_COUNT");
    static final int CHECK_MODE = NativeConstants.value("PRIVATE_CHECK_MODE");
    static final int CHECK_OWNER = NativeConstants.value("PRIVATE_CHECK_OWNER");
    static final int CHECK_ONE_LINK = NativeConstants.value("PRIVATE_CHECK_ONE_LINK");
    static final int CHECK_SIZE = NativeConstants.value("PRIVATE_CHECK_SIZE");
    static final int OPEN_READ = NativeConstants.value("PRIVATE_OPEN_READ");
    static final int OPEN_APPEND = NativeConstants.value("PRIVATE_OPEN_APPEND");
    static final int OPEN_CREATE_NEW = NativeConstants.value("PRIVATE_OPEN_CREATE_NEW");
    static final int MAX_SECRET_BYTES = NativeConstants.value("PRIVATE_MAX_SECRET_BYTES");
    static final int ENOENT = NativeConstants.value("ENOENT");
    static final int EXDEV = NativeConstants.value("EXDEV");
    static final int EEXIST = NativeConstants.value("EEXIST");

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
