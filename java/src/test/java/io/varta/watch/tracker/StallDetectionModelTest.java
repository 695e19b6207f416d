package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Drives the tracker with random beats, out-of-order frames and polls, and checks every poll against a
 * brute-force scan of all pids (the O(n) rule the timer must reproduce in O(due)).
 */
class StallDetectionModelTest
{
    private static final long MS = 1_000_000L;
    private static final long THRESHOLD = 20 * MS;

    private static final class ModelPid
    {
        long lastBeat;
        long nonce;
        boolean stalled;
    }

    @Test
    void stallsMatchABruteForceScanOfEveryPid()
    {
        final Random random = new Random(1234);
        final RecordingListener listener = new RecordingListener();
        final Tracker tracker = new Tracker(200, THRESHOLD, EvictionPolicy.STRICT, 16, listener);
        final Map<Long, ModelPid> model = new HashMap<>();
        long now = 0;
        for (int step = 0; step < 50_000; step++)
        {
            now += random.nextInt(3) == 0 ? random.nextInt((int)(3 * MS)) : 0;
            final int action = random.nextInt(10);
            if (action < 7)
            {
                final long pid = 2 + random.nextInt(150);
                final ModelPid m = model.computeIfAbsent(pid, p -> new ModelPid());
                final boolean stale = m.nonce > 0 && random.nextInt(5) == 0;
                final long nonce = stale ? m.nonce - random.nextInt((int)m.nonce) : m.nonce + 1;
                final int outcome = tracker.beat(pid, 0, now, nonce, now);
                if (stale)
                {
                    assertEquals(BeatOutcome.OUT_OF_ORDER, outcome);
                }
                else
                {
                    assertEquals(BeatOutcome.ACCEPTED, outcome);
                    m.nonce = nonce;
                    m.lastBeat = now;
                    m.stalled = false;
                }
            }
            else
            {
                final TreeSet<Long> expected = new TreeSet<>();
                for (final Map.Entry<Long, ModelPid> e : model.entrySet())
                {
                    final ModelPid m = e.getValue();
                    if (!m.stalled && now - m.lastBeat >= THRESHOLD)
                    {
                        m.stalled = true;
                        expected.add(e.getKey());
                    }
                }
                listener.stallPids.clear();
                assertEquals(expected.size(), tracker.pollStalls(now));
                assertEquals(expected, new TreeSet<>(listener.stallPids), "step " + step);
                long earliest = Long.MAX_VALUE;
                for (final ModelPid m : model.values())
                {
                    if (!m.stalled)
                    {
                        earliest = Math.min(earliest, m.lastBeat + THRESHOLD);
                    }
                }
                assertEquals(earliest, tracker.nextDeadlineNanos(), "step " + step);
            }
        }
    }
}
