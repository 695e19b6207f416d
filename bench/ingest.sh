#!/usr/bin/env bash
# Ingest benchmark: frames/s a receiver accounts for with zero loss, over a Unix
# datagram socket, 32-byte VLP frames, SO_PASSCRED on, SENDERS processes sending with sendmmsg.
# One run measures, for the same load and interleaved repeat by repeat:
#   (a) raw-drain --mode recvmmsg   C, batches of 64, only counts       (the practical limit)
#   (b) raw-drain --mode recvmsg    C, one recvmsg + CRC decode each     (the reference's design)
#   (c) bin/varta-watch             the observer, rate limits off, export off
# and prints the median of REPEATS runs of each, then (c) and (b) as % of (a). It also prints
# each receiver's own CPU time per frame: senders and receiver share the cores, so the rate alone
# can be set by the senders or the scheduler rather than by the receiver.
#
# Every run must account for every frame sent (loadgen senders block, nothing is dropped by
# the kernel); a run that does not is an error (exit 1).
#
# Build first, from the repo root:  mvn -B -ntp -DskipTests package
# Run:                              bench/ingest.sh
# Environment (defaults):           SENDERS=4 FRAMES=500000 (per sender) BATCH=64 REPEATS=3
#   RATE_PER_SENDER=0 frames/s each sender is paced to (0 = as fast as possible); paced below
#                     what the receivers sustain, the rates are equal and CPU ns/frame compares them
#   SKIP_OBSERVER=1   only (a) and (b)
#   SCRAPERS=0        N > 0 adds (d): the observer with --prom-addr 127.0.0.1:0 while N curl processes
#                     request /metrics back to back for the whole run, one new connection per request
#                     (URL globbing: no fork per request); printed next to (c) with the difference.
#                     Scrapers, senders and observer share the cores.
#   SCRAPE_RATE=0     requests/s per scraper (curl --rate), 0 = back to back
#   PROM_BURST=0      --prom-rate-limit-burst of (d): 0 = per-IP limit off (every request served);
#                     10 = the default limit (5/s, burst 10: excess connections closed unanswered)
#   RUN_TIMEOUT=60    seconds any single run may take
#   TOOLS_DIR=java/target/native-build/tools   OBSERVER=bin/varta-watch
#   COMPARE=          a second observer launcher (e.g. an older build's bin/varta-watch) run as row (c0),
#                     interleaved with (c), for before/after figures from the same run
#   JUNIX=0           1 adds (e): bench's JunixsocketReceiver, a straightforward JVM receiver on junixsocket
#                     (one receive per datagram, the same Java VLP decode and a per-pid HashMap; no
#                     credentials: junixsocket cannot receive them on datagrams), with the launcher's JVM flags
#
# The observer's count comes from the line it prints to stderr on SIGTERM:
#   varta-watch: ingest: datagrams=N first_recv_ns=A last_recv_ns=B   (CLOCK_MONOTONIC ns)
# and its rate is N / ((B - A) / 1e9), the same first-to-last-datagram window raw-drain uses.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SENDERS="${SENDERS:-4}"
FRAMES="${FRAMES:-500000}"
BATCH="${BATCH:-64}"
RATE_PER_SENDER="${RATE_PER_SENDER:-0}"
REPEATS="${REPEATS:-3}"
SKIP_OBSERVER="${SKIP_OBSERVER:-0}"
SCRAPERS="${SCRAPERS:-0}"
SCRAPE_RATE="${SCRAPE_RATE:-0}"
PROM_BURST="${PROM_BURST:-0}"
RUN_TIMEOUT="${RUN_TIMEOUT:-60}"
TOOLS_DIR="${TOOLS_DIR:-$root/java/target/native-build/tools}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
COMPARE="${COMPARE:-}"
JUNIX="${JUNIX:-0}"
BENCH_JAR="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"

die() {
  echo "ingest.sh: $*" >&2
  exit 1
}

