#!/usr/bin/env bash
# UDP ingest benchmark: datagrams/s a receiver reads and accounts for over UDP loopback, SENDERS processes sending
# with sendmmsg (vlp-loadgen --udp). Interleaved repeat by repeat, one run measures:
#   (a) raw-drain --udp                 C, recvmmsg batches of 64, only counts     (the practical limit)
#   (p) bin/varta-watch, plaintext UDP  --i-accept-plaintext-udp
#   (s1) bin/varta-watch, secure UDP with 1 shared key  (60-byte ChaCha20-Poly1305 datagrams)
#   (s4) bin/varta-watch, secure UDP with 4 shared keys (every key is tried on every datagram)
#   (m) bin/varta-watch, secure UDP with a master key    (64-byte datagrams: 1 shared key tried, then the agent key, derived once per sender pid and cached)
# and prints the median of REPEATS runs, (p) as % of (a) and the secure ones as % of (p), plus each receiver's own
# CPU ns per datagram. Rate limits off, export off, the observer reads the UDS socket too (idle).
#
# UDP senders do not block on a full receiver: the kernel drops what the socket queue cannot hold. So this measures
# the rate each receiver sustains (datagrams it read / first-to-last arrival), and prints how many of the datagrams
# sent reached it (loss = what it could not keep up with, at this unpaced load). Pace the senders
# (RATE_PER_SENDER) to compare CPU per datagram at equal, lossless rates.
#
# Build first:  mvn -B -ntp -DskipTests package      Run: bench/udp-ingest.sh
# Environment (defaults): SENDERS=2 FRAMES=200000 (per sender) BATCH=64 REPEATS=3 RATE_PER_SENDER=0 PORT=47011
#   RECEIVERS="a p s1 s4 m"   TOOLS_DIR=java/target/native-build/tools OBSERVER=bin/varta-watch
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SENDERS="${SENDERS:-2}" FRAMES="${FRAMES:-200000}" BATCH="${BATCH:-64}" REPEATS="${REPEATS:-3}"
RATE_PER_SENDER="${RATE_PER_SENDER:-0}" PORT="${PORT:-47011}" RECEIVERS="${RECEIVERS:-a p s1 s4 m}"
TOOLS_DIR="${TOOLS_DIR:-$root/java/target/native-build/tools}" OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
loadgen="$TOOLS_DIR/vlp-loadgen" drain="$TOOLS_DIR/raw-drain"
for tool in "$loadgen" "$drain" "$OBSERVER"; do
  [[ -x "$tool" ]] || { echo "udp-ingest.sh: $tool not found; build with mvn -B -ntp -DskipTests package" >&2; exit 1; }
done
total=$((SENDERS * FRAMES))
work="$(mktemp -d "${TMPDIR:-/tmp}/varta-udp-ingest.XXXXXX")"
started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

