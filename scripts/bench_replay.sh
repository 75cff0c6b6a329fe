#!/usr/bin/env bash
# What-if replay benchmark: builds Release (in build-bench, under the shared build lock, two jobs
# at most), records bench/replay/two_days_1000_agents.yaml under bench/replay/policy.yaml with
# `switchboard simulate --record` (about a million journaled commands; once, kept in
# build-bench/replay-data), then times `switchboard replay --data-dir ... --policy P --json`
# RUNS times for each candidate P — the recorded policy (nothing changes) and
# bench/replay/candidate.yaml (skills-based queues) — and prints each run's wall time and the
# two phases the JSON reports (reading with the recorded run; the model and the candidate run),
# then the median.
# Environment: RUNS (3), SB_BENCH_SKIP_BUILD=1 to use the binary already there, SWITCHBOARD to
# use another binary (e.g. build/engine/app/switchboard).
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${RUNS:-3}"
build=build-bench
if [ "${SB_BENCH_SKIP_BUILD:-0}" != "1" ] && [ -z "${SWITCHBOARD:-}" ]; then
  flock /tmp/sb-build.lock cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=ON >/dev/null
  flock /tmp/sb-build.lock ninja -C "$build" -j2 switchboard
fi
switchboard="${SWITCHBOARD:-$build/engine/app/switchboard}"
data="${SB_REPLAY_DATA:-$build/replay-data}"

if [ ! -d "$data" ]; then
  mkdir -p "$(dirname "$data")"
  "$switchboard" simulate bench/replay/two_days_1000_agents.yaml \
    --policy bench/replay/policy.yaml --record "$data" --json >/dev/null
fi
commands=$("$switchboard" replay --data-dir "$data" --json | grep -o '"commands":[0-9]*' | cut -d: -f2)
echo "journal: $data, $commands commands, $(du -sh "$data" | cut -f1)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

for candidate in bench/replay/policy.yaml bench/replay/candidate.yaml; do
  echo "candidate: $candidate"
  results=()
  for run in $(seq 1 "$runs"); do
    out="$(mktemp)"
    start=$(date +%s.%N)
    "$switchboard" replay --data-dir "$data" --policy "$candidate" --json >"$out"
    end=$(date +%s.%N)
    phases=$(grep -o '"seconds":{[^}]*}' "$out" | grep -oE '[0-9][0-9.eE+-]*' | tr '\n' ' ')
    rm -f "$out"
    line=$(awk -v s="$start" -v e="$end" -v p="$phases" -v n="$commands" \
      'BEGIN { split(p, x, " "); w = e - s; printf "%.2f %.2f %.2f %.0f", w, x[1], x[2], n / w }')
    results+=("$line")
    read -r wall recorded cand rate <<<"$line"
    printf 'run %d: %6.2f s wall (recorded run %.2f s, candidate %.2f s), %.0f commands/s\n' \
      "$run" "$wall" "$recorded" "$cand" "$rate"
  done
  median=$(printf '%s\n' "${results[@]}" | sort -n | awk -v k=$(( (runs + 1) / 2 )) 'NR == k')
  read -r wall recorded cand rate <<<"$median"
  printf 'median: %.2f s wall (recorded run %.2f s, candidate %.2f s), %.0f commands/s\n' \
    "$wall" "$recorded" "$cand" "$rate"
done
