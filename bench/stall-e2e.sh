#!/usr/bin/env bash
# End-to-end stall lateness with real senders through the whole observer (socket, native receiver and its
# wake-up batching, ring, loop), optionally while a flood keeps the receiver busy: STALLERS real processes
# (varta-send) each beat three times 20 ms apart, started STAGGER_MS apart, then exit; each one's stall is late by
#   (observer time of its stall line) - (observer time of its last beat line) - THRESHOLD_MS,
# both read from the export file. With FLOOD_RATE > 0, 4 vlp-loadgen senders beat that many frames/s each for
# the whole run (rate limits off, so every flood frame goes through the tracker). Prints p50/p99/max per
# observer; COMPARE runs a second launcher right after the first, REPEATS times alternating.
#
# As root it raises kernel.pid_max to 4194304 for the run (and puts it back): on a busy host with the default
# 32768, pids wrap within seconds, and a staller's pid reused by another process is rightly retired instead of
# stalling (it then shows as a missing stall).
#
# Build first: mvn -B -ntp -DskipTests package     Run: bench/stall-e2e.sh
# Environment (defaults): STALLERS=200 STAGGER_MS=10 THRESHOLD_MS=200 FLOOD_RATE=40000 REPEATS=3
#   OBSERVER=bin/varta-watch COMPARE=
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STALLERS="${STALLERS:-200}"
STAGGER_MS="${STAGGER_MS:-10}"
THRESHOLD_MS="${THRESHOLD_MS:-200}"
FLOOD_RATE="${FLOOD_RATE:-40000}"
REPEATS="${REPEATS:-3}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
COMPARE="${COMPARE:-}"
tools="$root/java/target/native-build/tools"
[[ -x "$tools/varta-send" && -x "$tools/vlp-loadgen" ]] || { echo "stall-e2e.sh: build first" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/varta-stall-e2e.XXXXXX")"
started=()
pid_max_before="$(cat /proc/sys/kernel/pid_max)"
cleanup() {
  local pid
  for pid in "${started[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ((EUID != 0)) || echo "$pid_max_before" >/proc/sys/kernel/pid_max
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
((EUID != 0)) || echo 4194304 >/proc/sys/kernel/pid_max

run() {
  local obs="$1" sock="$work/s.sock" export_file="$work/export.tsv" observer flood="" pids=() i
  rm -f "$work"/*
  "$obs" --socket "$sock" --threshold-ms "$THRESHOLD_MS" --export-file "$export_file" --max-beat-rate 0 \
    --global-beat-rate 0 --tracker-capacity 4096 2>"$work/err" &
  observer=$!
  started+=("$observer")
  for _ in $(seq 300); do [[ -S "$sock" ]] && break; sleep 0.02; done
  [[ -S "$sock" ]] || { cat "$work/err" >&2; echo "stall-e2e.sh: observer did not bind" >&2; exit 1; }
  if ((FLOOD_RATE > 0)); then
    "$tools/vlp-loadgen" --socket "$sock" --senders 4 --frames-per-sender $((FLOOD_RATE * 600)) \
      --rate-per-sender "$FLOOD_RATE" >/dev/null 2>&1 &
    flood=$!
    started+=("$flood")
    sleep 1 # the flood is running (and the JIT has the beat path) before the first staller
  fi
  for ((i = 0; i < STALLERS; i++)); do
    "$tools/varta-send" "$sock" beat:ok:1 sleep:20 beat:ok:2 sleep:20 beat:ok:3 >/dev/null 2>&1 &
    pids+=($!)
    sleep "$(awk -v ms="$STAGGER_MS" 'BEGIN { print ms / 1000 }')"
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  sleep "$(awk -v ms="$THRESHOLD_MS" 'BEGIN { print ms / 1000 + 0.5 }')"
  [[ -z "$flood" ]] || { kill -TERM "$flood" 2>/dev/null || true; wait "$flood" 2>/dev/null || true; }
  kill -TERM "$observer"
  wait "$observer" || true
  printf '%s\n' "${pids[@]}" >"$work/pids"
  awk -F'\t' -v t="$THRESHOLD_MS" 'NR == FNR { ours[$1] = 1; next }
    ($3 in ours) && $2 == "beat" { last[$3] = $1 }
    ($3 in ours) && $2 == "stall" { printf "%.0f\n", ($1 - last[$3]) / 1e3 - t * 1e3 }' "$work/pids" "$export_file" |
    sort -n | awk '{ v[NR] = $1 } END {
      p99 = int(NR * 0.99) + 1; if (p99 > NR) p99 = NR
      printf "stalls %d: lateness p50 %d us, p99 %d us, max %d us\n", NR, v[int(NR * 0.5) + 1], v[p99], v[NR] }'
}

echo "stall-e2e: $STALLERS real senders stall ${STAGGER_MS} ms apart, threshold $THRESHOLD_MS ms, flood" \
  "$((FLOOD_RATE * 4)) frames/s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= REPEATS; r++)); do
  echo "run $r $OBSERVER: $(run "$OBSERVER")"
  [[ -z "$COMPARE" ]] || echo "run $r $COMPARE: $(run "$COMPARE")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
