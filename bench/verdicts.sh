#!/usr/bin/env bash
# Verdict harness: does the observer keep its promises when its own threads are starved or the socket is
# flooded with garbage? Real senders beat at a fixed spacing far inside the threshold, so every beat they send
# must be accepted and no stall may be declared while they beat.
#
# Scenarios (each a fresh observer, the same senders):
#   calm        nothing else happens (the control)
#   observer    the Java observer thread (varta-observer) is frozen: pinned alone to the last CPU, where a
#               SCHED_FIFO busy loop runs in periods of STARVE_MS on / RELIEF_MS off (every other thread of
#               the observer, and the senders, run on the other CPUs)
#   receiver    the native receiver thread (varta-recv) is frozen the same way
#   garbage     one process floods the socket with bad-CRC frames (vlp-loadgen --corrupt crc) at FLOOD_RATE/s
#
# For each it prints: beats sent, beats accepted, beats lost inside the observer (sent - accepted), the
# rate-limited ones among them, false stalls (a stall line for a sender before its last beat line), and the
# shutdown line's read / datagrams / accounted (equal when nothing read was lost). Exit 1 if any scenario
# lost a beat, raised a false stall or left read != datagrams != accounted.
#
# Build first, from the repo root:  mvn -B -ntp -DskipTests package
# Run:                              bench/verdicts.sh                  (root is needed for SCHED_IDLE on
#                                                                      another process's thread and qlen)
# Environment (defaults): SENDERS=20 BEATS=150 SPACING_MS=20 THRESHOLD_MS=200 STARVE_MS=400 RELIEF_MS=200
#   FLOOD_RATE=50000 SCENARIOS="calm observer receiver garbage"
#   OBSERVER=bin/varta-watch (point it at another build to compare) TOOLS_DIR=java/target/native-build/tools
#   KEEP=1 keeps each scenario's export file and logs
#
# A starved receiver leaves datagrams in the socket queue; once net.unix.max_dgram_qlen of them wait,
# blocking senders block and their beats arrive late: then the silence is real as far as the kernel can
# tell. The harness raises the limit to 4096 for its run (root) so the queue holds a whole starvation period
# (SENDERS x STARVE_MS / SPACING_MS datagrams), and puts it back afterwards.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SENDERS="${SENDERS:-20}"
BEATS="${BEATS:-150}"
SPACING_MS="${SPACING_MS:-20}"
THRESHOLD_MS="${THRESHOLD_MS:-200}"
STARVE_MS="${STARVE_MS:-400}"
RELIEF_MS="${RELIEF_MS:-200}"
FLOOD_RATE="${FLOOD_RATE:-50000}"
SCENARIOS="${SCENARIOS:-calm observer receiver garbage}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
TOOLS_DIR="${TOOLS_DIR:-$root/java/target/native-build/tools}"

die() {
  echo "verdicts.sh: $*" >&2
  exit 1
}

for var in SENDERS BEATS SPACING_MS THRESHOLD_MS STARVE_MS RELIEF_MS FLOOD_RATE; do
  [[ "${!var}" =~ ^[1-9][0-9]*$ ]] || die "$var must be a positive integer, got '${!var}'"
done
send="$TOOLS_DIR/varta-send"
loadgen="$TOOLS_DIR/vlp-loadgen"
for tool in "$send" "$loadgen" "$OBSERVER"; do
  [[ -x "$tool" ]] || die "$tool not found; build with: mvn -B -ntp -DskipTests package"
done
((EUID == 0)) || die "needs root (SCHED_FIFO, thread affinity, net.unix.max_dgram_qlen)"
cpus="$(nproc)"
((cpus >= 2)) || die "needs at least 2 CPUs (one to freeze a thread on, one for everything else)"
frozen_cpu=$((cpus - 1))
other_cpus="0-$((cpus - 2))"

