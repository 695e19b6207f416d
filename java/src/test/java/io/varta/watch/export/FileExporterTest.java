package io.varta.watch.export;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.event.MismatchReason;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.varta.watch.files.PrivateFile;
import io.varta.watch.files.RotatingAppendFile;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import io.varta.watch.log.LogKind;
import io.varta.watch.nativeio.Natives;
import io.varta.vlp.DecodeError;
import io.varta.vlp.Status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileExporterTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final AtomicLong monotonic = new AtomicLong();
    private final Diagnostics diagnostics = new Diagnostics(LogFormat.TEXT,
        new PrintStream(logBytes, true, StandardCharsets.UTF_8), () -> 0L, monotonic::get, 1_000_000_000L);

    private Path exportPath()
    {
        return dir.resolve("events.tsv");
    }

    private FileExporter open(final OptionalLong maxBytes, final long syncEvery) throws IOException
    {
        return FileExporter.open(exportPath(), maxBytes, syncEvery, diagnostics);
    }

    private String read(final Path p) throws IOException
    {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private String log()
    {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyLineKindHasTheReferenceColumns() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            export.beat(100, 42, 7, Status.OK, 1000);
            export.beat(101, 42, 8, Status.DEGRADED, 0);
            export.beat(102, 42, 9, 2, 5);
            export.stall(200, 42, 9);
            export.decode(300, DecodeError.BAD_MAGIC);
            export.decode(301, "BadCrc { expected: 0x1234abcd, actual: 0x0 }");
            export.io(400, "Resource temporarily unavailable (os error 11)");
            export.ctrunc(500, "control message truncated");
            export.mismatch(600, 43, MismatchReason.AUTH_FAILURE);
            export.mismatch(601, 44, MismatchReason.ORIGIN_CONFLICT);
            export.mismatch(602, 45, MismatchReason.NAMESPACE_CONFLICT);
            export.eviction(700, 46);
        }
        assertEquals(String.join("",
            "100\tbeat\t42\t7\tok\t1000\n",
            "101\tbeat\t42\t8\tdegraded\t0\n",
            "102\tbeat\t42\t9\tcritical\t5\n",
            "200\tstall\t42\t9\tstall\t-\n",
            "300\tdecode\t-\t-\t-\tBadMagic\n",
            "301\tdecode\t-\t-\t-\tBadCrc { expected: 0x1234abcd, actual: 0x0 }\n",
            "400\tio\t-\t-\t-\tResource temporarily unavailable (os error 11)\n",
            "500\tctrunc\t-\t-\t-\tcontrol message truncated\n",
            "600\tmismatch\t43\t-\t-\tauth_failure\n",
            "601\tmismatch\t44\t-\t-\torigin_conflict\n",
            "602\tmismatch\t45\t-\t-\tnamespace_conflict\n",
            "700\teviction\t46\t-\t-\t-\n"), read(exportPath()));
    }

    @Test
    void numbersArePrintedUnsigned() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            export.beat(-1L, 4_294_967_295L, -1L, Status.OK, Long.MIN_VALUE);
            export.beat(0, 0, 0, Status.OK, 0);
        }
        assertEquals("18446744073709551615\tbeat\t4294967295\t18446744073709551615\tok\t9223372036854775808\n"
            + "0\tbeat\t0\t0\tok\t0\n", read(exportPath()));
    }

    @Test
    void freeTextIsEscaped() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            export.io(1, "a\\b\tc\nd\re\u0000f\u001bg\u007fh é");
        }
        assertArrayEquals("1\tio\t-\t-\t-\ta\\\\b\\tc\\nd\\re\\x00f\\x1bg\\x7fh é\n".getBytes(StandardCharsets.UTF_8),
            Files.readAllBytes(exportPath()));
    }

    @Test
    void textLongerThanTheBufferIsWrittenWhole() throws IOException
    {
        final String longText = "x".repeat(3 * FileExporter.BUFFER_BYTES + 17);
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            export.io(5, longText);
            export.eviction(6, 1);
        }
        assertEquals("5\tio\t-\t-\t-\t" + longText + "\n6\teviction\t1\t-\t-\t-\n", read(exportPath()));
    }

    @Test
    void newFileIsCreatedWithMode0600() throws IOException
    {
        open(OptionalLong.empty(), 0).close();
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(exportPath()));
    }

    @Test
    void existingFileIsAppendedToAndItsModeKept() throws IOException
    {
        Files.writeString(exportPath(), "old line\n");
        Files.setPosixFilePermissions(exportPath(), PosixFilePermissions.fromString("rw-r-----"));
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            export.eviction(1, 2);
        }
        assertEquals("old line\n1\teviction\t2\t-\t-\t-\n", read(exportPath()));
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(exportPath()));
    }

    @Test
    void symlinkAtThePathIsRefusedAndItsTargetUntouched() throws IOException
    {
        final Path victim = dir.resolve("victim");
        Files.writeString(victim, "keep\n");
        Files.createSymbolicLink(exportPath(), victim);
        final IOException e = assertThrows(IOException.class, () -> open(OptionalLong.empty(), 0));
        assertEquals(exportPath() + ": must not be a symlink", e.getMessage());
        assertEquals("keep\n", read(victim));
        assertTrue(Files.isSymbolicLink(exportPath()));
    }

    @Test
    void danglingSymlinkIsRefusedWithoutCreatingItsTarget() throws IOException
    {
        final Path target = dir.resolve("nowhere");
        Files.createSymbolicLink(exportPath(), target);
        final IOException e = assertThrows(IOException.class, () -> open(OptionalLong.empty(), 0));
        assertEquals(exportPath() + ": must not be a symlink", e.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void hardLinkedFileIsRefusedAndLeftUnchanged() throws IOException
    {
        final Path victim = dir.resolve("victim");
        Files.writeString(victim, "keep\n");
        Files.createLink(exportPath(), victim);
        final IOException e = assertThrows(IOException.class, () -> open(OptionalLong.empty(), 0));
        assertEquals(exportPath() + ": export file must have exactly one hard link", e.getMessage());
        assertEquals("keep\n", read(victim));
    }

    @Test
    void directoryAtThePathIsRefusedAsNotARegularFile() throws IOException
    {
        Files.createDirectory(exportPath());
        final IOException e = assertThrows(IOException.class, () -> open(OptionalLong.empty(), 0));
        assertEquals(exportPath() + ": must be a regular file", e.getMessage());
    }

    @Test
    void fifoAtThePathIsRefusedWithoutBlocking() throws Exception
    {
        final Process mkfifo = new ProcessBuilder("mkfifo", exportPath().toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo not available");
        final IOException e = assertThrows(IOException.class, () -> open(OptionalLong.empty(), 0));
        assertEquals(exportPath() + ": must be a regular file", e.getMessage());
    }

    @Test
    void fileOwnedByAnotherUserIsRefused() throws IOException
    {
        assumeTrue(Natives.realUid() == 0, "changing a file's owner needs root");
        Files.writeString(exportPath(), "x\n");
        Files.setAttribute(exportPath(), "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
        final IOException e = assertThrows(IOException.class, () -> open(OptionalLong.empty(), 0));
        assertEquals(exportPath() + ": owned by uid 4242, expected uid 0", e.getMessage());
    }

    @Test
    void unsyncedLinesStayBufferedUntilFlush() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            export.beat(1, 2, 3, Status.OK, 4);
            export.beat(2, 2, 4, Status.OK, 4);
            assertEquals("", read(exportPath()));
            export.flush();
            assertEquals(2, read(exportPath()).lines().count());
        }
    }

    @Test
    void syncEveryOneMakesEachLineVisibleImmediately() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 1))
        {
            for (int i = 1; i <= 5; i++)
            {
                export.beat(i, 10, i, Status.OK, 0);
                assertEquals(i, read(exportPath()).lines().count());
            }
        }
    }

    @Test
    void syncEveryThreeWritesOutOnTheThirdLine() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 3))
        {
            export.stall(1, 1, 1);
            export.stall(2, 1, 1);
            assertEquals("", read(exportPath()));
            export.stall(3, 1, 1);
            assertEquals(3, read(exportPath()).lines().count());
        }
    }

    @Test
    void fullBufferIsWrittenOutWithoutAnExplicitFlush() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            int lines = 0;
            while (Files.size(exportPath()) == 0)
            {
                export.beat(1_000_000_000L + lines, 12345, lines, Status.OK, 0);
                lines++;
                assertTrue(lines < 1000, "buffer never written out");
            }
            assertTrue(Files.size(exportPath()) <= FileExporter.BUFFER_BYTES);
        }
    }

    @Test
    void rotationKeepsFiveGenerationsAndTheNewestLines() throws IOException
    {
        final int lineLength = "1000000\tbeat\t42\t1000000\tok\t0\n".length();
        final int linesPerFile = 4096 / lineLength + 1;
        final int total = linesPerFile * 8 + 3;
        try (FileExporter export = open(OptionalLong.of(4096), 0))
        {
            for (int i = 0; i < total; i++)
            {
                export.beat(1_000_000 + i, 42, 1_000_000 + i, Status.OK, 0);
            }
            assertEquals(8, export.rotations());
            assertEquals(0, export.writeErrors());
        }
        for (int g = 1; g <= 5; g++)
        {
            final Path generation = FileExporter.generationPath(exportPath(), g);
            assertTrue(Files.exists(generation), generation.toString());
            assertEquals(linesPerFile, read(generation).lines().count(), generation.toString());
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(generation));
        }
        assertFalse(Files.exists(FileExporter.generationPath(exportPath(), 6)));
        final List<String> live = read(exportPath()).lines().toList();
        assertEquals(3, live.size());
        assertTrue(live.get(2).startsWith((1_000_000 + total - 1) + "\t"));
        final List<String> first = read(FileExporter.generationPath(exportPath(), 1)).lines().toList();
        assertTrue(first.get(first.size() - 1).startsWith((1_000_000 + total - 4) + "\t"));
        final List<String> fifth = read(FileExporter.generationPath(exportPath(), 5)).lines().toList();
        assertTrue(fifth.get(0).startsWith((1_000_000 + 3 * linesPerFile) + "\t"), fifth.get(0));
    }

    @Test
    void rotationCountsTheExistingFileSize() throws IOException
    {
        Files.writeString(exportPath(), "x".repeat(4090) + "\n");
        try (FileExporter export = open(OptionalLong.of(4096), 0))
        {
            export.eviction(1, 1);
            assertEquals(1, export.rotations());
        }
        assertEquals(4091 + "1\teviction\t1\t-\t-\t-\n".length(),
            Files.size(FileExporter.generationPath(exportPath(), 1)));
        assertEquals(0, Files.size(exportPath()));
    }

    @Test
    void failedRecreateAfterRotationKeepsWritingToTheRotatedFileAndRetriesOnlyTheCreate() throws IOException
    {
        final AtomicInteger failuresLeft = new AtomicInteger(2);
        final AtomicInteger attempts = new AtomicInteger();
        final RotatingAppendFile.Creator flaky = (p, rules) ->
        {
            attempts.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0)
            {
                throw new IOException("injected create failure");
            }
            return PrivateFile.createNew(p, rules);
        };
        final FileExporter export = FileExporter.open(PathBytes.of(exportPath()),
            RotatingAppendFile.Options.defaults().maxBytes(4096).syncEvery(1).creator(flaky), diagnostics);
        final String filler = "y".repeat(4100);
        export.io(1, filler);                       // reaches the cap: rotate, create fails
        assertEquals(1, attempts.get());
        assertFalse(Files.exists(exportPath()));
        export.eviction(2, 7);                      // retries only the create: fails again
        assertEquals(2, attempts.get());
        export.eviction(3, 8);                      // create succeeds
        assertEquals(3, attempts.get());
        export.eviction(4, 9);
        export.close();
        assertEquals(1, export.rotations());
        assertEquals(2, export.writeErrors());
        final String first = read(FileExporter.generationPath(exportPath(), 1));
        assertTrue(first.startsWith("1\tio\t-\t-\t-\tyyy"));
        assertTrue(first.endsWith("\n2\teviction\t7\t-\t-\t-\n3\teviction\t8\t-\t-\t-\n"), first);
        assertEquals("4\teviction\t9\t-\t-\t-\n", read(exportPath()));
        assertFalse(Files.exists(FileExporter.generationPath(exportPath(), 2)));
        assertTrue(log().startsWith("varta-watch: file export error: injected create failure\n"), log());
        assertEquals(1, diagnostics.suppressedTotal(LogKind.FILE_EXPORT_IO));
    }

    @Test
    void rotationFailureIsLoggedAndCountedButNeverThrown() throws IOException
    {
        // a non-empty directory at PATH.5 cannot be deleted, so the generation shift fails
        final Path fifth = FileExporter.generationPath(exportPath(), 5);
        Files.createDirectories(fifth.resolve("occupied"));
        try (FileExporter export = open(OptionalLong.of(4096), 1))
        {
            export.io(1, "z".repeat(5000));
            export.eviction(2, 3);
            assertEquals(0, export.rotations());
            assertTrue(export.writeErrors() >= 1);
        }
        assertTrue(read(exportPath()).endsWith("2\teviction\t3\t-\t-\t-\n"));
        assertTrue(log().startsWith("varta-watch: file export error: "), log());
    }

    @Test
    void writeFailureIsLoggedAndCountedButNeverThrown() throws IOException
    {
        final FileExporter export = FileExporter.open(PathBytes.of(exportPath()), RotatingAppendFile.Options.defaults().syncEvery(1),
            diagnostics);
        export.file().close(); // the descriptor dies underneath the exporter
        export.beat(1, 2, 3, Status.OK, 4);
        export.beat(2, 2, 3, Status.OK, 4);
        export.close();
        assertTrue(export.writeErrors() >= 2, Long.toString(export.writeErrors()));
        assertEquals("", read(exportPath()));
        assertTrue(log().startsWith("varta-watch: file export error: "), log());
    }

    @Test
    void beatLinesDoNotAllocateInSteadyState() throws IOException
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        final com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) threads;
        final long self = Thread.currentThread().getId();
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            for (int i = 0; i < 20_000; i++)
            {
                export.beat(System.nanoTime(), 4_000_000 + i, i, Status.OK, i);
            }
            final long before = counter.getThreadAllocatedBytes(self);
            final int lines = 200_000;
            for (int i = 0; i < lines; i++)
            {
                export.beat(System.nanoTime(), 4_000_000 + i, i, Status.DEGRADED, i);
                export.stall(System.nanoTime(), 4_000_000 + i, i);
            }
            final long allocated = counter.getThreadAllocatedBytes(self) - before;
            // a String per line would be > 60 bytes x 400k lines; allow a little noise from the JDK
            assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + (2 * lines) + " lines");
        }
    }

    @Test
    void linesAfterCloseAreIgnored() throws IOException
    {
        final FileExporter export = open(OptionalLong.empty(), 0);
        export.beat(1, 1, 1, Status.OK, 1);
        export.close();
        export.beat(2, 1, 1, Status.OK, 1);
        export.close();
        assertEquals(1, read(exportPath()).lines().count());
    }

    @Test
    void unknownStatusCodeIsRejected() throws IOException
    {
        try (FileExporter export = open(OptionalLong.empty(), 0))
        {
            assertThrows(IllegalArgumentException.class, () -> export.beat(1, 1, 1, 4, 1));
        }
    }

    @Test
    void generationPathsAreSiblingsWithANumericSuffix()
    {
        assertEquals(Path.of("/var/log/e.tsv.3"), FileExporter.generationPath(Path.of("/var/log/e.tsv"), 3));
        assertEquals(Path.of("e.tsv.1"), FileExporter.generationPath(Path.of("e.tsv"), 1));
    }

    @Test
    void ownerWritePermissionIsAllThatIsNeeded() throws IOException
    {
        open(OptionalLong.empty(), 0).close();
        assertTrue(Files.getPosixFilePermissions(exportPath()).contains(PosixFilePermission.OWNER_WRITE));
    }
}
