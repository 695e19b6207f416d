package io.varta.watch.observer;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;
import io.varta.watch.nativeio.RecordDraft;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingWriter;
import io.varta.watch.tracker.ObserverClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verdicts must not depend on how late the observer's own threads are. The loop runs one iteration at a time on
 * a ring filled with {@link RingWriter} (the records the native receiver would write, with the arrival times it
 * would stamp), with time and the receiver's drained-through watermark as inputs.
 */
class ObserverLoopVerdictTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Our own pid: the loop reads /proc for a kernel-attested pid it sees first, so it must be a live process. */
    private static final long PID = ProcessHandle.current().pid();

    private final AtomicLong time = new AtomicLong(1_000 * MS);
    private final AtomicLong drainedThrough = new AtomicLong();
    private final List<Stall> stalls = new ArrayList<>();
    private final IngestCounters counters = new IngestCounters();
    private final Ring ring = new Ring(1024);
    private final RingWriter writer = new RingWriter(ring);

    private ObserverLoop loop(final TrackingConfig config)
    {
        final ObserverEvents events = new ObserverEvents()
        {
            @Override
            public void onStall(final Stall stall)
            {
                stalls.add(stall);
            }
        };
        return new ObserverLoop(config, ring, timeout -> ring.available() > 0, drainedThrough::get, events, counters,
            new ObserverClock(time::get), 0, new String[] {"test"}, time::get);
    }

    private void beat(final long nonce, final long arrivedAt)
    {
        assertTrue(writer.write(RecordDraft.beat(PID, nonce).recvNanos(arrivedAt)));
        writer.publish();
    }

    @Test
    void beatsThatArrivedOnTimeAreJudgedByTheirArrivalNotByWhenTheLoopGotToThem()
    {
        final ObserverLoop loop = loop(TrackingConfig.builder(60_000).rateLimits(100, 0, 0).build());
        final long start = time.get();
        for (int i = 0; i < 100; i++)
        {
            beat(i + 1, start + i * 20 * MS); // 50 beats/s, well inside --max-beat-rate 100
        }
        time.set(start + 2_500 * MS); // the observer thread got to them late, all in one batch
        drainedThrough.set(time.get());
        loop.iterate();
        assertEquals(100, counters.get(IngestCounter.BEATS));
        assertEquals(0, counters.get(IngestCounter.RATE_LIMITED_PER_PID));
    }

    @Test
    void noStallIsDeclaredWhileDatagramsQueuedBeforeTheDeadlineAreUnread()
    {
        final ObserverLoop loop = loop(TrackingConfig.builder(100).rateLimits(0, 0, 0).build());
        final long start = time.get();
        beat(1, start);
        drainedThrough.set(start);
        loop.iterate();

        // 150 ms later: past the 100 ms deadline, but the receiver has read only what was queued until +50 ms
        time.set(start + 150 * MS);
        drainedThrough.set(start + 50 * MS);
        loop.iterate();
        assertEquals(List.of(), stalls, "a lagging receiver must delay the verdict, not invent it");

        // it catches up: a beat that arrived at +90 ms was waiting in the socket all along
        beat(2, start + 90 * MS);
        drainedThrough.set(time.get());
        loop.iterate();
        assertEquals(List.of(), stalls);
        assertEquals(2, counters.get(IngestCounter.BEATS));

        // real silence after +90 ms: the stall comes once the receiver has read past +190 ms
        time.set(start + 300 * MS);
        drainedThrough.set(time.get());
        loop.iterate();
        assertEquals(1, stalls.size());
        assertEquals(PID, stalls.get(0).pid());
        // observer time counts from the loop's start: the silence began at the last arrival, +90 ms
        assertEquals(90 * MS, stalls.get(0).lastBeatNanos(), "the silence began at the last arrival");
    }
}
