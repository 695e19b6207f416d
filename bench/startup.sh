#!/usr/bin/env bash
# Start-up time: exec -> socket bound, and exec -> first beat processed (its line in the export file), for the
# observer with default flags plus an export file synced every line (so the line is visible at once; the file
# lives on /dev/shm when there is one, so the sync costs nothing). Measured by native/tools/startup_probe.c,
# which polls every 100 us and sends the beat as soon as the socket is bound. Prints every run and the median
# and range (min-max) of each figure, with the load average before and after.
#
# Build first: mvn -B -ntp -DskipTests package     Run: bench/startup.sh
# Environment (defaults): STARTS=10 (runs per observer)
#   OBSERVER=bin/varta-watch   the launcher to time
#   COMPARE=                   a second launcher (e.g. another build's bin/varta-watch, VARTA_JAR set for it by
#                              the caller), timed interleaved run by run with the first
#   JAVA_OPTS                  passed through to both launchers
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STARTS="${STARTS:-10}"
OBSERVER="${OBSERVER:-$root/bin/varta-watch}"
COMPARE="${COMPARE:-}"
probe="$root/java/target/native-build/tools/startup-probe"
[[ -x "$probe" ]] || { echo "startup.sh: build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }
[[ "$STARTS" =~ ^[1-9][0-9]*$ ]] || { echo "startup.sh: STARTS must be a positive integer" >&2; exit 1; }
base="${TMPDIR:-/tmp}"
[[ -d /dev/shm && -w /dev/shm ]] && base=/dev/shm
work="$(mktemp -d "$base/varta-startup.XXXXXX")"
trap 'rm -rf "$work"' EXIT

observers=("$OBSERVER")
[[ -z "$COMPARE" ]] || observers+=("$COMPARE")
declare -A bound=() first=()
echo "start-up: $STARTS runs per observer, interleaved; files in $base; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= STARTS; run++)); do
  for i in "${!observers[@]}"; do
    rm -f "$work"/*
    line="$("$probe" --socket "$work/s.sock" --export "$work/e.tsv" -- "${observers[$i]}" --socket "$work/s.sock" \
      --threshold-ms 5000 --export-file "$work/e.tsv" --export-file-sync-every 1 2>/dev/null | grep '^startup ')"
    b="$(sed -n 's/.*bound_ns=\([0-9]*\).*/\1/p' <<<"$line")"
    f="$(sed -n 's/.*first_beat_ns=\([0-9]*\).*/\1/p' <<<"$line")"
    [[ -n "$b" && -n "$f" ]] || { echo "startup.sh: run $run of ${observers[$i]} failed" >&2; exit 1; }
    bound[$i]+="$((b / 1000)) "
    first[$i]+="$((f / 1000)) "
    echo "run $run ${observers[$i]}: bound $((b / 1000)) us, first beat $((f / 1000)) us"
  done
done
# stats "N N N ...": median and min-max, in ms
stats() {
  printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "median %.1f ms (range %.1f-%.1f)", m / 1000, v[1] / 1000, v[NR] / 1000 }'
}
for i in "${!observers[@]}"; do
  echo "${observers[$i]}: exec -> bound $(stats "${bound[$i]}"); exec -> first beat processed $(stats "${first[$i]}")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