[[ "$SCRAPERS" =~ ^[0-9]+$ ]] || die "SCRAPERS must be an integer >= 0, got '$SCRAPERS'"
[[ "$SCRAPE_RATE" =~ ^[0-9]+$ ]] || die "SCRAPE_RATE must be an integer >= 0, got '$SCRAPE_RATE'"
[[ "$PROM_BURST" =~ ^[0-9]+$ ]] || die "PROM_BURST must be an integer >= 0, got '$PROM_BURST'"
((SCRAPERS == 0)) || command -v curl >/dev/null || die "SCRAPERS=$SCRAPERS needs curl"
[[ "$RATE_PER_SENDER" =~ ^[0-9]+$ ]] || die "RATE_PER_SENDER must be an integer >= 0, got '$RATE_PER_SENDER'"
for var in SENDERS FRAMES BATCH REPEATS RUN_TIMEOUT; do
  [[ "${!var}" =~ ^[1-9][0-9]*$ ]] || die "$var must be a positive integer, got '${!var}'"
done
loadgen="$TOOLS_DIR/vlp-loadgen"
drain="$TOOLS_DIR/raw-drain"
for tool in "$loadgen" "$drain"; do
  [[ -x "$tool" ]] || die "$tool not found; build with: mvn -B -ntp -DskipTests package"
done
if [[ "$SKIP_OBSERVER" != 1 && ! -x "$OBSERVER" ]]; then
  die "$OBSERVER not found (or set SKIP_OBSERVER=1)"
fi
[[ -z "$COMPARE" || -x "$COMPARE" ]] || die "COMPARE=$COMPARE is not an executable launcher"
[[ "$JUNIX" != 1 || -f "$BENCH_JAR" ]] || die "$BENCH_JAR not found; build with: mvn -B -ntp -DskipTests package"

total=$((SENDERS * FRAMES))
work="$(mktemp -d "${TMPDIR:-/tmp}/varta-ingest.XXXXXX")"
sock="$work/ingest.sock"
started=() # every background process this script started; none may outlive it

cleanup() {
  local pid
  for pid in "${started[@]}"; do # TERM first: vlp-loadgen then kills and reaps its senders
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${started[@]}"; do
    wait_until 2 exited "$pid" || kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_until SECONDS COMMAND...: runs COMMAND every 20 ms until it succeeds; fails on timeout.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.02
  done
}

# field NAME LINE: the value of NAME=value in LINE.
field() {
  local word
  for word in $2; do
    if [[ "$word" == "$1="* ]]; then
      echo "${word#*=}"
      return 0
    fi
  done
  return 1
}

alive() { kill -0 "$1" 2>/dev/null; }
drain_ready() { grep -qsx ready "$work/drain.out"; }
observer_bound() { [[ -S "$sock" ]] || ! alive "$1"; }
exited() { ! alive "$1"; }

# 0 when the socket at $sock has nothing queued. For a datagram socket, ss's Recv-Q is the size
# of the first queued datagram, so 0 means empty.
socket_queue_empty() {
  local queued
  queued="$(ss -x -a -n 2>/dev/null | awk -v path="$sock" '$5 == path { print $3; exit }')"
  [[ -z "$queued" || "$queued" == 0 ]]
}

show_logs() {
  local f
  for f in "$@"; do
    [[ -s "$f" ]] && sed "s|^|  $(basename "$f"): |" "$f" >&2
  done
  return 0
}

loadgen_args=(--socket "$sock" --senders "$SENDERS" --frames-per-sender "$FRAMES" --batch "$BATCH"
  --rate-per-sender "$RATE_PER_SENDER")

# run_loadgen RECEIVER_LOGS...: runs the load to completion; fails (showing the logs) if it
# fails or takes longer than RUN_TIMEOUT. Started in the background and polled, so a signal to
# this script is handled at once and cleanup can kill it (its senders die with it: PDEATHSIG).
run_loadgen() {
  local pid
  "$loadgen" "${loadgen_args[@]}" >"$work/loadgen.out" 2>"$work/loadgen.err" &
  pid=$!
  started+=("$pid")
  if ! wait_until "$RUN_TIMEOUT" exited "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    show_logs "$@"
    die "vlp-loadgen did not finish within ${RUN_TIMEOUT} s"
  fi
  wait "$pid" || { show_logs "$work/loadgen.err" "$@"; die "vlp-loadgen failed"; }
}

