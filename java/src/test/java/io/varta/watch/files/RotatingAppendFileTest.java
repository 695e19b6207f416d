package io.varta.watch.files;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.testsupport.SmallTmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RotatingAppendFileTest
{
    private static final PrivateFile.Rules RULES = PrivateFile.Rules.appendLog("test log");
    /**
     * Every record of the disk-full tests: "r" + 5 digits + "-" + filler, 50 bytes with the newline (a size whose
     * multiples miss tmpfs's 4 KiB page boundaries, so the disk fills in the middle of a record).
     */
    private static final int RECORD_BYTES = 50;

    @TempDir
    Path dir;

    private final List<String> errors = new ArrayList<>();

    private RotatingAppendFile open(final Path path, final RotatingAppendFile.Options options) throws IOException
    {
        return RotatingAppendFile.open(PathBytes.of(path), RULES, options, errors::add);
    }

    private Path live()
    {
        return dir.resolve("events.log");
    }

    private static Path generation(final Path path, final int g)
    {
        return path.resolveSibling(path.getFileName() + "." + g);
    }

    private static byte[] line(final String text)
    {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] record(final int n)
    {
        final String head = String.format("r%05d-", n);
        return line(head + "x".repeat(RECORD_BYTES - 1 - head.length()));
    }

    @Test
    void recordsStayBufferedUntilFlushOrTheSyncCount() throws IOException
    {
        try (RotatingAppendFile file = open(live(), RotatingAppendFile.Options.defaults().syncEvery(3)))
        {
            file.append(line("one"));
            file.append(line("two"));
            assertEquals("", Files.readString(live()));
            file.append(line("three"));
            assertEquals("one\ntwo\nthree\n", Files.readString(live()));
            file.append(line("four"));
            file.flush();
            assertEquals("one\ntwo\nthree\nfour\n", Files.readString(live()));
            assertEquals(4, file.records());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void formattingIntoTheBufferAllowsRecordsLongerThanIt() throws IOException
    {
        final String longText = "y".repeat(1000);
        try (RotatingAppendFile file = open(live(), RotatingAppendFile.Options.defaults().bufferBytes(64)))
        {
            file.append(line("short"));
            file.append(line(longText));
            file.beginRecord(8);
            file.buffer().put("tail\n".getBytes(StandardCharsets.US_ASCII));
            file.endRecord();
        }
        assertEquals("short\n" + longText + "\ntail\n", Files.readString(live()));
    }

    @Test
    void recordsMustEndWithANewlineAndNotOverlap() throws IOException
    {
        try (RotatingAppendFile file = open(live(), RotatingAppendFile.Options.defaults()))
        {
            assertThrows(IllegalStateException.class, () -> file.append("no newline".getBytes(StandardCharsets.UTF_8)));
            assertThrows(IllegalStateException.class, file::endRecord);
            file.beginRecord(1);
            assertThrows(IllegalStateException.class, () -> file.beginRecord(1));
        }
    }

    @Test
    void rotationKeepsFiveGenerationsAndEachNewOneStartsWithTheHooksRecord() throws IOException
    {
        final RotatingAppendFile[] self = new RotatingAppendFile[1];
        final AtomicInteger hooks = new AtomicInteger();
        final RotatingAppendFile.Listener listener = new RotatingAppendFile.Listener()
        {
            @Override
            public void onIoError(final String description)
            {
                errors.add(description);
            }

            @Override
            public void onNewGeneration()
            {
                self[0].append(line("# header " + hooks.incrementAndGet()));
            }
        };
        try (RotatingAppendFile file = RotatingAppendFile.open(PathBytes.of(live()), RULES,
            RotatingAppendFile.Options.defaults().maxBytes(4096), listener))
        {
            self[0] = file;
            for (int i = 0; i < 8 * 90; i++)
            {
                file.append(record(i));
            }
            assertEquals(hooks.get(), file.rotations());
            assertTrue(file.rotations() >= 7, Long.toString(file.rotations()));
        }
        for (int g = 1; g <= RotatingAppendFile.GENERATIONS; g++)
        {
            final Path generation = generation(live(), g);
            final List<String> lines = Files.readAllLines(generation);
            assertTrue(Files.size(generation) >= 4096, generation + " " + Files.size(generation));
            assertTrue(lines.get(0).startsWith("# header "), generation + ": " + lines.get(0));
            assertEquals(1, lines.stream().filter(l -> l.startsWith("#")).count());
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(generation));
        }
        assertFalse(Files.exists(generation(live(), 6)));
        assertTrue(Files.readAllLines(live()).get(0).startsWith("# header "));
        assertEquals(List.of(), errors);
    }

    @Test
    void failedRecreateKeepsWritingToTheRotatedFileAndRetriesOnlyTheCreate() throws IOException
    {
        final AtomicInteger failuresLeft = new AtomicInteger(2);
        final AtomicInteger attempts = new AtomicInteger();
        final RotatingAppendFile.Creator flaky = (p, r) ->
        {
            attempts.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0)
            {
                throw new IOException("injected create failure");
            }
            return PrivateFile.createNew(p, r);
        };
        final RotatingAppendFile file = open(live(),
            RotatingAppendFile.Options.defaults().maxBytes(4096).syncEvery(1).creator(flaky));
        file.append(line("z".repeat(4100)));      // reaches the cap: rotate, create fails
        assertEquals(1, attempts.get());
        assertFalse(Files.exists(live()));
        file.append(line("second"));              // retries only the create: fails again
        file.append(line("third"));               // create succeeds
        assertEquals(3, attempts.get());
        file.append(line("fourth"));
        file.close();
        assertEquals(1, file.rotations());
        assertEquals(2, file.ioErrors());
        assertEquals(List.of("injected create failure", "injected create failure"), errors);
        assertTrue(Files.readString(generation(live(), 1)).endsWith("z\nsecond\nthird\n"));
        assertEquals("fourth\n", Files.readString(live()));
        assertFalse(Files.exists(generation(live(), 2)));
    }

    @Test
    void tornTailIsClosedWithANewlineByDefault() throws IOException
    {
        Files.writeString(live(), "whole\nparti");
        try (RotatingAppendFile file = open(live(), RotatingAppendFile.Options.defaults()))
        {
            assertEquals(5, file.tornTailBytes());
            assertEquals("whole\nparti", new String(file.tail(), StandardCharsets.UTF_8));
            file.append(line("next"));
        }
        assertEquals("whole\nparti\nnext\n", Files.readString(live()));
    }

    @Test
    void tornTailIsCutWhenAsked() throws IOException
    {
        Files.writeString(live(), "whole\nparti");
        try (RotatingAppendFile file = open(live(),
            RotatingAppendFile.Options.defaults().tornTail(RotatingAppendFile.TornTail.CUT)))
        {
            assertEquals(5, file.tornTailBytes());
            assertEquals("whole\n", new String(file.tail(), StandardCharsets.UTF_8));
            file.append(line("next"));
        }
        assertEquals("whole\nnext\n", Files.readString(live()));
    }

    @Test
    void sizeAndReadSeeTheLiveFileAfterTheCut() throws IOException
    {
        Files.writeString(live(), "whole\nparti");
        try (RotatingAppendFile file = open(live(),
            RotatingAppendFile.Options.defaults().tornTail(RotatingAppendFile.TornTail.CUT)))
        {
            assertEquals(6, file.size());
            assertEquals("whole\n", new String(file.read(0, 100), StandardCharsets.UTF_8));
            file.append(line("next"));
            assertEquals(6, file.size(), "buffered bytes are not counted");
            file.flush();
            assertEquals(11, file.size());
            assertEquals("next\n", new String(file.read(6, 5), StandardCharsets.UTF_8));
        }
    }

    @Test
    void syncBeforeRotateStillRotatesTheSameWay() throws IOException
    {
        final RotatingAppendFile.Options options = RotatingAppendFile.Options.defaults().maxBytes(2 * RECORD_BYTES)
            .syncBeforeRotate(true);
        try (RotatingAppendFile file = open(live(), options))
        {
            for (int i = 0; i < 5; i++)
            {
                file.append(record(i));
            }
            assertEquals(2, file.rotations());
        }
        assertEquals(new String(record(0), StandardCharsets.UTF_8) + new String(record(1), StandardCharsets.UTF_8),
            Files.readString(generation(live(), 2)));
        assertEquals(new String(record(4), StandardCharsets.UTF_8), Files.readString(live()));
        assertEquals(List.of(), errors);
    }

    @Test
    void tornTailLongerThanTheTailWindowIsCutWhole() throws IOException
    {
        Files.writeString(live(), "first\n" + "y".repeat(3 * RotatingAppendFile.TAIL_BYTES + 5));
        try (RotatingAppendFile file = open(live(),
            RotatingAppendFile.Options.defaults().tornTail(RotatingAppendFile.TornTail.CUT)))
        {
            assertEquals(3 * RotatingAppendFile.TAIL_BYTES + 5, file.tornTailBytes());
        }
        assertEquals("first\n", Files.readString(live()));
    }

    @Test
    void tailHoldsTheLastBytesOfTheFile() throws IOException
    {
        final StringBuilder content = new StringBuilder();
        for (int i = 0; i < 500; i++)
        {
            content.append("line ").append(i).append('\n');
        }
        Files.writeString(live(), content);
        try (RotatingAppendFile file = open(live(), RotatingAppendFile.Options.defaults()))
        {
            final byte[] all = content.toString().getBytes(StandardCharsets.UTF_8);
            assertEquals(0, file.tornTailBytes());
            assertArrayEquals(Arrays.copyOfRange(all, all.length - RotatingAppendFile.TAIL_BYTES, all.length),
                file.tail());
        }
        try (RotatingAppendFile empty = open(dir.resolve("empty"), RotatingAppendFile.Options.defaults()))
        {
            assertEquals(0, empty.tail().length);
        }
    }

    @Test
    void diskFullCutsBackToTheLastWholeRecordAndCountsTheLoss() throws Exception
    {
        try (SmallTmpfs fs = SmallTmpfs.mountOrSkip(dir, "small", 64))
        {
            final Path log = fs.dir().resolve("events.log");
            final int appended = 400;
            final Path filler;
            final RotatingAppendFile file;
            final long lost;
            file = open(log, RotatingAppendFile.Options.defaults());
            filler = fs.fillLeaving(2 * 4096);
            for (int i = 0; i < appended; i++)
            {
                file.append(record(i)); // 400 x 50 bytes: about 20 KiB into 8 KiB of space
            }
            file.flush();
            assertTrue(file.ioErrors() > 0, "the disk filled up");
            lost = file.recordsLost();
            assertTrue(lost > 0);
            assertEquals(appended, wholeRecords(log, false).size() + lost);
            Files.delete(filler);
            for (int i = appended; i < appended + 10; i++)
            {
                file.append(record(i));
            }
            file.close();
            assertEquals(lost, file.recordsLost());
            final List<Integer> kept = wholeRecords(log, false);
            assertEquals(appended + 10 - lost, kept.size());
            assertEquals(List.of(400, 401, 402, 403, 404, 405, 406, 407, 408, 409),
                kept.subList(kept.size() - 10, kept.size()));
            assertTrue(errors.get(0).startsWith(log + ": No space left on device"), errors.toString());
        }
    }

    @Test
    void whenTheCutFailsTheNextRecordStartsOnAFreshLine() throws Exception
    {
        try (SmallTmpfs fs = SmallTmpfs.mountOrSkip(dir, "small", 64))
        {
            final Path log = fs.dir().resolve("events.log");
            open(log, RotatingAppendFile.Options.defaults()).close();
            final Process chattr = new ProcessBuilder("chattr", "+a", log.toString()).start();
            assumeTrue(chattr.waitFor() == 0, "skipped: chattr +a (append-only, so ftruncate fails) not supported");
            try
            {
                final RotatingAppendFile file = open(log, RotatingAppendFile.Options.defaults());
                final Path filler = fs.fillLeaving(2 * 4096);
                for (int i = 0; i < 400; i++)
                {
                    file.append(record(i));
                }
                file.flush();
                Files.delete(filler);
                file.append(record(400));
                file.close();
                assertTrue(errors.contains(log + ": Operation not permitted"), errors.toString());
                final List<String> lines = Files.readAllLines(log);
                final List<String> partial = lines.stream().filter(l -> l.length() != RECORD_BYTES - 1).toList();
                assertTrue(partial.size() <= 1, "at most the one cut that failed: " + partial);
                assertEquals(1, partial.size(), "the disk filled mid-record: " + lines.size() + " lines");
                assertTrue(new String(record(Integer.parseInt(partial.get(0).substring(1, 6))), StandardCharsets.UTF_8)
                    .startsWith(partial.get(0)), "a prefix of one record, joined to nothing: " + partial.get(0));
                assertEquals(new String(record(400), StandardCharsets.UTF_8), lines.get(lines.size() - 1) + "\n");
                assertEquals(400 + 1, wholeRecords(log, true).size() + file.recordsLost());
            }
            finally
            {
                new ProcessBuilder("chattr", "-a", log.toString()).start().waitFor();
            }
        }
    }

    /** The record numbers of the file's lines; fails on a partial line unless {@code allowPartial}. */
    private static List<Integer> wholeRecords(final Path log, final boolean allowPartial) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(log);
        assertTrue(bytes.length == 0 || bytes[bytes.length - 1] == '\n', "the file ends with a whole line");
        final List<Integer> numbers = new ArrayList<>();
        for (final String l : new String(bytes, StandardCharsets.UTF_8).split("\n", -1))
        {
            if (l.isEmpty())
            {
                continue; // the split's last piece
            }
            if (l.length() != RECORD_BYTES - 1)
            {
                assertTrue(allowPartial, "a partial line: " + l);
                continue;
            }
            final int n = Integer.parseInt(l.substring(1, 6));
            assertEquals(new String(record(n), StandardCharsets.UTF_8), l + "\n");
            numbers.add(n);
        }
        return numbers;
    }
}
