package io.varta.watch.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JNI side of the child set with real children: records, errors, kill, capture lengths, arguments as bytes. */
class ChildSetTest
{
    private static final byte[][] ENV = {bytes("PATH=/usr/bin:/bin")};

    @TempDir
    Path dir;

    @Test
    void exitRecordsCarryCodeStatusAndCapturedLengths() throws Exception
    {
        try (ChildSet children = ChildSet.create(4, 6))
        {
            final long spawned = children.spawn(args("sh", "-c", "printf abcd; printf xyz >&2; exit 5"), ENV, true);
            final long[] record = awaitOne(children);
            assertEquals(ChildSet.slotOf(spawned), record[ChildSet.SLOT]);
            assertEquals(ChildSet.pidOf(spawned), record[ChildSet.PID]);
            assertEquals(ChildSet.EXITED, record[ChildSet.CODE]);
            assertEquals(5, record[ChildSet.STATUS]);
            assertEquals(6, record[ChildSet.STDOUT_LEN] + record[ChildSet.STDERR_LEN], "combined cap of 6 bytes");
            assertEquals(1, record[ChildSet.TRUNCATED]);
            assertTrue(record[ChildSet.DURATION_NANOS] > 0);
        }
    }

    @Test
    void killReachesTheChildThroughItsPidfd() throws Exception
    {
        try (ChildSet children = ChildSet.create(1, 0))
        {
            final long spawned = children.spawn(args("sleep", "30"), ENV, false);
            assertFalse(children.kill(ChildSet.slotOf(spawned), ChildSet.pidOf(spawned) + 1), "another pid");
            assertTrue(children.kill(ChildSet.slotOf(spawned), ChildSet.pidOf(spawned)));
            final long[] record = awaitOne(children);
            assertEquals(ChildSet.KILLED, record[ChildSet.CODE]);
            assertEquals(9, record[ChildSet.STATUS]);
        }
    }

    @Test
    void argumentsAreBytesPassedWithoutAShell() throws Exception
    {
        final Path out = dir.resolve("args");
        final Path never = dir.resolve("never");
        try (ChildSet children = ChildSet.create(1, 0))
        {
            children.spawn(args("sh", "-c", "printf '%s|' \"$@\" > \"$0\"", out.toString(), "$(touch " + never + ")",
                "a b", "{pid}"), ENV, false);
            assertEquals(0, awaitOne(children)[ChildSet.STATUS]);
        }
        assertEquals("$(touch " + never + ")|a b|{pid}|", Files.readString(out));
        assertFalse(Files.exists(never));
    }

    @Test
    void failuresAreTypedWithTheProgramAndErrno() throws Exception
    {
        try (ChildSet children = ChildSet.create(1, 0))
        {
            final NativeIoException missing = assertThrows(NativeIoException.class,
                () -> children.spawn(args("varta-no-such-program"), ENV, false));
            assertEquals(2, missing.errno());
            assertEquals("varta-no-such-program: No such file or directory", missing.getMessage());
            final NativeIoException nul = assertThrows(NativeIoException.class,
                () -> children.spawn(new byte[][] {bytes("/bin/tr"), {'a', 0, 'b'}}, ENV, false));
            assertEquals(22, nul.errno());
            final long sleeper = children.spawn(args("sleep", "30"), ENV, false);
            final NativeIoException full = assertThrows(NativeIoException.class,
                () -> children.spawn(args("true"), ENV, false));
            assertEquals(11, full.errno(), "EAGAIN: the set is full");
            children.kill(ChildSet.slotOf(sleeper), ChildSet.pidOf(sleeper));
            assertEquals(ChildSet.KILLED, awaitOne(children)[ChildSet.CODE]);
        }
    }

    private static long[] awaitOne(final ChildSet children) throws NativeIoException
    {
        final long[] exits = new long[ChildSet.EXIT_FIELDS * 4];
        while (0 == children.awaitExits(-1, exits))
        {
            // a pipe's output or a spurious wake: wait again
        }
        final long[] record = new long[ChildSet.EXIT_FIELDS];
        System.arraycopy(exits, 0, record, 0, ChildSet.EXIT_FIELDS);
        return record;
    }

    private static byte[][] args(final String... args)
    {
        final byte[][] out = new byte[args.length][];
        for (int i = 0; i < args.length; i++)
        {
            out[i] = bytes(args[i]);
        }
        return out;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