# run_drain MODE: one raw-drain run; sets RATE (frames/s), CPU (receiver CPU ns per frame) and
# BATCH_MEAN (datagrams per receive call). raw-drain gives up by itself after RUN_TIMEOUT
# (--timeout-ms), so it is started directly: $! is its own pid.
run_drain() {
  local mode="$1" pid line frames
  rm -f "$sock" "$work"/drain.* "$work"/loadgen.*
  if [[ "$mode" == junix ]]; then
    java -Xss512k -XX:+UseSerialGC -XX:-UsePerfData -cp "$BENCH_JAR" io.varta.watch.bench.JunixsocketReceiver \
      --socket "$sock" --expect "$total" --timeout-ms $((RUN_TIMEOUT * 1000)) >"$work/drain.out" 2>"$work/drain.err" &
  else
    "$drain" --socket "$sock" --expect "$total" --mode "$mode" --passcred 1 \
      --timeout-ms $((RUN_TIMEOUT * 1000)) >"$work/drain.out" 2>"$work/drain.err" &
  fi
  pid=$!
  started+=("$pid")
  wait_until 10 drain_ready || { show_logs "$work/drain.err"; die "raw-drain ($mode) did not get ready"; }
  run_loadgen "$work/drain.err"
  if ! wait "$pid"; then
    show_logs "$work/drain.out" "$work/drain.err"
    die "raw-drain ($mode) failed"
  fi
  line="$(grep '^drain ' "$work/drain.out")"
  frames="$(field frames "$line")"
  [[ "$frames" == "$total" ]] || die "raw-drain ($mode) counted $frames of $total frames"
  RATE="$(field rate "$line")"
  CPU="$(awk -v n="$frames" -v c="$(field cpu_ns "$line")" 'BEGIN { printf "%.0f", c / n }')"
  BATCH_MEAN="$(awk -v n="$frames" -v c="$(field calls "$line")" 'BEGIN { printf "%.1f", c ? n / c : 0 }')"
}

