package io.varta.watch.observer;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;
import io.varta.watch.ingress.UdsListener;

import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embeddable {@link Observer}: real socket, real sender process, events on the observer thread. */
class ObserverTest
{
    @TempDir
    Path dir;

    @Test
    void beatsAndStallsReachTheSinkAndCloseUnlinksTheSocket() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final CountDownLatch stalled = new CountDownLatch(1);
        final long[] beatPid = new long[1];
        final ObserverEvents events = new ObserverEvents()
        {
            @Override
            public void onBeat(final long nowNanos, final long pid, final long nonce, final int status,
                final long payload)
            {
                beatPid[0] = pid;
            }

            @Override
            public void onStall(final Stall stall)
            {
                stalled.countDown();
            }
        };
        final Observer observer = Observer.start(TrackingConfig.builder(50).build(), events, () ->
        {
        }, UdsListener.bind(socket, UdsListener.DEFAULT_SOCKET_MODE, 0));
        try
        {
            final long sender = Sender.send(socket, "beat:ok:1");
            assertTrue(stalled.await(10, TimeUnit.SECONDS), "a stall must follow the silence");
            assertEquals(sender, beatPid[0]);
            assertEquals(1, observer.counters().get(IngestCounter.BEATS));
            assertEquals(1, observer.counters().get(IngestCounter.STALLS));
        }
        finally
        {
            observer.close();
        }
        assertFalse(Files.exists(socket));
    }

    @Test
    void aFailingSinkStopsTheObserverLoudlyInsteadOfSilently() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final CountDownLatch selfStopped = new CountDownLatch(1);
        final ObserverEvents failing = new ObserverEvents()
        {
            @Override
            public void onBeat(final long nowNanos, final long pid, final long nonce, final int status,
                final long payload)
            {
                throw new IllegalStateException("sink broke");
            }
        };
        final Observer observer = Observer.start(TrackingConfig.builder(1000).build(), failing,
            selfStopped::countDown, UdsListener.bind(socket, UdsListener.DEFAULT_SOCKET_MODE, 0));
        try
        {
            Sender.send(socket, "beat:ok:1");
            assertTrue(selfStopped.await(10, TimeUnit.SECONDS), "the owner must be told");
            assertNotNull(observer.fatalError());
            assertTrue(observer.fatalError().contains("sink broke"), observer.fatalError());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (observer.isRunning() && System.nanoTime() < deadline)
            {
                Thread.sleep(5); // onSelfStop runs on the observer thread just before it ends
            }
            assertFalse(observer.isRunning());
        }
        finally
        {
            observer.close();
        }
    }
}
