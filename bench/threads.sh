#!/usr/bin/env bash
# Where the observer's CPU goes, thread by thread: under a paced load (SENDERS vlp-loadgen senders at RATE
# frames/s each, FRAMES each), the run time of every thread of the observer process (/proc/PID/task/*/schedstat)
# and its context switches (voluntary = it slept, involuntary = it was preempted), per frame and per 1,000 frames.
# WARM=N first sends N frames per sender and waits past the stall threshold, twice, so the measured load meets
# compiled code (the JIT's own CPU then mostly drops out): after one round the compiled loop has never seen a new pid
# (the round's senders were introduced at its start), so the measured load's new senders deoptimise it and the JIT
# recompiles the hot path inside the measured window; the second round takes that recompilation. Also the raw recvmmsg drain (native/tools/raw_drain.c) under the
# same load, as the yardstick, once as is and once with the kernel stamping every datagram (SO_TIMESTAMPNS, as the
# observer asks): the difference is what the per-datagram arrival times cost. COMPARE runs a second observer build
# after the first, REPEATS times alternating.
#
# Build first: mvn -B -ntp -DskipTests package     Run: bench/threads.sh
# Environment (defaults): RATE=40000 FRAMES=250000 SENDERS=4 WARM=0 REPEATS=1 OBSERVER=bin/varta-watch COMPARE=
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE="${RATE:-40000}"
FRAMES="${FRAMES:-250000}"
SENDERS="${SENDERS:-4}"
WARM="${WARM:-0}"
REPEATS="${REPEATS:-1}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
COMPARE="${COMPARE:-}"
tools="$root/java/target/native-build/tools"
[[ -x "$tools/vlp-loadgen" && -x "$tools/raw-drain" ]] || { echo "threads.sh: build first" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/varta-threads.XXXXXX")"
started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
total=$((SENDERS * FRAMES))
load() { "$tools/vlp-loadgen" --socket "$work/s.sock" --senders "$SENDERS" --frames-per-sender "$1" --batch 64 \
  --rate-per-sender "$RATE" >/dev/null; }
# snap PID: "tid name run_ns voluntary involuntary" per thread
snap() {
  local t
  for t in /proc/"$1"/task/*; do
    echo "${t##*/} $(tr ' ' '_' <"$t/comm") $(cut -d' ' -f1 "$t/schedstat")" \
      "$(awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' "$t/status")"
  done 2>/dev/null | sort
}

observer_run() {
  local obs="$1" pid
  rm -f "$work"/s.sock "$work"/err
  "$obs" --socket "$work/s.sock" --threshold-ms 1000 --max-beat-rate 0 --global-beat-rate 0 \
    --tracker-capacity 1024 2>"$work/err" &
  pid=$!
  started+=("$pid")
  for _ in $(seq 300); do [[ -S "$work/s.sock" ]] && break; sleep 0.02; done
  sleep 0.5
  if ((WARM > 0)); then load "$WARM"; sleep 1.5; load "$WARM"; sleep 1.5; fi
  snap "$pid" >"$work/a"
  load "$FRAMES"
  sleep 0.3
  snap "$pid" >"$work/b"
  kill -TERM "$pid"
  wait "$pid" || true
  join "$work/a" "$work/b" | awk -v n="$total" -v who="$obs" '
    { run = $7 - $3; vol = $8 - $4; inv = $9 - $5; if (run <= 0) next; total += run
      if ($2 ~ /Compiler/) { jit += run; next }
      if ($2 == "varta-recv" || $2 == "varta-observer") {
        printf "  %-15s %8.0f ns/frame  %7.2f sleeps, %7.2f preemptions per 1,000 frames\n", $2, run / n,
          1000 * vol / n, 1000 * inv / n; next }
      other += run }
    END { printf "  %-15s %8.0f ns/frame\n  %-15s %8.0f ns/frame\n  %-15s %8.0f ns/frame  (%s)\n", "JIT compilers",
          jit / n, "other threads", other / n, "all threads", total / n, who }'
}

# raw_run TIMESTAMPS: the raw drain under the same load; TIMESTAMPS=1 also has the kernel stamp every datagram
# (SO_TIMESTAMPNS, as the observer's sockets do), so the difference between the two rows is the stamp's cost.
raw_run() {
  local pid r0 r1 v0 v1 i0 i1 label=raw-drain
  ((${1:-0})) && label=raw-drain+stamps
  rm -f "$work"/s.sock "$work"/drain.out
  "$tools/raw-drain" --socket "$work/s.sock" --expect "$total" --mode recvmmsg --passcred 1 --timestamps "${1:-0}" \
    --timeout-ms 120000 \
    >"$work/drain.out" 2>/dev/null &
  pid=$!
  started+=("$pid")
  for _ in $(seq 300); do grep -qs ready "$work/drain.out" && break; sleep 0.02; done
  read -r r0 _ <"/proc/$pid/schedstat"
  read -r v0 i0 < <(awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' "/proc/$pid/status")
  load "$FRAMES" &
  local lg=$!
  while kill -0 "$pid" 2>/dev/null; do # sample until it exits (it exits at the last frame)
    read -r r1 _ <"/proc/$pid/schedstat" 2>/dev/null || break
    read -r v1 i1 < <(awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' \
      "/proc/$pid/status" 2>/dev/null) || break
    sleep 0.05
  done
  wait "$lg"
  wait "$pid" || true
  awk -v n="$total" -v r=$((r1 - r0)) -v v=$((v1 - v0)) -v i=$((i1 - i0)) -v label="$label" 'BEGIN {
    printf "  %-15s %8.0f ns/frame  %7.2f sleeps, %7.2f preemptions per 1,000 frames\n", label, r / n,
      1000 * v / n, 1000 * i / n }'
}

echo "threads: $SENDERS senders x $FRAMES frames paced to $RATE frames/s each$( ((WARM > 0)) && echo ", after $WARM warm-up frames each");" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= REPEATS; r++)); do
  echo "run $r"
  raw_run 0
  raw_run 1
  observer_run "$OBSERVER"
  [[ -z "$COMPARE" ]] || observer_run "$COMPARE"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
