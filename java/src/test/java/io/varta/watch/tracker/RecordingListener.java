package io.varta.watch.tracker;

import java.util.ArrayList;
import java.util.List;

/** Test listener that records events as strings. Test thread only. */
final class RecordingListener implements TrackerListener
{
    final List<String> events = new ArrayList<>();
    final List<Long> stallPids = new ArrayList<>();

    @Override
    public void onStall(final int slot, final long pid, final long lastNonce, final long lastBeatNanos,
        final long nowNanos, final boolean agentResumed)
    {
        stallPids.add(pid);
        events.add("stall " + pid + " nonce=" + Long.toUnsignedString(lastNonce) + " last=" + lastBeatNanos
            + " now=" + nowNanos + (agentResumed ? " found by the next beat" : ""));
    }

    @Override
    public void onEviction(final long pid)
    {
        events.add("eviction " + pid);
    }

    @Override
    public void onPidRecycled(final long pid, final boolean retired)
    {
        events.add("recycled " + pid + (retired ? " retired" : " reset"));
    }
}
