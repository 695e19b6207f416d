package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PidMaxTest
{
    @Test
    void valueIsRereadAtMostEverySixtySeconds(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("pid_max");
        Files.writeString(file, "32768\n");
        final PidMax pidMax = new PidMax(file, 0);
        assertEquals(32768, pidMax.get(0));
        Files.writeString(file, "65536\n");
        assertEquals(32768, pidMax.get(PidMax.REFRESH_NANOS - 1));
        assertEquals(65536, pidMax.get(PidMax.REFRESH_NANOS));
        assertEquals(2, pidMax.reads());
    }

    @Test
    void unreadableFileFallsBackToTheLinuxCeiling(@TempDir final Path dir)
    {
        assertEquals(PidMax.FALLBACK, new PidMax(dir.resolve("missing"), 0).get(0));
    }

    @Test
    void realKernelValueIsPlausible()
    {
        final long value = new PidMax(0).get(0);
        assertTrue(value >= 301 && value <= PidMax.FALLBACK, "pid_max " + value);
    }
}
