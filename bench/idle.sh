#!/usr/bin/env bash
# Idle cost: the observer's CPU while AGENTS agents beat at 1 Hz for DURATION seconds,
# with the default flags an operator would use (export file on, default rate limits). Two figures:
#   steady state: the run time of all the observer's threads (/proc/PID/task/*/schedstat, ns) over the last
#     DURATION seconds of the traffic (JVM start-up and the first WARMUP s of traffic, when the JIT
#     compiles, are excluded), as a percentage of one core;
#   whole lifetime: utime + stime of the process (/proc/PID/stat, clock ticks) from exec to the end of the
#     traffic, over that wall time: start-up included, as the reference observer measures its idle cost
#     (WARMUP=5 DURATION=30 gives its 35 s).
#
# Build first: mvn -B -ntp -DskipTests package     Run: bench/idle.sh
# Environment (defaults): AGENTS=50 DURATION=30 (seconds) WARMUP=10 (seconds) THRESHOLD_MS=5000
#   OBSERVER=bin/varta-watch (another build's launcher, for a before/after)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGENTS="${AGENTS:-50}"
SECONDS_RUN="${DURATION:-30}"
THRESHOLD_MS="${THRESHOLD_MS:-5000}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
loadgen="$root/java/target/native-build/tools/vlp-loadgen"
[[ -x "$loadgen" ]] || { echo "idle.sh: build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/varta-idle.XXXXXX")"
observer_pid=""
cleanup() {
  [[ -n "$observer_pid" ]] && kill -TERM "$observer_pid" 2>/dev/null && wait "$observer_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

exec_ns="$(date +%s%N)"
"$OBSERVER" --socket "$work/idle.sock" --threshold-ms "$THRESHOLD_MS" \
  --export-file "$work/export.tsv" 2>"$work/observer.err" &
observer_pid=$!
for _ in $(seq 300); do [[ -S "$work/idle.sock" ]] && break; sleep 0.1; done
[[ -S "$work/idle.sock" ]] || { echo "idle.sh: observer did not bind" >&2; cat "$work/observer.err" >&2; exit 1; }
WARMUP="${WARMUP:-10}" # seconds of the same traffic before measuring: JIT compilation of the beat path happens here

ticks() { awk '{print $14 + $15}' "/proc/$observer_pid/stat"; }
run_ns() { cat /proc/"$observer_pid"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
hz="$(getconf CLK_TCK)"
"$loadgen" --socket "$work/idle.sock" --senders "$AGENTS" --frames-per-sender "$((SECONDS_RUN + WARMUP))" \
  --rate-per-sender 1 --batch 1 >/dev/null &
loadgen_pid=$!
sleep "$WARMUP"
start_run="$(run_ns)"
start_ns="$(date +%s%N)"
wait "$loadgen_pid"
end_ns="$(date +%s%N)"
end_run="$(run_ns)"
end_ticks="$(ticks)"
kill -TERM "$observer_pid"; wait "$observer_pid" || true; observer_pid=""

beats="$(grep -c $'\tbeat\t' "$work/export.tsv" || true)"
awk -v r0="$start_run" -v r1="$end_run" -v t1="$end_ticks" -v hz="$hz" -v e0="$exec_ns" -v n0="$start_ns" \
    -v n1="$end_ns" -v agents="$AGENTS" -v secs="$SECONDS_RUN" -v beats="$beats" 'BEGIN {
  cpu = (r1 - r0) / 1e9; wall = (n1 - n0) / 1e9;
  printf "idle: %d agents x 1 Hz, measured over the last %d s: %d beat lines in total, observer CPU %.3f s over %.1f s wall = %.3f %% of one core\n",
    agents, secs, beats, cpu, wall, 100 * cpu / wall
  life = t1 / hz; lwall = (n1 - e0) / 1e9;
  printf "idle: whole lifetime (exec to end, start-up included): %.2f s CPU over %.1f s = %.3f %% of one core\n",
    life, lwall, 100 * life / lwall }'
grep 'ingest:' "$work/observer.err" || true
