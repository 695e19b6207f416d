package io.varta.client;

import io.varta.vlp.Frame;
import io.varta.vlp.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heartbeat thread beats while the check passes, skips while it fails (or throws) and resumes after; beats arrive
 * at a real socket. Waits are for counts, never for durations ({@code @Timeout} only guards against a hang).
 */
@Timeout(60)
class HeartbeatTest
{
    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        while (!condition.getAsBoolean())
        {
            Thread.sleep(2);
        }
    }

    @Test
    void beatsWhileHealthyStopsWhileNotAndResumes() throws Exception
    {
        final AtomicBoolean healthy = new AtomicBoolean(true);
        final AtomicBoolean throwing = new AtomicBoolean(false);
        try (UdpReceiver receiver = new UdpReceiver(); VartaClient client = VartaClient.connectUdp(receiver.address()))
        {
            final Heartbeat heartbeat = Heartbeat.start(client, Duration.ofMillis(5), () ->
            {
                if (throwing.get())
                {
                    throw new IllegalStateException("the check itself broke");
                }
                return healthy.get();
            });
            await(() -> heartbeat.beats() >= 3);
            assertSame(BeatOutcome.SENT, heartbeat.lastOutcome());
            final Frame frame = new Frame();
            assertNull(Frame.decode(receiver.receive(), frame));
            assertEquals(Status.OK.code(), frame.statusCode());
            assertEquals(ProcessHandle.current().pid(), frame.pid());

            healthy.set(false);
            final long skippedBefore = heartbeat.skipped();
            await(() -> heartbeat.skipped() >= skippedBefore + 1);
            final long beatsWhileSick = heartbeat.beats();
            await(() -> heartbeat.skipped() >= skippedBefore + 5);
            assertEquals(beatsWhileSick, heartbeat.beats(), "no beat while the check fails");

            healthy.set(true);
            throwing.set(true);
            final long skippedThrowing = heartbeat.skipped();
            await(() -> heartbeat.skipped() >= skippedThrowing + 3);
            assertEquals(beatsWhileSick, heartbeat.beats(), "a throwing check counts as failing");

            throwing.set(false);
            await(() -> heartbeat.beats() >= beatsWhileSick + 3);
            assertTrue(heartbeat.isRunning());
            heartbeat.close();
            assertFalse(heartbeat.isRunning());
            final long afterClose = heartbeat.beats();
            heartbeat.close();
            assertEquals(afterClose, heartbeat.beats());
        }
    }
}
