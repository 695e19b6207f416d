package io.varta.watch.ingress;

import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingDescriptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varta.vlp.DecodeError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver end to end, with the real {@code varta-send} tool as a separate sender process. */
class ReceiverTest
{
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;

    private UdsListener listener;
    private Ring ring;
    private Receiver receiver;

    /** The fields of one record, copied out of the flyweight. */
    private record Seen(int kind, int peerPid, long framePid, long nonce, int status, long payload, int length,
                        int decodeError, long recvNanos)
    {
    }

    @BeforeEach
    void start() throws IOException
    {
        listener = UdsListener.bind(dir.resolve("observer.sock"), 0600, 0);
        ring = new Ring(64);
        receiver = Receiver.start(listener, ring);
    }

    @AfterEach
    void stop()
    {
        receiver.close();
        listener.close();
    }

    private Process send(final String... items) throws IOException
    {
        return sendTo(Path.of(listener.path().toString()), items);
    }

    private static Process sendTo(final Path socket, final String... items) throws IOException
    {
        final String tools = System.getProperty("varta.native.tools");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(tools, "varta-send").toString());
        command.add(socket.toString());
        command.addAll(List.of(items));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String[] beats(final int first, final int count)
    {
        final String[] items = new String[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = "beat:ok:" + (first + i);
        }
        return items;
    }

