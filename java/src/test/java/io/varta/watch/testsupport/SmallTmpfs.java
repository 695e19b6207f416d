package io.varta.watch.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few KiB mounted on a fresh directory, so a test can fill a real file system ({@code ENOSPC}).
 * Mounting needs root (CAP_SYS_ADMIN); without it the test is skipped with the reason. {@link #close()} unmounts.
 */
public final class SmallTmpfs implements AutoCloseable
{
    private final Path mountPoint;

    private SmallTmpfs(final Path mountPoint)
    {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs of {@code kib} KiB on {@code parent/name}, or aborts the calling test with the reason.
     *
     * @return the mounted file system
     */
    public static SmallTmpfs mountOrSkip(final Path parent, final String name, final int kib)
        throws IOException, InterruptedException
    {
        final Path mountPoint = Files.createDirectory(parent.resolve(name));
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kib + "k,mode=0700", "tmpfs",
            mountPoint.toString()).redirectErrorStream(true).start();
        final String output = new String(mount.getInputStream().readAllBytes());
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0)
        {
            Assumptions.abort("skipped: cannot mount a small tmpfs to fill (needs root / CAP_SYS_ADMIN): "
                + output.strip());
        }
        return new SmallTmpfs(mountPoint);
    }

    /** @return the mounted directory */
    public Path dir()
    {
        return mountPoint;
    }

    /**
     * Fills the file system with a filler file, leaving about {@code leaveBytes} free (tmpfs counts whole pages).
     *
     * @return the filler, to delete when space should come back
     */
    public Path fillLeaving(final long leaveBytes) throws IOException
    {
        final Path filler = mountPoint.resolve("filler");
        final byte[] page = new byte[4096];
        try (var out = Files.newOutputStream(filler))
        {
            while (true)
            {
                final var store = Files.getFileStore(mountPoint);
                final long free = store.getUsableSpace();
                if (free <= leaveBytes)
                {
                    break;
                }
                out.write(page, 0, (int)Math.min(page.length, free - leaveBytes));
                out.flush();
            }
        }
        return filler;
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        final Process umount = new ProcessBuilder("umount", mountPoint.toString()).redirectErrorStream(true).start();
        umount.getInputStream().readAllBytes();
        umount.waitFor(30, TimeUnit.SECONDS);
    }
}
