package io.varta.watch.supervision;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import io.varta.watch.nativeio.NativeIoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat file's atomic replacement on a real file system. */
class HeartbeatFileTest
{
    private static final Pattern LINE = Pattern.compile("(\\d+) (\\d+)\n");
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private final Diagnostics log = Diagnostics.toStderr(LogFormat.TEXT);

    private List<String> names() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesOnePrivateLineAndLeavesNoTemporaryFile() throws Exception
    {
        final Path path = dir.resolve("heartbeat");
        final HeartbeatFile heartbeat = new HeartbeatFile(PathBytes.of(path), log);
        heartbeat.writeOnce(7, 123_456_789);
        assertEquals("7 123456789\n", Files.readString(path));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        heartbeat.writeOnce(8, 223_456_789);
        assertEquals("8 223456789\n", Files.readString(path));
        assertEquals(List.of("heartbeat"), names());
    }

    @Test
    void aReaderNeverSeesAPartialLine() throws Exception
    {
        final Path path = dir.resolve("heartbeat");
        final HeartbeatFile heartbeat = new HeartbeatFile(PathBytes.of(path), log);
        heartbeat.writeOnce(0, 0);
        final AtomicReference<String> bad = new AtomicReference<>();
        final Thread reader = new Thread(() ->
        {
            long last = -1;
            while (!Thread.currentThread().isInterrupted() && null == bad.get())
            {
                try
                {
                    final String text = Files.readString(path);
                    final Matcher m = LINE.matcher(text);
                    if (!m.matches())
                    {
                        bad.set("partial or malformed: '" + text + "'");
                    }
                    else if (Long.parseLong(m.group(1)) < last)
                    {
                        bad.set("went backwards: " + text);
                    }
                    else
                    {
                        last = Long.parseLong(m.group(1));
                    }
                }
                catch (final NoSuchFileException e)
                {
                    bad.set("the file was missing for a moment");
                }
                catch (final IOException e)
                {
                    bad.set(e.toString());
                }
            }
        });
        reader.start();
        for (long i = 1; i <= 3_000; i++)
        {
            heartbeat.writeOnce(i, i * 1_000_000_007L);
        }
        reader.interrupt();
        reader.join();
        assertNull(bad.get());
        assertEquals("3000 " + 3_000 * 1_000_000_007L + "\n", Files.readString(path));
        assertEquals(List.of("heartbeat"), names());
    }

    @Test
    void aSymlinkPlantedAtATemporaryNameIsNeverFollowed() throws Exception
    {
        final Path path = dir.resolve("heartbeat");
        final Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        for (int seq = 0; seq < 4; seq++)
        {
            Files.createSymbolicLink(dir.resolve("heartbeat." + PID + "." + seq + ".tmp"), victim);
        }
        new HeartbeatFile(PathBytes.of(path), log).writeOnce(1, 2);
        assertEquals("1 2\n", Files.readString(path));
        assertEquals("precious\n", Files.readString(victim), "the symlinks' target is untouched");
        for (int seq = 0; seq < 4; seq++)
        {
            assertTrue(Files.isSymbolicLink(dir.resolve("heartbeat." + PID + "." + seq + ".tmp")), "left alone");
        }
        assertFalse(Files.isSymbolicLink(path));
    }

    @Test
    void sixteenTakenNamesFailTheWriteWithoutTouchingAnything() throws Exception
    {
        final Path path = dir.resolve("heartbeat");
        final Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        for (int seq = 0; seq < HeartbeatFile.NAME_ATTEMPTS; seq++)
        {
            Files.createSymbolicLink(dir.resolve("heartbeat." + PID + "." + seq + ".tmp"), victim);
        }
        final HeartbeatFile heartbeat = new HeartbeatFile(PathBytes.of(path), log);
        final NativeIoException e = assertThrows(NativeIoException.class, () -> heartbeat.writeOnce(1, 2));
        assertEquals(path + ": no free temporary name in 16 attempts (last: " + dir.resolve("heartbeat." + PID
            + ".15.tmp") + ": File exists)", e.getMessage());
        assertFalse(Files.exists(path));
        assertEquals("precious\n", Files.readString(victim));
        heartbeat.writeOnce(3, 4); // the next write moves on to fresh names
        assertEquals("3 4\n", Files.readString(path));
    }

    @Test
    void aFailedWriteNamesThePathAndLeavesNoTemporaryFile() throws Exception
    {
        final Path path = dir.resolve("gone").resolve("heartbeat");
        final NativeIoException e = assertThrows(NativeIoException.class,
            () -> new HeartbeatFile(PathBytes.of(path), log).writeOnce(1, 2));
        assertEquals(dir.resolve("gone").resolve("heartbeat." + PID + ".0.tmp") + ": No such file or directory",
            e.getMessage());
        assertEquals(List.of(), names());
    }
}