    private static void assertExitsCleanly(final Process process) throws Exception
    {
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "sender finished");
        final String output = new String(process.getInputStream().readAllBytes());
        process.getInputStream().close();
        process.getOutputStream().close();
        process.getErrorStream().close();
        assertEquals(0, process.exitValue(), "varta-send failed: " + output);
    }

    private List<Seen> collect(final int count)
    {
        final List<Seen> seen = new ArrayList<>();
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (seen.size() < count && System.nanoTime() < deadline)
        {
            ring.drain(r -> seen.add(new Seen(r.kind(), r.peerPid(), r.framePid(), r.nonce(), r.status(), r.payload(),
                r.datagramLength(), r.decodeErrorCode(), r.recvNanos())), count - seen.size());
            if (seen.size() < count)
            {
                receiver.awaitRecords(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
        assertEquals(count, seen.size(), "records received");
        return seen;
    }

    @Test
    void datagramsQueuedOnTheSocketWhenTheReceiverStopsAreStillRead() throws Exception
    {
        receiver.close(); // replace the running receiver: nothing reads the socket while the frames queue up
        assertExitsCleanly(send("beat:ok:1", "beat:ok:2", "beat:ok:3", "beat:ok:4", "beat:ok:5"));
        receiver = Receiver.start(listener, ring);
        receiver.close(); // the stop comes at once; its final drain must still read the queued five

        final List<Seen> seen = new ArrayList<>();
        ring.drain(r -> seen.add(new Seen(r.kind(), r.peerPid(), r.framePid(), r.nonce(), r.status(), r.payload(),
            r.datagramLength(), r.decodeErrorCode(), r.recvNanos())), 64);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seen.stream().map(Seen::nonce).toList());
    }

    @Test
    void beatsFromASenderProcessCarryItsPid() throws Exception
    {
        final long before = System.nanoTime();
        final Process sender = send("beat:ok:1", "beat:degraded:2:77", "beat:critical:max");
        final List<Seen> seen = collect(3);
        assertExitsCleanly(sender);
        for (final Seen s : seen)
        {
            assertEquals(RingDescriptor.KIND_BEAT, s.kind(), s.toString());
            assertEquals(sender.pid(), s.peerPid(), "kernel-verified pid is the sender's");
            assertEquals(sender.pid(), s.framePid(), "frame pid is the sender's");
            assertEquals(32, s.length());
            assertTrue(s.recvNanos() >= before && s.recvNanos() <= System.nanoTime(), "recv_ns is System.nanoTime's clock");
        }
        assertEquals(1, seen.get(0).nonce());
        assertEquals(0, seen.get(0).status());
        assertEquals(2, seen.get(1).nonce());
        assertEquals(1, seen.get(1).status());
        assertEquals(77, seen.get(1).payload());
        assertEquals(-1L, seen.get(2).nonce(), "terminal nonce");
        assertEquals(2, seen.get(2).status());
    }

    @Test
    void claimedPidIsKeptApartFromThePeerPid() throws Exception
    {
        final Process sender = send("beatpid:4242:ok:9");
        final Seen s = collect(1).get(0);
        assertExitsCleanly(sender);
        assertEquals(RingDescriptor.KIND_BEAT, s.kind());
        assertEquals(4242, s.framePid());
        assertEquals(sender.pid(), s.peerPid());
    }

    @Test
    void wrongLengthsAreRejectedNeverTruncated() throws Exception
    {
        final String frame = validFrameHex();
        final Process sender = send("hex:" + frame.substring(0, 62), "hex:" + frame + "00", "hex:" + frame + frame,
            "hex:");
        final List<Seen> seen = collect(4);
        assertExitsCleanly(sender);
        final int[] lengths = {31, 33, 33, 0};
        for (int i = 0; i < lengths.length; i++)
        {
            assertEquals(RingDescriptor.KIND_WRONG_LENGTH, seen.get(i).kind(), seen.get(i).toString());
            assertEquals(lengths[i], seen.get(i).length(), "overlong shows as 33");
            assertEquals(sender.pid(), seen.get(i).peerPid());
        }
    }

    @Test
    void badMagicIsADecodeError() throws Exception
    {
        final Process sender = send("hex:5858" + validFrameHex().substring(4));
        final Seen s = collect(1).get(0);
        assertExitsCleanly(sender);
        assertEquals(RingDescriptor.KIND_DECODE_ERROR, s.kind());
        assertEquals(DecodeError.BAD_MAGIC.ordinal() + 1, s.decodeError());
    }

    @Test
    void descriptorsAttachedByPeersAreClosed() throws Exception
    {
        assertExitsCleanly(send("fd:"));
        collect(1);
        final long before = openDescriptors();
        final Process sender = send("fd:", "fd:", "fd:", "fd:", "fd:", "fd:", "fd:", "fd:", "fd:", "fd:");
        final List<Seen> seen = collect(10);
        assertExitsCleanly(sender);
        assertTrue(seen.stream().allMatch(s -> s.kind() == RingDescriptor.KIND_BEAT), seen.toString());
        assertEquals(before, openDescriptors(), "the receiver closed every passed descriptor");
    }

    @Test
    void moreFramesThanTheRingHoldsAllArriveOnce() throws Exception
    {
        final String[] items = new String[300];
        for (int i = 0; i < items.length; i++)
        {
            items[i] = "beat:ok:" + i;
        }
        final Process sender = send(items);
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (ring.available() < ring.capacity() && System.nanoTime() < deadline)
        {
            Thread.sleep(5); // let the receiver fill the 64-slot ring and stall
        }
        final List<Seen> seen = collect(items.length);
        assertExitsCleanly(sender);
        for (int i = 0; i < items.length; i++)
        {
            assertEquals(i, seen.get(i).nonce(), "in order, exactly once");
        }
        assertTrue(ring.fullStalls() > 0, "the receiver stalled on the full ring");
    }

    @Test
    void awaitRecordsTimesOutWithoutTrafficAndWakesOnSend() throws Exception
    {
        final long start = System.nanoTime();
        assertFalse(receiver.awaitRecords(TimeUnit.MILLISECONDS.toNanos(100)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(90), "slept until the timeout");

        final Process sender = send("sleep:100", "beat:ok:1");
        final long waitStart = System.nanoTime();
        assertTrue(receiver.awaitRecords(WAIT_NANOS), "woken by the record");
        assertTrue(System.nanoTime() - waitStart < TimeUnit.SECONDS.toNanos(5), "woken long before the timeout");
        assertExitsCleanly(sender);
        assertEquals(1, collect(1).size());
    }

    @Test
    void whileRecordsFlowTheObserverStillGetsEachOneWithoutWaitingForItsTimeout() throws Exception
    {
        // Beats about 1 ms apart: records flow, so awaitRecords batches on its own timer and the receiver stops
        // waking it per record; when the flow stops it must sleep until the next record again. Every call here asks
        // for a 10 s sleep: any record left waiting for that timeout (a batch never handed over, the last record
        // stranded) fails the 5 s bound.
        final int beats = 100;
        final String[] items = new String[2 * beats];
        for (int i = 0; i < beats; i++)
        {
            items[2 * i] = "beat:ok:" + i;
            items[2 * i + 1] = "sleep:1";
        }
        final Process sender = send(items);
        final List<Long> nonces = new ArrayList<>();
        while (nonces.size() < beats)
        {
            ring.drain(r -> nonces.add(r.nonce()), beats);
            if (nonces.size() < beats)
            {
                final long start = System.nanoTime();
                assertTrue(receiver.awaitRecords(WAIT_NANOS), "records before the timeout, " + nonces.size() + " so far");
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "handed over long before the timeout");
            }
        }
        assertExitsCleanly(sender);
        for (int i = 0; i < beats; i++)
        {
            assertEquals(i, nonces.get(i), "in order, exactly once");
        }

        final Process late = send("sleep:50", "beat:ok:7");
        final long start = System.nanoTime();
        assertTrue(receiver.awaitRecords(WAIT_NANOS), "a record after the flow stopped wakes the observer");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "woken long before the timeout");
        assertExitsCleanly(late);
        assertEquals(7, collect(1).get(0).nonce());
    }

    @Test
    void closeWakesAnObserverSleepingInAwaitRecords() throws Exception
    {
        final Thread observer = new Thread(() -> receiver.awaitRecords(TimeUnit.SECONDS.toNanos(30)));
        observer.start();
        Thread.sleep(100);
        final long start = System.nanoTime();
        receiver.close();
        observer.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(observer.isAlive(), "observer woke up");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertFalse(receiver.awaitRecords(TimeUnit.SECONDS.toNanos(1)), "closed receiver does not sleep");
    }

    @Test
    void drainedThroughStaysBeforeDatagramsQueuedBehindAFullRingAndReachesNowOnceTheyAreRead() throws Exception
    {
        final long beforeSend = System.nanoTime();
        // 64 fill the ring, 5 wait on the socket (its queue holds 10): the receiver stops reading
        assertExitsCleanly(send(beats(1, 69)));
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (ring.available() < ring.capacity() && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        final long afterSend = System.nanoTime();
        final long held = receiver.drainedThroughNanos();
        assertTrue(held < afterSend, "five datagrams queued before " + afterSend + " are unread: " + held);
        assertTrue(held > beforeSend, "the stamps of what was read moved it past the sender's start: " + held);

        assertEquals(69, collect(69).size());
        final long asked = System.nanoTime();
        long through = receiver.drainedThroughNanos();
        while (through < asked && System.nanoTime() < asked + WAIT_NANOS)
        {
            Thread.sleep(1); // the receiver's last batch may still be between read and publication
            through = receiver.drainedThroughNanos();
        }
        assertTrue(through >= asked, "all read: drained through the time asked " + asked + ", got " + through);
        assertEquals(69, receiver.datagramsRead());
        assertEquals(69, ring.datagramsRead());
    }

    @Test
    void oneReceiverReadsSeveralListenersAndTagsEachRecordWithItsListener() throws Exception
    {
        receiver.close();
        try (UdsListener second = UdsListener.bind(dir.resolve("second.sock"), 0600, 0))
        {
            receiver = Receiver.start(List.of(listener, second), ring);
            final Process toFirst = send(beats(1, 20));
            final Process toSecond = sendTo(Path.of(second.path().toString()), beats(101, 20));
            final List<int[]> seen = new ArrayList<>();
            final long deadline = System.nanoTime() + WAIT_NANOS;
            while (seen.size() < 40 && System.nanoTime() < deadline)
            {
                ring.drain(r -> seen.add(new int[] {r.listener(), (int)r.nonce(), r.origin(), r.transport(), r.kind()}),
                    64);
                receiver.awaitRecords(TimeUnit.MILLISECONDS.toNanos(200));
            }
            assertExitsCleanly(toFirst);
            assertExitsCleanly(toSecond);
            assertEquals(40, seen.size());
            for (final int[] r : seen)
            {
                assertEquals(r[1] > 100 ? 1 : 0, r[0], "listener index of nonce " + r[1]);
                assertEquals(RingDescriptor.ORIGIN_KERNEL_ATTESTED, r[2]);
                assertEquals(RingDescriptor.TRANSPORT_UDS, r[3]);
                assertEquals(RingDescriptor.KIND_BEAT, r[4]);
            }
            receiver.close(); // before the second listener closes
        }
    }

    private static String validFrameHex()
    {
        final byte[] frame = io.varta.vlp.Frame.encode(io.varta.vlp.Status.OK, 4242, 5, 1, 0);
        final StringBuilder hex = new StringBuilder();
        for (final byte b : frame)
        {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static long openDescriptors() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }
}