# cpu_ticks PID: user + system CPU of PID (all its threads) in clock ticks, from /proc/PID/stat.
cpu_ticks() {
  sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# scrape_loop ADDR: one curl process requesting /metrics (a new HTTP/1.0 connection each time) until
# killed, back to back or at SCRAPE_RATE requests/s.
scrape_loop() {
  local rate=()
  ((SCRAPE_RATE == 0)) || rate=(--rate "$SCRAPE_RATE/s")
  exec curl -s --http1.0 "${rate[@]}" -H "Authorization: Bearer $(cat "$work/prom.token")" \
    "http://$1/metrics?n=[1-100000000]" >/dev/null 2>&1
}

# run_observer [SCRAPERS]: one observer run; sets RATE (frames/s) and CPU (observer CPU ns per frame, all
# JVM threads, from the socket appearing to SIGTERM; clock-tick resolution). With SCRAPERS > 0 the observer
# serves /metrics and that many scrape loops run during the load (SCRAPES = requests served, from the
# observer's own varta_observer_serve_pending_seconds_count).
run_observer() {
  local scrapers="${1:-0}" launcher="${2:-$OBSERVER}" opid line n first last ticks0 ticks1 addr i
  local prom=() loops=()
  rm -f "$sock" "$work"/observer.* "$work"/loadgen.*
  if ((scrapers > 0)); then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$work/prom.token")
    prom=(--prom-addr 127.0.0.1:0 --prom-token-file "$work/prom.token" --prom-rate-limit-burst "$PROM_BURST")
  fi
  "$launcher" --socket "$sock" --threshold-ms 1000 --max-beat-rate 0 --global-beat-rate 0 \
    --tracker-capacity 1024 "${prom[@]}" >"$work/observer.out" 2>"$work/observer.err" &
  opid=$!
  started+=("$opid")
  wait_until 30 observer_bound "$opid" || { show_logs "$work/observer.err"; die "observer did not bind $sock in 30 s"; }
  alive "$opid" || { show_logs "$work/observer.err"; die "observer exited before the load started"; }
  if ((scrapers > 0)); then
    wait_until 30 grep -qs . "$work/observer.out" || { show_logs "$work/observer.err"; die "no /metrics address on stdout"; }
    addr="$(head -n 1 "$work/observer.out")"
    for ((i = 0; i < scrapers; i++)); do
      scrape_loop "$addr" &
      loops+=("$!")
      started+=("$!")
    done
  fi
  sleep 0.5 # let JVM start-up work settle out of the CPU figure
  ticks0="$(cpu_ticks "$opid")"

  run_loadgen "$work/observer.err"
  SCRAPES=0 REFUSED=0
  if ((scrapers > 0)); then
    for i in "${loops[@]}"; do
      kill -TERM "$i" 2>/dev/null || true
    done
    for i in "${loops[@]}"; do
      wait "$i" 2>/dev/null || true
    done
    sleep 1.1 # the body is cached for a second
    curl -s --http1.0 -H "Authorization: Bearer $(cat "$work/prom.token")" "http://$addr/metrics" >"$work/observer.metrics" || true
    SCRAPES="$(awk '$1 == "varta_observer_serve_pending_seconds_count" { printf "%.0f", $2 }' "$work/observer.metrics")"
    REFUSED="$(awk '$1 == "varta_prom_connections_dropped_total{reason=\"rate_limit\"}" { printf "%.0f", $2 }' "$work/observer.metrics")"
  fi
  # Every frame is sent; let the observer read what is still queued in the kernel before stopping it.
  wait_until 10 socket_queue_empty || echo "ingest.sh: warning: socket queue not empty after 10 s" >&2
  ticks1="$(cpu_ticks "$opid" 2>/dev/null || echo "$ticks0")"

  kill -TERM "$opid" 2>/dev/null || true
  if ! wait_until 15 exited "$opid"; then
    kill -KILL "$opid" 2>/dev/null || true
    show_logs "$work/observer.err"
    die "observer did not exit within 15 s of SIGTERM"
  fi
  wait "$opid" || true # the exit status on SIGTERM is the observer's business; the count is ours
  line="$(grep 'varta-watch: ingest: ' "$work/observer.err" | tail -n 1 || true)"
  [[ -n "$line" ]] || { show_logs "$work/observer.err"; die "observer printed no 'varta-watch: ingest:' line on SIGTERM"; }
  n="$(field datagrams "$line")" && first="$(field first_recv_ns "$line")" && last="$(field last_recv_ns "$line")" ||
    die "cannot parse observer line: $line"
  [[ "$n" == "$total" ]] || die "observer accounted for $n of $total frames (not fully accounted)"
  ((last > first)) || die "observer reported an empty receive window: $line"
  RATE="$(awk -v n="$n" -v a="$first" -v b="$last" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }')"
  CPU="$(awk -v n="$n" -v t=$((ticks1 - ticks0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", t * 1e9 / hz / n }')"
}

# range N...: "min-max"
range() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }'; }

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) printf "%.0f", v[(NR + 1) / 2]; else printf "%.0f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

percent() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.1f", 100 * x / y }'; }

cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
pacing="unpaced"
((RATE_PER_SENDER == 0)) || pacing="paced to $RATE_PER_SENDER frames/s each"
echo "ingest: UDS, 32-byte VLP frames, SO_PASSCRED on; $SENDERS senders ($pacing) x $FRAMES frames (sendmmsg batch $BATCH)" \
  "= $total frames per run; median of $REPEATS runs"
((SCRAPERS == 0)) || echo "(d): $SCRAPERS scrapers, $( ((SCRAPE_RATE == 0)) && echo 'back to back' || echo "$SCRAPE_RATE requests/s each"), --prom-rate-limit-burst $PROM_BURST"
echo "machine: nproc=$(nproc), cpu='$cpu_model', kernel $(uname -r)," \
  "net.unix.max_dgram_qlen=$(cat /proc/sys/net/unix/max_dgram_qlen 2>/dev/null || echo '?')," \
  "senders and receiver share the machine; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

