#!/usr/bin/env bash
# Memory: the observer's RSS idle and after N new pids each beat once, for each N of PIDS. Every new pid is a
# real process (native/tools/pid_storm.c: fork, one beat from its own pid, alive HOLD_MS so that the observer
# reads its /proc identity, exit), so the observer does exactly what it does for a new agent. Each N gets a
# fresh observer with --tracker-capacity N (the launcher sizes the heap from it), --global-beat-rate 0 (the
# default 5,000 beats/s for all pids together would refuse part of a storm faster than that) and the default
# flags otherwise; RSS (VmRSS, with RssAnon and RssFile) is read IDLE_S seconds after the socket is bound, and again
# once every beat is accounted for and the stalls that follow (threshold 2 s) are raised.
#
# Build first: mvn -B -ntp -DskipTests package     Run (root): bench/memory.sh
# Environment (defaults): PIDS="100000 1000000" HOLD_MS=5 CONCURRENCY=128 IDLE_S=5
#   OBSERVER=bin/varta-watch  COMPARE=   (a second launcher, measured right after the first for each N)
# Root is needed to raise /proc/sys/kernel/pid_max (to 4194304) for the run, so that N forks get N distinct
# pids; it is put back afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PIDS="${PIDS:-100000 1000000}"
HOLD_MS="${HOLD_MS:-5}"
CONCURRENCY="${CONCURRENCY:-128}"
IDLE_S="${IDLE_S:-5}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
COMPARE="${COMPARE:-}"
storm="$root/java/target/native-build/tools/pid-storm"
[[ -x "$storm" ]] || { echo "memory.sh: build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }
((EUID == 0)) || { echo "memory.sh: needs root (kernel.pid_max)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/varta-memory.XXXXXX")"
pid_max_before="$(cat /proc/sys/kernel/pid_max)"
observer_pid=""
cleanup() {
  [[ -z "$observer_pid" ]] || { kill -KILL "$observer_pid" 2>/dev/null || true; wait "$observer_pid" 2>/dev/null || true; }
  echo "$pid_max_before" >/proc/sys/kernel/pid_max
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo 4194304 >/proc/sys/kernel/pid_max

rss() { awk '/^VmRSS|^RssAnon|^RssFile/ { printf "%s%d ", $1, $2 / 1024 }' "/proc/$1/status"; }

observers=("$OBSERVER")
[[ -z "$COMPARE" ]] || observers+=("$COMPARE")
echo "memory: RSS in MiB; load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -n 1)"
# Idle with every default (--tracker-capacity 256; --threshold-ms is required), no traffic.
for obs in "${observers[@]}"; do
  rm -f "$work"/*
  "$obs" --socket "$work/s.sock" --threshold-ms 2000 2>"$work/err" &
  observer_pid=$!
  for _ in $(seq 600); do [[ -S "$work/s.sock" ]] && break; sleep 0.05; done
  sleep "$IDLE_S"
  echo "default flags, idle: $(rss "$observer_pid") $obs"
  kill -TERM "$observer_pid"
  wait "$observer_pid" || true
  observer_pid=""
done
for n in $PIDS; do
  for obs in "${observers[@]}"; do
    rm -f "$work"/*
    "$obs" --socket "$work/s.sock" --threshold-ms 2000 --tracker-capacity "$n" --global-beat-rate 0 2>"$work/err" &
    observer_pid=$!
    for _ in $(seq 600); do [[ -S "$work/s.sock" ]] && break; sleep 0.05; done
    [[ -S "$work/s.sock" ]] || { cat "$work/err" >&2; echo "memory.sh: observer did not bind" >&2; exit 1; }
    sleep "$IDLE_S"
    idle="$(rss "$observer_pid")"
    line="$("$storm" --socket "$work/s.sock" --processes "$n" --hold-ms "$HOLD_MS" --concurrency "$CONCURRENCY")"
    sleep 3 # the last beats' stalls (2 s threshold) are raised
    after="$(rss "$observer_pid")"
    kill -TERM "$observer_pid"
    wait "$observer_pid" || true
    observer_pid=""
    summary="$(grep 'ingest:' "$work/err" | tail -n 1)"
    echo "N=$n $obs"
    echo "  idle:        $idle"
    echo "  after storm: $after  ($line)"
    echo "  ${summary#varta-watch: }"
  done
done
