package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --heartbeat-file} from a real {@code bin/varta-watch} (reference G item 67, §7.6): a reader never sees a
 * partial line, the loop counter only goes up, the file is private, and neither a symlink planted at a temporary
 * name nor one at the path itself is followed.
 */
class HeartbeatFileIT
{
    private static final Pattern LINE = Pattern.compile("(\\d+) (\\d+)\n");

    @TempDir
    Path dir;

    @Test
    void theFileIsReplacedAtomicallyPrivatelyAndNeverThroughASymlink() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path heartbeat = dir.resolve("heartbeat");
        final Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Files.createSymbolicLink(heartbeat, victim); // replaced, never written through
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(), "--threshold-ms",
            "60000", "--heartbeat-file", heartbeat.toString(), "--max-beat-rate", "0"))
        {
            final long pid = observer.process().pid(); // the launcher execs the JVM: same pid
            for (int seq = 0; seq < 4; seq++)
            {
                Files.createSymbolicLink(dir.resolve("heartbeat." + pid + "." + seq + ".tmp"), victim);
            }
            observer.awaitSocket(socket);
            final Process beats = Sender.start(socket, "beat:ok:1", "sleep:200", "beat:ok:2", "sleep:200", "beat:ok:3",
                "sleep:200", "beat:ok:4", "sleep:200", "beat:ok:5", "sleep:200", "beat:ok:6", "sleep:200", "beat:ok:7");
            long first = -1;
            long last = -1;
            int reads = 0;
            final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until || last <= first)
            {
                assertTrue(System.nanoTime() < until + TimeUnit.SECONDS.toNanos(20), "the loop counter never moved");
                final String text;
                try
                {
                    if (Files.isSymbolicLink(heartbeat))
                    {
                        continue; // not written yet
                    }
                    text = Files.readString(heartbeat);
                }
                catch (final NoSuchFileException e)
                {
                    throw new AssertionError("the heartbeat file vanished for a moment", e);
                }
                reads++;
                final Matcher m = LINE.matcher(text);
                assertTrue(m.matches(), "a whole line, always: '" + text + "'");
                final long count = Long.parseLong(m.group(1));
                assertTrue(count >= last, "the loop counter only goes up: " + count + " after " + last);
                first = first < 0 ? count : first;
                last = count;
            }
            beats.waitFor(10, TimeUnit.SECONDS);
            System.out.println("heartbeat: " + reads + " reads, loop_count " + first + " -> " + last);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(heartbeat)));
            assertFalse(Files.isSymbolicLink(heartbeat));
            assertEquals("precious\n", Files.readString(victim), "nothing written through a symlink");
            for (int seq = 0; seq < 4; seq++)
            {
                assertTrue(Files.isSymbolicLink(dir.resolve("heartbeat." + pid + "." + seq + ".tmp")), "left alone");
            }
            assertEquals(0, observer.terminate(java.time.Duration.ofSeconds(10)), observer.stderr());
            assertFalse(observer.stderr().contains("heartbeat file write error"), observer.stderr());
        }
    }
}