receivers=(recvmmsg recvmsg)
[[ "$SKIP_OBSERVER" == 1 ]] || receivers+=(observer)
[[ "$SKIP_OBSERVER" == 1 || -z "$COMPARE" ]] || receivers+=(compare)
[[ "$SKIP_OBSERVER" == 1 ]] || ((SCRAPERS == 0)) || receivers+=(scraped)
[[ "$JUNIX" != 1 ]] || receivers+=(junix)
declare -A title=(
  [recvmmsg]="(a) raw-drain recvmmsg, count only"
  [recvmsg]="(b) raw-drain recvmsg + decode each"
  [observer]="(c) varta-watch observer"
  [compare]="(c0) observer, COMPARE build"
  [scraped]="(d) observer + $SCRAPERS scrapers on /metrics"
  [junix]="(e) junixsocket JVM receiver"
)
declare -A rates=() cpus=()
for ((run = 1; run <= REPEATS; run++)); do
  report="run $run/$REPEATS:"
  for receiver in "${receivers[@]}"; do
    case "$receiver" in
      observer) run_observer ;;
      compare) run_observer 0 "$COMPARE" ;;
      scraped) run_observer "$SCRAPERS" ;;
      *) run_drain "$receiver" ;;
    esac
    report+=" $receiver=$RATE/s"
    [[ "$receiver" != recvmmsg ]] || report+=" (mean batch $BATCH_MEAN)"
    [[ "$receiver" != scraped ]] || report+=" (scrapes served $SCRAPES, refused $REFUSED)"
    rates[$receiver]+="$RATE "
    cpus[$receiver]+="$CPU "
  done
  echo "$report"
done

# Receiver CPU ns/frame: that receiver's own CPU time / frames (senders excluded).
printf '%-38s %15s %15s %14s %13s  %s\n' "receiver" "median frames/s" "range" "CPU ns/frame" "range" \
  "runs frames/s (all $total/$total accounted) | CPU ns/frame"
declare -A median_rate=() median_cpu=()
for receiver in "${receivers[@]}"; do
  # shellcheck disable=SC2086 # the run lists are space-separated numbers
  median_rate[$receiver]="$(median ${rates[$receiver]})"
  # shellcheck disable=SC2086
  median_cpu[$receiver]="$(median ${cpus[$receiver]})"
  # shellcheck disable=SC2086
  printf '%-38s %15s %15s %14s %13s  %s | %s\n' "${title[$receiver]}" "${median_rate[$receiver]}" \
    "$(range ${rates[$receiver]})" "${median_cpu[$receiver]}" "$(range ${cpus[$receiver]})" "${rates[$receiver]% }" \
    "${cpus[$receiver]% }"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# ratio ROW: ROW's median rate and median CPU/frame against (a)'s
ratio() {
  echo "$1 vs (a) raw recvmmsg: $(percent "${median_rate[$2]}" "${median_rate[recvmmsg]}") % of its frames/s," \
    "$(awk -v x="${median_cpu[$2]}" -v y="${median_cpu[recvmmsg]}" 'BEGIN { printf "%.2f", x / y }') x its CPU per frame"
}
[[ "$SKIP_OBSERVER" == 1 ]] || ratio "(c) observer" observer
[[ "$SKIP_OBSERVER" == 1 || -z "$COMPARE" ]] || ratio "(c0) COMPARE observer" compare
[[ "$JUNIX" != 1 ]] || ratio "(e) junixsocket receiver" junix
if [[ "$SKIP_OBSERVER" != 1 && "$JUNIX" == 1 ]]; then
  echo "(c) observer vs (e) junixsocket: $(awk -v c="${median_rate[observer]}" -v e="${median_rate[junix]}" \
    'BEGIN { printf "%.2f", c / e }') x its frames/s at $(awk -v c="${median_cpu[observer]}" -v e="${median_cpu[junix]}" \
    'BEGIN { printf "%.2f", c / e }') x its CPU per frame"
fi
echo "(b) recvmsg as % of (a) raw recvmmsg: $(percent "${median_rate[recvmsg]}" "${median_rate[recvmmsg]}") %"
if [[ "$SKIP_OBSERVER" != 1 ]]; then
  echo "(c) observer as % of (a) raw recvmmsg: $(percent "${median_rate[observer]}" "${median_rate[recvmmsg]}") %"
else
  echo "(c) observer: skipped (SKIP_OBSERVER=1)"
fi
if [[ "$SKIP_OBSERVER" != 1 ]] && ((SCRAPERS > 0)); then
  echo "(d) with $SCRAPERS scrapers vs (c) without: $(awk -v d="${median_rate[scraped]}" -v c="${median_rate[observer]}" \
    'BEGIN { printf "%+.1f", 100 * (d - c) / c }') %"
fi
