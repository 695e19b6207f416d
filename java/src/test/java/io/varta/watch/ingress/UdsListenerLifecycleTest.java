package io.varta.watch.ingress;

import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.PathBytes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.net.StandardProtocolFamily;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference's observer-lifecycle scenarios (bind races, unlink on close), on real files. */
class UdsListenerLifecycleTest
{
    private static final int EADDRINUSE = 98;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    @TempDir
    Path dir;

    private static int unixMode(final Path path) throws IOException
    {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isSocket(final Path path) throws IOException
    {
        return (unixMode(path) & S_IFMT) == S_IFSOCK;
    }

    private static void makeStaleSocket(final Path path) throws IOException
    {
        // A socket file whose socket is closed: what a killed observer leaves behind. (The JDK binds Unix
        // stream sockets; a closed one's inode refuses a datagram connect() with ECONNREFUSED just the same.)
        try (ServerSocketChannel abandoned = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            abandoned.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(isSocket(path), "test setup must leave a stale socket inode");
    }

    @Test
    void bindSucceedsOnCleanPath() throws IOException
    {
        final Path path = dir.resolve("clean.sock");
        try (UdsListener listener = UdsListener.bind(path, 0600, 0))
        {
            assertTrue(isSocket(path), "must be a socket");
            assertEquals(0600, unixMode(path) & 07777, "permissions must be 0600");
            assertEquals(PathBytes.of(path), listener.path());
            assertTrue(listener.fd() >= 0);
            assertEquals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS), listener.inode());
            assertEquals(Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS), listener.device());
        }
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "socket file must be removed on close");
    }

    @Test
    void bindAppliesTheExactRequestedMode() throws IOException
    {
        final Path path = dir.resolve("mode.sock");
        try (UdsListener ignored = UdsListener.bind(path, 0660, 0))
        {
            assertEquals(0660, unixMode(path) & 07777);
        }
    }

    @Test
    void bindFailsWhenLiveObserverPresent() throws IOException
    {
        final Path path = dir.resolve("live.sock");
        try (UdsListener first = UdsListener.bind(path, 0600, 0))
        {
            final NativeIoException e = assertThrows(NativeIoException.class, () -> UdsListener.bind(path, 0600, 0));
            assertEquals(EADDRINUSE, e.errno());
            assertTrue(e.getMessage().contains("another varta-watch is already running at " + path), e.getMessage());
            assertEquals(first.inode(), Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void staleSocketIsReplaced() throws IOException
    {
        final Path path = dir.resolve("stale.sock");
        makeStaleSocket(path);
        try (UdsListener listener = UdsListener.bind(path, 0600, 0))
        {
            assertTrue(isSocket(path), "stale file must be replaced by socket");
            // (the freed inode number may be reused, so compare with the path, not with the stale inode)
            assertEquals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS), listener.inode());
            assertEquals(0600, unixMode(path) & 07777);
        }
    }

    @Test
    void regularFileAtPathIsPreserved() throws IOException
    {
        final Path path = dir.resolve("regular-file");
        Files.write(path, "do not delete".getBytes(StandardCharsets.UTF_8));
        final NativeIoException e = assertThrows(NativeIoException.class, () -> UdsListener.bind(path, 0600, 0));
        assertEquals(EADDRINUSE, e.errno());
        assertTrue(e.getMessage().contains("path exists and is not a socket"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot bind observer socket at " + path), e.getMessage());
        assertArrayEquals("do not delete".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(path));
    }

    @Test
    void liveStreamSocketFailsTheProbe() throws IOException
    {
        final Path path = dir.resolve("stream.sock");
        try (ServerSocketChannel stream = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            stream.bind(UnixDomainSocketAddress.of(path));
            final NativeIoException e = assertThrows(NativeIoException.class, () -> UdsListener.bind(path, 0600, 0));
            assertTrue(e.getMessage().startsWith("cannot probe socket at " + path + ": "), e.getMessage());
            assertEquals(91, e.errno(), "EPROTOTYPE: a stream socket is no datagram observer");
            assertTrue(isSocket(path), "the stream socket's file is untouched");
        }
    }

    @Test
    void overlongPathIsABindError()
    {
        final Path path = dir.resolve("x".repeat(120));
        final NativeIoException e = assertThrows(NativeIoException.class, () -> UdsListener.bind(path, 0600, 0));
        assertTrue(e.getMessage().startsWith("cannot bind observer socket at " + path + ": "), e.getMessage());
    }

    @Test
    void closeUnlinksBoundSocket() throws IOException
    {
        final Path path = dir.resolve("drop-unlink.sock");
        final UdsListener listener = UdsListener.bind(path, 0600, 0);
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "socket must exist after bind");
        listener.close();
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "socket must be removed after close");
        listener.close();
    }

    @Test
    void closeToleratesMissingFile() throws IOException
    {
        final Path path = dir.resolve("drop-missing.sock");
        final UdsListener listener = UdsListener.bind(path, 0600, 0);
        Files.delete(path);
        listener.close();
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void closePreservesForeignInode() throws IOException
    {
        final Path path = dir.resolve("drop-inode.sock");
        final UdsListener first = UdsListener.bind(path, 0600, 0);
        Files.delete(path);
        final UdsListener second = UdsListener.bind(path, 0600, 0);
        first.close();
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS),
            "close of the stale listener must not remove the current (foreign) socket");
        second.close();
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "close of the current listener removes it");
    }

    @Test
    void bindFsyncsParentDirectoryWithoutError() throws IOException
    {
        final long before = UdsListener.bindDirFsyncFailures();
        try (UdsListener ignored = UdsListener.bind(dir.resolve("dirfsync.sock"), 0600, 0))
        {
            assertEquals(before, UdsListener.bindDirFsyncFailures(), "dir-fsync must not fail on a normal tempdir");
        }
    }

    @Test
    void bindFsyncsParentDirectoryAfterStaleRecovery() throws IOException
    {
        final Path path = dir.resolve("dirfsync-stale.sock");
        makeStaleSocket(path);
        final long before = UdsListener.bindDirFsyncFailures();
        try (UdsListener ignored = UdsListener.bind(path, 0600, 0))
        {
            assertEquals(before, UdsListener.bindDirFsyncFailures(), "dir-fsync must not fail (stale recovery)");
        }
    }

    @Test
    void staleSocketIsNotTakenOverWhenItsLockPathIsNotARegularFile() throws IOException
    {
        final Path path = dir.resolve("locked.sock");
        makeStaleSocket(path);
        Files.createDirectory(dir.resolve("locked.sock.lock"));
        final NativeIoException e = assertThrows(NativeIoException.class, () -> UdsListener.bind(path, 0600, 0));
        assertTrue(e.getMessage().startsWith("cannot bind observer socket at " + path + ": cannot lock " + path
            + ".lock"), e.getMessage());
        assertTrue(isSocket(path), "the stale socket is left alone");
    }

    @Test
    void staleSocketTakeoverLeavesItsPrivateLockFileBehind() throws IOException
    {
        final Path path = dir.resolve("takeover.sock");
        makeStaleSocket(path);
        try (UdsListener ignored = UdsListener.bind(path, 0600, 0))
        {
            final Path lock = dir.resolve("takeover.sock.lock");
            assertTrue(Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS));
            assertEquals(0, unixMode(lock) & 077, "owner-only lock file");
        }
    }

    @Test
    void requestedReceiveBufferIsReportedAsGranted() throws IOException
    {
        try (UdsListener listener = UdsListener.bind(dir.resolve("rcvbuf.sock"), 0600, 1 << 16))
        {
            assertTrue(listener.grantedRcvbufBytes() >= 1 << 16, "granted " + listener.grantedRcvbufBytes());
        }
        try (UdsListener listener = UdsListener.bind(dir.resolve("rcvbuf0.sock"), 0600, 0))
        {
            assertEquals(0, listener.grantedRcvbufBytes());
        }
    }
}