(umask 077
 for k in 1 2 3 4; do od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$work/key$k"; echo >>"$work/key$k"; done
 cat "$work/key2" "$work/key3" "$work/key4" >"$work/accepted"
 od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$work/master")

field() { local w; for w in $2; do [[ "$w" == "$1="* ]] && { echo "${w#*=}"; return 0; }; done; return 1; }
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
wait_for() { local deadline=$((SECONDS + $1)); shift; until "$@"; do ((SECONDS < deadline)) || return 1; sleep 0.05; done; }
bound() { grep -qs 'udp listener bound to' "$work/observer.err"; }

loadgen_run() { # KEY_ARGS...: the load, to completion
  "$loadgen" --udp "127.0.0.1:$PORT" "$@" --senders "$SENDERS" --frames-per-sender "$FRAMES" --batch "$BATCH" \
    --rate-per-sender "$RATE_PER_SENDER" >"$work/loadgen.out" 2>"$work/loadgen.err" || {
    cat "$work/loadgen.err" >&2; echo "udp-ingest.sh: vlp-loadgen failed" >&2; exit 1; }
}

run_drain() {
  "$drain" --udp "127.0.0.1:$PORT" --expect "$total" --idle-ms 1000 --timeout-ms 120000 >"$work/drain.out" \
    2>"$work/drain.err" &
  local pid=$!
  started+=("$pid")
  wait_for 10 grep -qsx ready "$work/drain.out" || { cat "$work/drain.err" >&2; exit 1; }
  loadgen_run
  wait "$pid" || { cat "$work/drain.err" >&2; exit 1; }
  local line; line="$(grep '^drain ' "$work/drain.out")"
  GOT="$(field frames "$line")"
  RATE="$(field rate "$line")"
  CPU="$(awk -v n="$GOT" -v c="$(field cpu_ns "$line")" 'BEGIN { printf "%.0f", c / n }')"
}

run_observer() { # OBSERVER_ARGS -- LOADGEN_ARGS
  local oargs=() largs=() pid t0 t1 line first last
  while [[ $# -gt 0 && "$1" != -- ]]; do oargs+=("$1"); shift; done
  shift
  largs=("$@")
  rm -f "$work"/observer.* "$work/obs.sock"
  "$OBSERVER" --socket "$work/obs.sock" --threshold-ms 60000 --max-beat-rate 0 --global-beat-rate 0 \
    --tracker-capacity 4096 --udp-port "$PORT" "${oargs[@]}" >"$work/observer.out" 2>"$work/observer.err" &
  pid=$!
  started+=("$pid")
  wait_for 30 bound || { cat "$work/observer.err" >&2; exit 1; }
  sleep 0.5
  t0="$(cpu_ticks "$pid")"
  loadgen_run "${largs[@]}"
  sleep 1
  t1="$(cpu_ticks "$pid")"
  kill -TERM "$pid"
  wait "$pid" || true
  line="$(grep 'varta-watch: ingest: ' "$work/observer.err" | tail -n 1)"
  GOT="$(field datagrams "$line")" first="$(field first_recv_ns "$line")" last="$(field last_recv_ns "$line")"
  [[ "$(field accounted "$line")" == "$GOT" ]] || { echo "udp-ingest.sh: not fully accounted: $line" >&2; exit 1; }
  RATE="$(awk -v n="$GOT" -v a="$first" -v b="$last" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }')"
  CPU="$(awk -v n="$GOT" -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", t * 1e9 / hz / n }')"
  ATTEMPTS="$(field aead_attempts "$line" || echo 0)"
}

declare -A title=([a]="(a) raw-drain --udp, recvmmsg, count only" [p]="(p) observer, plaintext UDP"
  [s1]="(s1) observer, secure UDP, 1 key" [s4]="(s4) observer, secure UDP, 4 keys"
  [m]="(m) observer, secure UDP, master key (+1 key)")
declare -A rates=() cpus=() gots=()
echo "udp-ingest: $SENDERS senders x $FRAMES datagrams (sendmmsg batch $BATCH, $( ((RATE_PER_SENDER == 0)) && echo unpaced || echo "$RATE_PER_SENDER/s each")) = $total per run; median of $REPEATS"
echo "machine: nproc=$(nproc), cpu='$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)', kernel $(uname -r), senders and receiver share it"
for ((run = 1; run <= REPEATS; run++)); do
  report="run $run/$REPEATS:"
  for r in $RECEIVERS; do
    case "$r" in
      a) run_drain ;;
      p) run_observer --i-accept-plaintext-udp -- ;;
      s1) run_observer --key-file "$work/key1" -- --key-file "$work/key1" ;;
      s4) run_observer --key-file "$work/key1" --accepted-key-file "$work/accepted" -- --key-file "$work/key1" ;;
      m) run_observer --key-file "$work/key1" --master-key-file "$work/master" -- --master-key-file "$work/master" ;;
    esac
    report+=" $r=$RATE/s ($GOT/$total)"
    rates[$r]+="$RATE " cpus[$r]+="$CPU " gots[$r]+="$GOT "
  done
  echo "$report"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-46s %14s %13s %s\n' receiver "median dgram/s" "CPU ns/dgram" "received of $total per run"
declare -A med=()
for r in $RECEIVERS; do
  # shellcheck disable=SC2086
  med[$r]="$(median ${rates[$r]})"
  # shellcheck disable=SC2086
  printf '%-46s %14s %13s %s\n' "${title[$r]}" "${med[$r]}" "$(median ${cpus[$r]})" "${gots[$r]% }"
done
pct() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.1f", 100 * x / y }'; }
[[ -n "${med[a]:-}" && -n "${med[p]:-}" ]] && echo "(p) plaintext observer as % of (a) raw drain: $(pct "${med[p]}" "${med[a]}") %"
for r in s1 s4 m; do
  [[ -n "${med[$r]:-}" && -n "${med[p]:-}" ]] && echo "$r as % of (p) plaintext: $(pct "${med[$r]}" "${med[p]}") %"
done
exit 0
