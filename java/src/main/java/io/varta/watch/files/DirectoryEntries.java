package io.varta.watch.files;

import io.varta.watch.nativeio.FileNatives;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.PathBytes;

/**
 * Changes to directory entries (rename, unlink, the copy that replaces a rename across devices) and the directory
 * fsync that makes them durable. Failures are {@link NativeIoException}s naming the path(s) and the reason, e.g.
 * {@code /var/x.tsv -> /var/x.tsv.1: Permission denied}.
 *
 * <p>Stateless; any thread.
 */
public final class DirectoryEntries
{
    private DirectoryEntries()
    {
    }

    /**
     * Renames {@code from} to {@code to} (replacing it); across devices ({@code EXDEV}) copies instead: creates
     * {@code to} new with mode 0600, copies, fdatasyncs, unlinks {@code from}. Any thread.
     *
     * @param from the existing name
     * @param to the new name
     * @return false if {@code from} does not exist (nothing done)
     * @throws NativeIoException {@code <from> -> <to>: <strerror>}
     */
    public static boolean moveIfPresent(final PathBytes from, final PathBytes to) throws NativeIoException
    {
        int rc = FileNatives.rename(from.bytes(), to.bytes());
        if (FileCodes.EXDEV == -rc)
        {
            rc = FileNatives.moveByCopy(from.bytes(), to.bytes());
        }
        if (FileCodes.ENOENT == -rc)
        {
            return false;
        }
        if (rc < 0)
        {
            throw new NativeIoException(FileCodes.describe(from + " -> " + to, rc), -rc);
        }
        return true;
    }

    /**
     * Any thread.
     *
     * @param path a name to remove
     * @return false if it did not exist
     * @throws NativeIoException {@code <path>: <strerror>}, e.g. for a directory
     */
    public static boolean unlinkIfPresent(final PathBytes path) throws NativeIoException
    {
        final int rc = FileNatives.unlink(path.bytes());
        if (FileCodes.ENOENT == -rc)
        {
            return false;
        }
        if (rc < 0)
        {
            throw new NativeIoException(FileCodes.describe(path, rc), -rc);
        }
        return true;
    }

    /**
     * fsyncs the directory holding {@code path} (the working directory for a bare name), making a create, rename
     * or unlink in it durable. Any thread.
     *
     * @param path a file whose directory entry changed
     * @throws NativeIoException {@code <directory of path>: <strerror>}
     */
    public static void syncParentDirectory(final PathBytes path) throws NativeIoException
    {
        final int rc = FileNatives.syncParentDir(path.bytes());
        if (rc < 0)
        {
            throw new NativeIoException(FileCodes.describe("directory of " + path, rc), -rc);
        }
    }
}
