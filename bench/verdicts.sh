#!/usr/bin/env bash
# Verdict harness: does the observer keep its promises when any one of its own threads is starved, when the
# socket is flooded with garbage, and how late are its verdicts under a flood of valid frames? Real senders beat
# at a fixed spacing far inside the threshold, so every beat they send must be accepted and no stall may be
# declared while they beat; once a sender goes silent, its stall must come, and the harness measures how late.
#
# The observer's threads (as /proc/PID/task/TID/comm names them: 15 bytes at most), and which scenario starves
# each:
#   varta-recv            native receiver: recvmmsg, classify, write the ring               receiver
#   varta-observer        Java observer loop: admission, tracker, stall deadlines, and the sinks that run
#                         on it: the export file (--export-file has no thread of its own), diagnostics,
#                         recovery's gate and queue                                          observer
#   HTTP-Dispatcher       JDK HTTP server: accepts and reads /metrics connections            metrics
#   varta-metrics-1, -2   /metrics request threads (made at the first requests)             metrics
#   varta-metrics-r       the two /metrics render threads (varta-metrics-render-1, -2)       metrics
#   idle-timeout-ta, req-rsp-timeout   the JDK HTTP server's timer threads                   metrics
#   varta-recovery        spawns, times out and reaps recovery children (--recovery-exec)   recovery
#   varta-audit-wri       varta-audit-writer: appends and fdatasyncs the recovery audit log audit
#                         (--recovery-audit-file)
#   varta-watchdog        native self-watchdog (--self-watchdog-secs, systemd, --hw-watchdog) watchdog
#   varta-heartbeat       rewrites --heartbeat-file                                          heartbeat
# Not starved: varta-shutdown (exists only while stopping), the main thread (waits for SIGTERM) and the
# JVM's own threads (VM Thread, compiler threads, Signal Dispatcher, Finalizer, Reference Handler, Cleaner...).
#
# Scenarios (each a fresh observer, the same senders):
#   calm        nothing else happens (the control)
#   observer    varta-observer frozen: pinned alone to the last CPU, where a SCHED_FIFO busy loop runs in
#               periods of STARVE_MS on / RELIEF_MS off (every other thread of the observer, and the senders,
#               run on the other CPUs)
#   receiver    varta-recv frozen the same way
#   metrics     every /metrics thread frozen together (--prom-addr 127.0.0.1:0) while a scraper asks for
#               /metrics and /metrics?pids=0 every SCRAPE_MS (within the default per-IP limit of 5/s), so the
#               threads have work, hold connections and render per-pid rows (snapshots from the observer)
#   recovery    varta-recovery frozen (--recovery-exec '/bin/true {pid}') while a one-beat sender starts every
#               CHURN_MS and exits: its stall 200 ms later is a real one, queued for the recovery thread
#   audit       varta-audit-writer frozen (--recovery-exec as above and --recovery-audit-file), the same churn
#               giving it records to write
#   watchdog    varta-watchdog frozen (--self-watchdog-secs 2): it must neither abort the loop nor matter
#   heartbeat   varta-heartbeat frozen (--heartbeat-file)
#   garbage     one process floods the socket with bad-CRC frames (vlp-loadgen --corrupt crc) at FLOOD_RATE/s
#   flood       verdict lateness at the observer's maximum ingest rate: FLOOD_SENDERS vlp-loadgen processes
#               send valid frames unpaced (each its own pid; --global-beat-rate 0 so the global bucket does not
#               refuse the senders' beats; each flooding pid is held to the default 100 beats/s per pid and the
#               rest is counted rate_limited_per_pid), for as long as the senders run; besides the usual
#               senders, one more sender beats FLOOD_BEATS times and falls silent for THRESHOLD_MS + 500 ms,
#               FLOOD_SILENCES times: each silence must raise exactly one stall
#
# For each it prints: beats sent, beats accepted, beats lost inside the observer (sent - accepted), the
# shutdown line's rate_limited_per_pid (every sender's, the flood's too), false stalls, missed stalls,
# lateness, and the shutdown line's read / datagrams / accounted (equal when nothing read was lost).
#   A stall line is real when its nonce is the last beat before a silence (a sender's last beat, or the
#   silent sender's last beat of a burst) and it comes at least THRESHOLD_MS after that beat's line; every
#   other stall line of the senders is false (also a second one for the same silence). A silence whose
#   stall is not in the file by the end is missed (the harness waits THRESHOLD_MS + 1 s after the senders
#   finished; the silent sender beats again THRESHOLD_MS + 500 ms into each silence).
#   Lateness of a real stall = its line's time - (its beat's line time + THRESHOLD_MS), both on the
#   observer's clock (a beat's time is its kernel arrival time; a stall's is the time it was judged at, at
#   most how far the receiver had read, so never later than when the line was made); median and max over
#   the scenario's real stalls, in ms. Under flood these are the silent sender's stalls and the other
#   senders' last ones, all declared while the flood runs. In the other scenarios they are only the senders'
#   last stalls, all due within a few ms of each other: one moment (often inside a freeze period, which runs
#   up to a second past the senders' end), not a distribution; and the host's other load shows in them (a
#   freeze leaves every other task of the machine one CPU less), so the notes give the load average.
# Exit 1 if any scenario lost a beat, raised a false stall, missed a stall, left read != datagrams !=
# accounted, or the observer did not exit 0 at SIGTERM. The notes under the table give the host's load
# average at the scenario's start and end, what was frozen and for how long, how many scrapes were answered,
# churn stalls, the audit lines written and the flood's rate.
#
# Build first, from the repo root:  mvn -B -ntp -DskipTests package
# Run:                              bench/verdicts.sh                  (root: SCHED_FIFO, another process's
#                                                                      thread affinity, net.unix.max_dgram_qlen)
# Environment (defaults): SENDERS=20 BEATS=150 SPACING_MS=20 THRESHOLD_MS=200 STARVE_MS=400 RELIEF_MS=200
#   FLOOD_RATE=50000 FLOOD_SENDERS=8 FLOOD_BEATS=10 FLOOD_SILENCES=6 SCRAPE_MS=250 CHURN_MS=100
#   SCENARIOS="calm observer receiver metrics recovery audit watchdog heartbeat garbage flood"
#   OBSERVER=bin/varta-watch (point it at another build to compare; builds without a scenario's flags fail
#   that scenario) TOOLS_DIR=java/target/native-build/tools
#   KEEP=1 keeps each scenario's export file and logs
#
# The senders (varta-send) run at SCHED_FIFO 1 on the CPUs a freeze leaves free, so that on a loaded machine
# each beat really leaves on time: the harness judges the observer, not how the host schedules the senders.
#
# A starved receiver leaves datagrams in the socket queue; once net.unix.max_dgram_qlen of them wait,
# blocking senders block and their beats arrive late: then the silence is real as far as the kernel can
# tell. The harness raises the limit to 4096 for its run (root) so the queue holds a whole starvation period
# (SENDERS x STARVE_MS / SPACING_MS datagrams), and puts it back afterwards (the kernel copies the limit into
# a socket when the socket is created, so only sockets made during the run get it). Under flood the queue is
# then always 4096 datagrams deep: a beat waits behind them, which is part of the lateness measured.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SENDERS="${SENDERS:-20}"
BEATS="${BEATS:-150}"
SPACING_MS="${SPACING_MS:-20}"
THRESHOLD_MS="${THRESHOLD_MS:-200}"
STARVE_MS="${STARVE_MS:-400}"
RELIEF_MS="${RELIEF_MS:-200}"
FLOOD_RATE="${FLOOD_RATE:-50000}"
FLOOD_SENDERS="${FLOOD_SENDERS:-8}"
FLOOD_BEATS="${FLOOD_BEATS:-10}"
FLOOD_SILENCES="${FLOOD_SILENCES:-6}"
SCRAPE_MS="${SCRAPE_MS:-250}"
CHURN_MS="${CHURN_MS:-100}"
SCENARIOS="${SCENARIOS:-calm observer receiver metrics recovery audit watchdog heartbeat garbage flood}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
TOOLS_DIR="${TOOLS_DIR:-$root/java/target/native-build/tools}"
QLEN=4096

