package io.varta.watch.export;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Opens the export file the safe way: never through a symlink, a new file created exclusively with mode
 * 0600, an existing one appended to, and either way only a regular file owned by the observer's real uid
 * with exactly one hard link. A file this class created is removed again when validation fails.
 *
 * <p>Java cannot {@code fstat} a {@link FileChannel}, so the checks run on the path with
 * {@code NOFOLLOW_LINKS}; for an existing file the (device, inode) key seen before opening must equal the
 * one seen after, which detects a swap of the leaf during the open.
 *
 * <p>Stateless; any thread.
 */
final class ExportFiles
{
    private static final FileAttribute<Set<PosixFilePermission>> MODE_0600 =
        PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE));

    private static final Set<OpenOption> CREATE_OPTIONS = Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);

    private static final long REAL_UID = new com.sun.security.auth.module.UnixSystem().getUid();

    private ExportFiles()
    {
    }

    /**
     * Creates {@code path} or opens it for appending, then validates it. Any thread.
     *
     * @param path the export file
     * @return a channel appending to the validated file
     * @throws IOException with a user-facing message ({@code <path>: must not be a symlink}, ...)
     */
    static FileChannel openOrCreate(final Path path) throws IOException
    {
        return openOrCreate(path, REAL_UID);
    }

    /**
     * {@link #openOrCreate(Path)} against an explicit owner uid (tests use a foreign uid). Any thread.
     *
     * @param path the export file
     * @param ownerUid uid the file must belong to
     * @return a channel appending to the validated file
     * @throws IOException with a user-facing message
     */
    static FileChannel openOrCreate(final Path path, final long ownerUid) throws IOException
    {
        try
        {
            return createNew(path, ownerUid);
        }
        catch (final FileAlreadyExistsException exists)
        {
            return openExisting(path, ownerUid);
        }
    }

    /**
     * Creates {@code path} exclusively with mode 0600 and validates it; removes it again if validation
     * fails. Any thread.
     *
     * @param path file to create
     * @return a channel appending to the new file
     * @throws FileAlreadyExistsException if anything (file, symlink, directory) exists at {@code path}
     * @throws IOException on any other failure
     */
    static FileChannel createNew(final Path path) throws IOException
    {
        return createNew(path, REAL_UID);
    }

    /**
     * {@link #createNew(Path)} against an explicit owner uid (tests use a foreign uid). Any thread.
     *
     * @param path file to create
     * @param ownerUid uid the file must belong to
     * @return a channel appending to the new file
     * @throws IOException on failure; the created file is removed again
     */
    static FileChannel createNew(final Path path, final long ownerUid) throws IOException
    {
        final FileChannel channel = FileChannel.open(path, CREATE_OPTIONS, MODE_0600);
        Object createdKey = null;
        try
        {
            final Map<String, Object> attributes = attributes(path);
            createdKey = attributes.get("fileKey");
            validate(path, attributes, ownerUid);
            return channel;
        }
        catch (final IOException | RuntimeException e)
        {
            closeQuietly(channel);
            removeIfSame(path, createdKey);
            throw e;
        }
    }

    private static FileChannel openExisting(final Path path, final long ownerUid) throws IOException
    {
        final Map<String, Object> before;
        try
        {
            before = attributes(path);
        }
        catch (final NoSuchFileException vanished)
        {
            return createNew(path, ownerUid);
        }
        // Reject before open: opening a FIFO for writing would block, a directory fails with EISDIR.
        validate(path, before, ownerUid);
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException e)
        {
            if (isSymlink(path))
            {
                throw new IOException(path + ": must not be a symlink", e);
            }
            throw e;
        }
        try
        {
            final Map<String, Object> after = attributes(path);
            validate(path, after, ownerUid);
            if (!Objects.equals(before.get("fileKey"), after.get("fileKey")))
            {
                throw new IOException(path + ": file was replaced while being opened");
            }
            return channel;
        }
        catch (final IOException | RuntimeException e)
        {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void validate(final Path path, final Map<String, Object> attributes, final long ownerUid)
        throws IOException
    {
        if (Boolean.TRUE.equals(attributes.get("isSymbolicLink")))
        {
            throw new IOException(path + ": must not be a symlink");
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile")))
        {
            throw new IOException(path + ": must be a regular file");
        }
        final long uid = ((Number) attributes.get("uid")).longValue();
        if (uid != ownerUid)
        {
            throw new IOException(path + ": owned by uid " + uid + ", expected uid " + ownerUid);
        }
        if (((Number) attributes.get("nlink")).longValue() != 1)
        {
            throw new IOException(path + ": export file must have exactly one hard link");
        }
    }

    /**
     * fsyncs the directory containing {@code path}, making a create, rename or unlink in it durable.
     * Any thread.
     *
     * @param path a file whose directory entry changed
     * @throws IOException if the directory cannot be opened or synced
     */
    static void syncParentDirectory(final Path path) throws IOException
    {
        final Path parent = path.toAbsolutePath().getParent();
        try (FileChannel directory = FileChannel.open(parent == null ? Path.of("/") : parent,
            StandardOpenOption.READ))
        {
            directory.force(true);
        }
    }

    /**
     * The uid the export file must be owned by: the process's real uid. Any thread.
     *
     * @return the real uid
     */
    static long realUid()
    {
        return REAL_UID;
    }

    /**
     * A user-facing one-line description of an I/O failure, including the path for file-system errors.
     * Any thread.
     *
     * @param e the failure
     * @return e.g. {@code /var/x: Permission denied}
     */
    static String describe(final IOException e)
    {
        if (e instanceof FileSystemException)
        {
            final FileSystemException fse = (FileSystemException) e;
            final StringBuilder text = new StringBuilder();
            text.append(fse.getFile() == null ? "" : fse.getFile());
            if (fse.getOtherFile() != null)
            {
                text.append(" -> ").append(fse.getOtherFile());
            }
            text.append(": ").append(fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName());
            return text.toString();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static Map<String, Object> attributes(final Path path) throws IOException
    {
        return Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isSymlink(final Path path)
    {
        return Files.isSymbolicLink(path);
    }

    private static void removeIfSame(final Path path, final Object createdKey)
    {
        try
        {
            if (createdKey != null && createdKey.equals(attributes(path).get("fileKey")))
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ignored)
        {
            // best effort: the file we created is gone or was replaced by someone else's
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // nothing useful to do: the open already failed validation
        }
    }
}
