package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessIdentityTest
{
    @Test
    void readsTheTestJvmsOwnStartTimeAndNamespaceInode() throws IOException
    {
        final ProcessIdentity identity = new ProcessIdentity();
        final long pid = ProcessHandle.current().pid();
        assertEquals(ProcessIdentity.PRESENT, identity.read(pid));
        final long ticksPerSecond = 100; // USER_HZ on every mainstream Linux build
        final double uptimeSeconds = Double.parseDouble(
            Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]);
        final double jvmAgeSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        final double startedAtSeconds = identity.startTime() / (double)ticksPerSecond;
        assertTrue(identity.startTime() > 0);
        assertTrue(Math.abs(startedAtSeconds - (uptimeSeconds - jvmAgeSeconds)) < 60,
            "start " + startedAtSeconds + " s after boot, uptime " + uptimeSeconds + ", jvm age " + jvmAgeSeconds);
        assertTrue(identity.nsInode() > 0);
        assertEquals(identity.ownNsInode(), identity.nsInode());
        assertEquals(identity.startTime(), identity.readStartTime(pid));
    }

    @Test
    void pidThatDoesNotExistIsGone()
    {
        final ProcessIdentity identity = new ProcessIdentity();
        assertEquals(ProcessIdentity.GONE, identity.read(0xFFFF_FFF0L));
        assertEquals(ProcessIdentity.UNKNOWN, identity.startTime());
        assertEquals(ProcessIdentity.UNKNOWN, identity.nsInode());
    }

    @Test
    void startTimeIsParsedAfterTheLastParenthesisOfTheCommandName(@TempDir final Path proc) throws IOException
    {
        final Path dir = Files.createDirectories(proc.resolve("4242"));
        final StringBuilder stat = new StringBuilder("4242 (evil) 1 2 3 (x) S");
        for (int field = 4; field <= 21; field++)
        {
            stat.append(' ').append(field * 10);
        }
        stat.append(" 987654321 4096 77\n");
        Files.write(dir.resolve("stat"), stat.toString().getBytes(StandardCharsets.US_ASCII));
        final ProcessIdentity identity = new ProcessIdentity(proc);
        assertEquals(987_654_321L, identity.readStartTime(4242));
        assertEquals(ProcessIdentity.PARTIAL, identity.read(4242), "no ns link in the fixture");
    }

    @Test
    void malformedInputsGiveUnknown()
    {
        final byte[] noParen = "4242 evil S 1 2".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ProcessIdentity.UNKNOWN, ProcessIdentity.parseStartTime(noParen, noParen.length));
        final byte[] tooShort = "4242 (a) S 1 2 3".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ProcessIdentity.UNKNOWN, ProcessIdentity.parseStartTime(tooShort, tooShort.length));
        assertEquals(4026531836L, ProcessIdentity.parseNsLink("pid:[4026531836]"));
        assertEquals(ProcessIdentity.UNKNOWN, ProcessIdentity.parseNsLink("net:[4026531836]"));
        assertEquals(ProcessIdentity.UNKNOWN, ProcessIdentity.parseNsLink("pid:[]"));
    }
}