work="$(mktemp -d "${TMPDIR:-/tmp}/varta-verdicts.XXXXXX")"
started=()
qlen_before="$(cat /proc/sys/net/unix/max_dgram_qlen)"
cleanup() {
  local pid
  for pid in "${started[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  echo "$qlen_before" > /proc/sys/net/unix/max_dgram_qlen
  if [[ "${KEEP:-0}" == 1 ]]; then
    echo "verdicts.sh: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo 4096 > /proc/sys/net/unix/max_dgram_qlen

# thread_id PID NAME: the tid of PID's thread whose comm is NAME (waits up to 5 s for it to start).
thread_id() {
  local task try
  for ((try = 0; try < 250; try++)); do
    for task in /proc/"$1"/task/*; do
      if [[ "$(cat "$task/comm" 2>/dev/null)" == "$2" ]]; then
        basename "$task"
        return 0
      fi
    done
    sleep 0.02
  done
  die "no thread $2 in process $1"
}

# freeze PID TID SECONDS: TID alone on the last CPU, where a SCHED_FIFO busy loop runs STARVE_MS on /
# RELIEF_MS off for SECONDS; the rest of PID stays on the other CPUs.
freeze() {
  local pid=$1 tid=$2 until=$((SECONDS + $3)) hog
  taskset -a -p -c "$other_cpus" "$pid" >/dev/null
  taskset -p -c "$frozen_cpu" "$tid" >/dev/null
  while ((SECONDS < until)); do
    chrt -f 1 taskset -c "$frozen_cpu" sh -c 'while :; do :; done' &
    hog=$!
    sleep "$(awk -v ms="$STARVE_MS" 'BEGIN { print ms / 1000 }')"
    kill -KILL "$hog" 2>/dev/null || true
    wait "$hog" 2>/dev/null || true
    sleep "$(awk -v ms="$RELIEF_MS" 'BEGIN { print ms / 1000 }')"
  done
}

sender_items=()
for ((i = 1; i <= BEATS; i++)); do
  sender_items+=("beat:ok:$i" "sleep:$SPACING_MS")
done

printf '%-9s %6s %8s %5s %12s %12s %5s %9s %9s %9s\n' scenario sent accepted lost rate_limited false_stalls stalls \
  read datagrams accounted
failed=0
for scenario in $SCENARIOS; do
  dir="$work/$scenario"
  mkdir -p "$dir"
  sock="$dir/obs.sock"
  export_file="$dir/export.tsv"
  "$OBSERVER" --socket "$sock" --threshold-ms "$THRESHOLD_MS" --export-file "$export_file" \
    2>"$dir/observer.err" &
  observer=$!
  started+=("$observer")
  for ((i = 0; i < 300; i++)); do
    [[ -S "$sock" ]] && break
    sleep 0.02
  done
  [[ -S "$sock" ]] || { cat "$dir/observer.err" >&2; die "$scenario: observer did not bind"; }
  java_pid="$observer" # the launcher execs java

  senders=()
  for ((s = 0; s < SENDERS; s++)); do
    taskset -c "$other_cpus" "$send" "$sock" "${sender_items[@]}" >"$dir/sender.$s" 2>&1 &
    senders+=($!)
    started+=($!)
  done
  duration=$(((BEATS * SPACING_MS) / 1000 + 1))
  case "$scenario" in
    calm) ;;
    observer) freeze "$java_pid" "$(thread_id "$java_pid" varta-observer)" "$duration" ;;
    receiver) freeze "$java_pid" "$(thread_id "$java_pid" varta-recv)" "$duration" ;;
    garbage)
      taskset -c "$other_cpus" "$loadgen" --socket "$sock" --senders 1 --frames-per-sender $((FLOOD_RATE * duration)) \
        --rate-per-sender "$FLOOD_RATE" --corrupt crc >/dev/null 2>&1 &
      started+=($!)
      ;;
    *) die "unknown scenario $scenario" ;;
  esac
  for pid in "${senders[@]}"; do wait "$pid" || die "$scenario: a sender failed"; done
  sleep 0.3
  kill -TERM "$observer"
  wait "$observer" || true

  pids="$(printf '%s\n' "${senders[@]}")"
  summary="$(grep 'ingest:' "$dir/observer.err" | tail -n 1)"
  read -r accepted false_stalls stalls < <(awk -F'\t' -v pids="$pids" '
    BEGIN { n = split(pids, p, "\n"); for (i = 1; i <= n; i++) ours[p[i]] = 1 }
    ($3 in ours) && $2 == "beat" { beats++; last[$3] = $1 }
    ($3 in ours) && $2 == "stall" { stall_ns[++s] = $1; stall_pid[s] = $3 }
    END {
      for (i = 1; i <= s; i++) if (stall_ns[i] < last[stall_pid[i]]) f++
      print beats + 0, f + 0, s + 0
    }' "$export_file")
  value() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$summary"; }
  sent=$((SENDERS * BEATS))
  lost=$((sent - accepted))
  limited=$(( $(value rate_limited_per_pid || true) + 0 ))
  printf '%-9s %6d %8d %5d %12d %12d %5d %9s %9s %9s\n' "$scenario" "$sent" "$accepted" "$lost" "$limited" \
    "$false_stalls" "$stalls" "$(value read)" "$(value datagrams)" "$(value accounted)"
  if ((lost != 0 || false_stalls != 0)) || [[ "$(value read)" != "$(value datagrams)" \
    || "$(value datagrams)" != "$(value accounted)" ]]; then
    failed=1
  fi
done
exit "$failed"
