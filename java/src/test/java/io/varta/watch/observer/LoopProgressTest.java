package io.varta.watch.observer;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.ingress.UdsListener;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's published progress: what the writer stores, what readers see, and a real loop publishing it. */
class LoopProgressTest
{
    @TempDir
    Path dir;

    @Test
    void theWriterPublishesStageEntryAndIterations()
    {
        final LoopProgress progress = new LoopProgress();
        assertEquals(LoopStage.STARTING, progress.stage());
        assertEquals(0, progress.iterations());

        final long before = System.nanoTime();
        final long started = progress.beginIteration();
        assertEquals(LoopStage.DRAIN, progress.stage());
        assertTrue(started >= before);
        assertTrue(progress.stageEnteredNanos() <= started && started - progress.stageEnteredNanos() < 16,
            "entry time kept to 16 ns");
        progress.enter(LoopStage.FLUSH);
        assertEquals(LoopStage.FLUSH, progress.stage());
        progress.endIteration(12_345);
        assertEquals(1, progress.iterations());
        assertEquals(12_345, progress.observerNanos());
        progress.enterSleep(1_000_000);
        assertEquals(LoopStage.SLEEP, progress.stage());
        progress.stopped();
        assertEquals(LoopStage.STOPPED, progress.stage());
        assertTrue(progress.nativeBlock().capacity() >= 64);
        assertTrue(progress.nativeBlock().isDirect() && progress.nativeBlock().isReadOnly());
    }

    @Test
    void stageLabelsAreUniqueAndFitTheStageBits()
    {
        for (final LoopStage stage : LoopStage.values())
        {
            assertEquals(stage, LoopStage.byLabel(stage.label()));
            assertTrue(stage.code() < 16);
        }
        assertThrows(IllegalArgumentException.class, () -> LoopStage.byLabel("nap"));
        assertThrows(IllegalArgumentException.class, () -> LoopWedge.arm("nap", 1));
    }

    @Test
    void anArmedWedgeHoldsTheLoopInItsStageOnceForAtLeastItsTime()
    {
        final LoopProgress progress = new LoopProgress();
        progress.beginIteration();
        LoopWedge.arm("publish", 30);
        progress.enter(LoopStage.STALL_CHECK); // another stage: not held
        final long before = System.nanoTime();
        progress.enter(LoopStage.PUBLISH);
        final long held = System.nanoTime() - before;
        assertTrue(held >= TimeUnit.MILLISECONDS.toNanos(30), "held " + held + " ns");
        assertEquals(LoopStage.PUBLISH, progress.stage(), "published before the hold");
        assertEquals(null, LoopWedge.armedStage(), "one shot");
    }

    @Test
    void aRunningLoopCompletesIterationsSleepsWhenIdleAndEndsStopped() throws Exception
    {
        final Observer observer = Observer.start(TrackingConfig.builder(50).build(), new ObserverEvents()
        {
        }, () ->
        {
        }, UdsListener.bind(dir.resolve("obs.sock"), UdsListener.DEFAULT_SOCKET_MODE, 0));
        final LoopProgress progress = observer.progress();
        try
        {
            awaitTrue(() -> progress.iterations() >= 1, "a first iteration");
            final long before = progress.iterations();
            Sender.send(dir.resolve("obs.sock"), "beat:ok:1");
            awaitTrue(() -> progress.iterations() > before, "the beat's iteration");
            awaitTrue(() -> LoopStage.SLEEP == progress.stage(), "asleep while idle");
            assertTrue(progress.observerNanos() > 0);
        }
        finally
        {
            observer.close();
        }
        assertEquals(LoopStage.STOPPED, progress.stage());
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "never saw " + what);
            Thread.sleep(5);
        }
    }
}
