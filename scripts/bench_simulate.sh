#!/usr/bin/env bash
# Simulator benchmark: builds Release (in build-bench, under the shared build lock, two jobs at
# most), then times `switchboard simulate --json` on a scenario RUNS times and prints each run's
# wall time, the interactions simulated and interactions per second, then the median run.
# The default scenario, bench/simulate/month_1000_agents.yaml, is a month of a 1,000-agent
# contact centre (about 5 million interactions); the goal is under 60 s.
# Usage: scripts/bench_simulate.sh [SCENARIO.yaml [simulate options...]]
# Environment: RUNS (3), SB_BENCH_SKIP_BUILD=1 to use the binary already in build-bench.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${RUNS:-3}"
scenario="${1:-bench/simulate/month_1000_agents.yaml}"
shift || true
build=build-bench

if [ "${SB_BENCH_SKIP_BUILD:-0}" != "1" ]; then
  flock /tmp/sb-build.lock cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=ON >/dev/null
  flock /tmp/sb-build.lock ninja -C "$build" -j2 switchboard
fi
switchboard="$build/engine/app/switchboard"

echo "scenario: $scenario"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
results=()
for run in $(seq 1 "$runs"); do
  out="$(mktemp)"
  start=$(date +%s.%N)
  "$switchboard" simulate "$scenario" --json "$@" >"$out"
  end=$(date +%s.%N)
  interactions=$(grep -o '"interactions":[0-9]*' "$out" | cut -d: -f2)
  rm -f "$out"
  line=$(awk -v s="$start" -v e="$end" -v n="$interactions" \
    'BEGIN { w = e - s; printf "%.2f %d %.0f", w, n, n / w }')
  results+=("$line")
  read -r wall n rate <<<"$line"
  printf 'run %d: %6.2f s wall, %d interactions, %.0f interactions/s\n' "$run" "$wall" "$n" "$rate"
done
median=$(printf '%s\n' "${results[@]}" | sort -n | awk -v k=$(( (runs + 1) / 2 )) 'NR == k')
read -r wall n rate <<<"$median"
printf 'median: %.2f s wall, %d interactions, %.0f interactions/s\n' "$wall" "$n" "$rate"
