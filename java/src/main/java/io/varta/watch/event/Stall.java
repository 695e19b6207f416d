package io.varta.watch.event;

/**
 * One stall verdict: a tracked pid was silent for at least the threshold. Carries what a sink acting on the
 * verdict needs (recovery gates on the origin and the namespace, debounces per process lineage), not only
 * what the export line prints.
 *
 * <pre>{@code
 * public void onStall(Stall stall) {
 *     exporter.stall(stall.stallNanos(), stall.pid(), stall.lastNonce());
 * }
 * }</pre>
 *
 * @param stallNanos     observer time of the verdict
 * @param pid            unsigned 32-bit pid
 * @param lastNonce      last observed nonce (the terminal value 2^64−1 if the last accepted frame was terminal)
 * @param lastBeatNanos  observer time of the last accepted beat (the silence began then)
 * @param origin         the trust origin pinned in the pid's slot, a {@code tracker.BeatOrigin} rank:
 *                       0 network unverified, 1 socket mode only, 2 operator-attested transport (UDP with the
 *                       listener's accept flag), 3 kernel attested (UDS with kernel credentials)
 * @param startTime      pinned process start time (/proc stat field 22, clock ticks since boot): the process
 *                       lineage; negative when unknown (remote agents)
 * @param nsInode        pinned pid-namespace inode; negative when unknown
 * @param crossNamespace true when the pinned namespace differs from the observer's own
 * @param agentResumed   true when the stall was found by the pid's next beat (the observer lagged past the
 *                       deadline): the silence was real and is reported, and the agent is beating again, so
 *                       recovery skips it as it skips a held-over stall whose agent resumed
 *
 * <p>Immutable; any thread.
 */
public record Stall(long stallNanos, long pid, long lastNonce, long lastBeatNanos, int origin, long startTime,
    long nsInode, boolean crossNamespace, boolean agentResumed)
{
}