die() {
  echo "verdicts.sh: $*" >&2
  exit 1
}

for var in SENDERS BEATS SPACING_MS THRESHOLD_MS STARVE_MS RELIEF_MS FLOOD_RATE FLOOD_SENDERS FLOOD_BEATS \
  FLOOD_SILENCES SCRAPE_MS CHURN_MS; do
  [[ "${!var}" =~ ^[1-9][0-9]*$ ]] || die "$var must be a positive integer, got '${!var}'"
done
send="$TOOLS_DIR/varta-send"
loadgen="$TOOLS_DIR/vlp-loadgen"
for tool in "$send" "$loadgen" "$OBSERVER"; do
  [[ -x "$tool" ]] || die "$tool not found; build with: mvn -B -ntp -DskipTests package"
done
for tool in chrt taskset curl; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
((EUID == 0)) || die "needs root (SCHED_FIFO, thread affinity, net.unix.max_dgram_qlen)"
cpus="$(nproc)"
((cpus >= 2)) || die "needs at least 2 CPUs (one to freeze a thread on, one for everything else)"
frozen_cpu=$((cpus - 1))
other_cpus="0-$((cpus - 2))"
ms() { awk -v ms="$1" 'BEGIN { print ms / 1000 }'; }

work="$(mktemp -d "${TMPDIR:-/tmp}/varta-verdicts.XXXXXX")"
started=()
qlen_before="$(cat /proc/sys/net/unix/max_dgram_qlen)"
cleanup() {
  local pid
  for pid in "${started[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  # Put the limit back unless someone else changed it meanwhile (the machine is shared).
  if [[ "$(cat /proc/sys/net/unix/max_dgram_qlen)" == "$QLEN" ]]; then
    echo "$qlen_before" >/proc/sys/net/unix/max_dgram_qlen
  fi
  if [[ "${KEEP:-0}" == 1 ]]; then
    echo "verdicts.sh: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "$QLEN" >/proc/sys/net/unix/max_dgram_qlen

# thread_ids PID REGEX: the tids of PID's threads whose comm matches REGEX (waits up to 5 s for one).
thread_ids() {
  local task comm try ids
  for ((try = 0; try < 250; try++)); do
    ids=()
    for task in /proc/"$1"/task/*; do
      comm="$(cat "$task/comm" 2>/dev/null)" || continue
      [[ "$comm" =~ $2 ]] && ids+=("${task##*/}")
    done
    if ((${#ids[@]} > 0)); then
      echo "${ids[*]}"
      return 0
    fi
    sleep 0.02
  done
  echo "verdicts.sh: no thread matching $2 in process $1" >&2
  return 1
}

# The busy loop (bash builtins only, no fork) ends by itself 1 s after STARVE_MS should have ended, so even a
# harness killed with SIGKILL leaves no SCHED_FIFO loop behind. LC_ALL=C: EPOCHREALTIME's separator is the
# locale's decimal point.
hog_script='end=$(( ${EPOCHREALTIME/./} + '$(((STARVE_MS + 1000) * 1000))' )); while (( ${EPOCHREALTIME/./} < end )); do :; done'

# freeze PID SECONDS TID...: the TIDs alone on the last CPU, where a SCHED_FIFO busy loop runs STARVE_MS on /
# RELIEF_MS off for SECONDS; the rest of PID stays on the other CPUs. Sets froze_periods.
freeze() {
  local pid=$1 until=$((SECONDS + $2)) tid h
  shift 2
  taskset -a -p -c "$other_cpus" "$pid" >/dev/null
  for tid in "$@"; do
    taskset -p -c "$frozen_cpu" "$tid" >/dev/null
  done
  froze_periods=0
  while ((SECONDS < until)); do
    LC_ALL=C chrt -f 1 taskset -c "$frozen_cpu" bash -c "$hog_script" &
    h=$!
    started+=("$h")
    sleep "$(ms "$STARVE_MS")"
    kill -KILL "$h" 2>/dev/null || true
    wait "$h" 2>/dev/null || true
    froze_periods=$((froze_periods + 1))
    sleep "$(ms "$RELIEF_MS")"
  done
}

# names PID TID...: the TIDs' comm names, comma-separated.
names() {
  local pid=$1 tid out=()
  shift
  for tid in "$@"; do
    out+=("$(cat "/proc/$pid/task/$tid/comm" 2>/dev/null || echo "$tid")")
  done
  local IFS=,
  echo "${out[*]}"
}

# items BEATS FIRST_NONCE: varta-send items for BEATS beats SPACING_MS apart, nonces from FIRST_NONCE.
items() {
  local i
  for ((i = $2; i < $2 + $1; i++)); do
    printf '%s\n' "beat:ok:$i" "sleep:$SPACING_MS"
  done
}
mapfile -t sender_items < <(items "$BEATS" 1)
silence_ms=$((THRESHOLD_MS + 500))
silent_items=()
for ((k = 0; k < FLOOD_SILENCES; k++)); do
  mapfile -t burst < <(items "$FLOOD_BEATS" $((k * FLOOD_BEATS + 1)))
  silent_items+=("${burst[@]}" "sleep:$silence_ms")
done

# spawn_loop INTERVAL_MS COMMAND...: runs COMMAND every INTERVAL_MS on the other CPUs until killed (a helper).
spawn_loop() {
  local interval
  interval="$(ms "$1")"
  shift
  taskset -c "$other_cpus" bash -c 'while :; do "$@"; sleep '"$interval"'; done' loop "$@" >/dev/null 2>&1 &
  helpers+=($!)
  started+=($!)
}

printf '%-9s %6s %8s %5s %12s %12s %13s %11s %11s %9s %9s %9s\n' scenario sent accepted lost rate_limited \
  false_stalls missed_stalls late_p50_ms late_max_ms read datagrams accounted
notes=()
failed=0
for scenario in $SCENARIOS; do
  dir="$work/$scenario"
  mkdir -p "$dir"
  sock="$dir/obs.sock"
  export_file="$dir/export.tsv"
  flags=(--socket "$sock" --threshold-ms "$THRESHOLD_MS" --export-file "$export_file")
  case "$scenario" in
    calm | observer | receiver | garbage) ;;
    metrics)
      head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/prom.token"
      chmod 600 "$dir/prom.token"
      flags+=(--prom-addr 127.0.0.1:0 --prom-token-file "$dir/prom.token")
      ;;
    recovery) flags+=(--recovery-exec '/bin/true {pid}') ;;
    audit) flags+=(--recovery-exec '/bin/true {pid}' --recovery-audit-file "$dir/audit.log") ;;
    watchdog) flags+=(--self-watchdog-secs 2) ;;
    heartbeat) flags+=(--heartbeat-file "$dir/heartbeat") ;;
    flood) flags+=(--global-beat-rate 0) ;;
    *) die "unknown scenario $scenario" ;;
  esac
  "$OBSERVER" "${flags[@]}" >"$dir/observer.out" 2>"$dir/observer.err" &
  observer=$!
  started+=("$observer")
  for ((i = 0; i < 300; i++)); do
    [[ -S "$sock" ]] && break
    sleep 0.02
  done
  [[ -S "$sock" ]] || { cat "$dir/observer.err" >&2; die "$scenario: observer did not bind"; }
  java_pid="$observer" # the launcher execs java

  helpers=()
  note=""
  load_start="$(cut -d' ' -f1 /proc/loadavg)"
  if [[ "$scenario" == metrics ]]; then
    addr=""
    for ((i = 0; i < 300; i++)); do
      addr="$(grep -m1 -o '^[0-9.]*:[0-9]*$' "$dir/observer.out" || true)"
      [[ -n "$addr" ]] && break
      sleep 0.02
    done
    [[ -n "$addr" ]] || { cat "$dir/observer.err" >&2; die "metrics: no /metrics address on stdout"; }
    auth="Authorization: Bearer $(cat "$dir/prom.token")"
    scrape=(curl -s -o /dev/null -m 2 -w '%{http_code}\n' -H "$auth")
    # Two scrapes of each body kind first, so that both request threads and both render threads exist.
    for url in "http://$addr/metrics" "http://$addr/metrics?pids=0" "http://$addr/metrics" \
      "http://$addr/metrics?pids=0"; do
      "${scrape[@]}" "$url" >>"$dir/scrapes" || echo 000 >>"$dir/scrapes"
    done
    # Then one scrape every SCRAPE_MS, the two kinds in turn.
    taskset -c "$other_cpus" bash -c 'base=$1 out=$2 interval=$3
      shift 3
      while :; do
        "$@" "$base/metrics" >>"$out" || echo 000 >>"$out"
        sleep "$interval"
        "$@" "$base/metrics?pids=0" >>"$out" || echo 000 >>"$out"
        sleep "$interval"
      done' scraper "http://$addr" "$dir/scrapes" "$(ms "$SCRAPE_MS")" "${scrape[@]}" >/dev/null 2>&1 &
    helpers+=($!)
    started+=($!)
  fi

  senders=()
  for ((s = 0; s < SENDERS; s++)); do
    chrt -f 1 taskset -c "$other_cpus" "$send" "$sock" "${sender_items[@]}" >"$dir/sender.$s" 2>&1 &
    senders+=($!)
    started+=($!)
  done
  spec=""
  for pid in "${senders[@]}"; do
    spec+="$pid=$BEATS "
  done
  sent=$((SENDERS * BEATS))
  if [[ "$scenario" == flood ]]; then
    taskset -c "$other_cpus" "$loadgen" --socket "$sock" --senders "$FLOOD_SENDERS" --frames-per-sender 1000000000 \
      >"$dir/loadgen.out" 2>&1 &
    helpers+=($!)
    started+=($!)
    chrt -f 1 taskset -c "$other_cpus" "$send" "$sock" "${silent_items[@]}" >"$dir/sender.silent" 2>&1 &
    senders+=($!)
    started+=($!)
    spec+="$!="
    for ((k = 1; k <= FLOOD_SILENCES; k++)); do
      spec+="$((k * FLOOD_BEATS)),"
    done
    sent=$((sent + FLOOD_SILENCES * FLOOD_BEATS))
  fi
  duration=$(((BEATS * SPACING_MS) / 1000 + 1))
  pattern=""
  case "$scenario" in
    observer) pattern='^varta-observer$' ;;
    receiver) pattern='^varta-recv$' ;;
    metrics) pattern='^(HTTP-Dispatcher|varta-metrics-.*|idle-timeout-ta|req-rsp-timeout)$' ;;
    recovery)
      spawn_loop "$CHURN_MS" "$send" "$sock" beat:ok:1
      pattern='^varta-recovery$'
      ;;
    audit)
      spawn_loop "$CHURN_MS" "$send" "$sock" beat:ok:1
      pattern='^varta-audit-wri$'
      ;;
    watchdog) pattern='^varta-watchdog$' ;;
    heartbeat) pattern='^varta-heartbeat$' ;;
    garbage)
      taskset -c "$other_cpus" "$loadgen" --socket "$sock" --senders 1 --frames-per-sender $((FLOOD_RATE * duration)) \
        --rate-per-sender "$FLOOD_RATE" --corrupt crc >/dev/null 2>&1 &
      helpers+=($!)
      started+=($!)
      ;;
  esac
  if [[ -n "$pattern" ]]; then
    tids="$(thread_ids "$java_pid" "$pattern")" || die "$scenario: the observer has no thread to freeze"
    read -r -a frozen <<<"$tids"
    frozen_names="$(names "$java_pid" "${frozen[@]}")"
    freeze "$java_pid" "$duration" "${frozen[@]}"
    note+=" froze ${#frozen[@]} thread(s) [$frozen_names] ${froze_periods} x ${STARVE_MS} ms;"
  fi
  for pid in "${senders[@]}"; do wait "$pid" || die "$scenario: a sender failed: $(cat "$dir"/sender.* 2>/dev/null)"; done
  for pid in "${helpers[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # Every sender is silent now: its last stall is due THRESHOLD_MS after its last beat.
  sleep "$(ms $((THRESHOLD_MS + 1000)))"
  kill -TERM "$observer"
  observer_exit=0
  wait "$observer" || observer_exit=$?
  note=" load $load_start..$(cut -d' ' -f1 /proc/loadavg);$note"

  summary="$(grep 'ingest:' "$dir/observer.err" | tail -n 1 || true)"
  value() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$summary"; }
  read -r accepted false_stalls missed < <(awk -F'\t' -v spec="$spec" -v thr_ns=$((THRESHOLD_MS * 1000000)) \
    -v late="$dir/lateness" '
    BEGIN {
      n = split(spec, senders, " ")
      for (i = 1; i <= n; i++) {
        split(senders[i], kv, "=")
        ours[kv[1]] = 1
        m = split(kv[2], last, ",")
        for (j = 1; j <= m; j++) if (last[j] != "") { expect[kv[1], last[j]] = 1; expected++ }
      }
    }
    ($3 in ours) && $2 == "beat" { beats++; beat_ns[$3, $4] = $1 }
    ($3 in ours) && $2 == "stall" { s++; s_pid[s] = $3; s_nonce[s] = $4; s_ns[s] = $1 }
    END {
      printf "" > late
      for (i = 1; i <= s; i++) {
        k = s_pid[i] SUBSEP s_nonce[i]
        if (!(k in expect) || !(k in beat_ns) || (k in seen) || s_ns[i] - beat_ns[k] < thr_ns) { f++; continue }
        seen[k] = 1
        real++
        printf "%.1f\n", (s_ns[i] - beat_ns[k] - thr_ns) / 1e6 > late
      }
      print beats + 0, f + 0, expected - real
    }' "$export_file")
  read -r late_p50 late_max < <(sort -n "$dir/lateness" | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "-", "-"; exit }
      p50 = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.1f %.1f\n", p50, v[NR]
    }')
  lost=$((sent - accepted))
  limited=$(($(value rate_limited_per_pid || true) + 0))
  printf '%-9s %6d %8d %5d %12d %12d %13d %11s %11s %9s %9s %9s\n' "$scenario" "$sent" "$accepted" "$lost" \
    "$limited" "$false_stalls" "$missed" "$late_p50" "$late_max" "$(value read)" "$(value datagrams)" \
    "$(value accounted)"

  case "$scenario" in
    metrics)
      ok="$(grep -c '^200$' "$dir/scrapes" || true)"
      note+=" scrapes answered 200: $ok, other: $(($(wc -l <"$dir/scrapes") - ok));"
      ;;
    recovery | audit)
      note+=" all stalls (churn senders included): $(($(value stalls) + 0));"
      if [[ "$scenario" == audit ]]; then
        note+=" audit lines: $(grep -vc '^#' "$dir/audit.log" 2>/dev/null || echo 0);"
      fi
      ;;
    flood)
      first="$(value first_recv_ns)"
      last="$(value last_recv_ns)"
      datagrams="$(value datagrams)"
      if [[ -n "$first" && -n "$last" && "$last" -gt "$first" ]]; then
        note+=" $FLOOD_SENDERS unpaced senders: $datagrams datagrams in $(awk -v d=$((last - first)) \
          'BEGIN { printf "%.1f", d / 1e9 }') s ($(awk -v n="$datagrams" -v d=$((last - first)) \
          'BEGIN { printf "%.0f", n / (d / 1e9) }')/s); lateness over $(wc -l <"$dir/lateness") real stalls;"
      fi
      ;;
  esac
  ((observer_exit == 0)) || note+=" observer exited $observer_exit: $(grep -v 'ingest:' "$dir/observer.err" | tail -n 3 | tr '\n' ' ');"
  notes+=("$scenario:$note")
  if ((lost != 0 || false_stalls != 0 || missed != 0 || observer_exit != 0)) \
    || [[ -z "$(value read)" || "$(value read)" != "$(value datagrams)" || "$(value datagrams)" != "$(value accounted)" ]]; then
    failed=1
  fi
done
for note in "${notes[@]}"; do
  echo "  $note"
done
exit "$failed"
