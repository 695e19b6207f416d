package io.varta.watch.metrics;

/**
 * Which per-pid rows ({@code varta_beats_total}, {@code varta_stalls_total}, {@code varta_status}) a body
 * carries. Every other family is in every body.
 *
 * <p>Immutable; any thread.
 */
public enum PidRows
{
    /**
     * A row per tracked pid up to {@code --prom-pid-series-max} pids: stalled pids first, most recent stall
     * first, then others in tracker slot order. The default of {@code GET /metrics}.
     */
    UP_TO_CAP,
    /** No per-pid rows ({@code GET /metrics?pids=0}): the aggregates only; the observer thread copies nothing. */
    NONE
}
