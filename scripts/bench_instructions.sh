#!/usr/bin/env bash
# Instruction counts of the routing core, which unlike wall time do not move with the noise of a
# shared 2-core machine: runs bench/core_bench (Release, build-bench) under valgrind's callgrind
# and counts the instructions of the timed decisions (indexed_decision) and of the timed command
# replay (measure_throughput). The same build, seed and sizes give the same counts on every run
# (to 0.01 %: the percentile sorts sort measured times), so two builds compare exactly. Counts
# are not time — a cache miss costs far more than an instruction — so they show what a change
# removed; core_bench's own runs show what it is worth.
# The replay's count includes its bookkeeping (two clock reads per 8 commands, the percentile
# sorts, two passes over the log): a few percent, the same in both builds.
# Usage: scripts/bench_instructions.sh [BASELINE_CHECKOUT]
#   BASELINE_CHECKOUT: another worktree whose bench/core_bench.cc has indexed_decision (from
#   commit 9030e4a on), built and counted the same way, printed first, then the ratio.
# Environment: AGENTS (10000), COMMANDS (100000), SAMPLES (20000), SEED (1),
# SB_BENCH_SKIP_BUILD=1 to use the binaries already in each build-bench.
set -euo pipefail
shopt -s inherit_errexit  # a failed build inside $(count ...) stops the script
baseline=""
if [ $# -ge 1 ]; then baseline="$(realpath "$1")"; fi  # before the cd: relative to the caller
cd "$(dirname "$0")/.."

agents="${AGENTS:-10000}"
commands="${COMMANDS:-100000}"
samples="${SAMPLES:-20000}"
seed="${SEED:-1}"
if [ "$commands" -le 0 ] || [ "$samples" -le 0 ]; then
  echo "bench_instructions: COMMANDS and SAMPLES must be positive" >&2
  exit 2
fi

# valgrind is a benchmark tool, not a build dependency: installed here, only if missing.
if [ "$(dpkg-query -W -f='${db:Status-Status}' valgrind 2>/dev/null || true)" != "installed" ]; then
  echo "bench_instructions: installing valgrind" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends valgrind
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# count TREE LABEL: prints "LABEL decision=N command=N" (instructions per decision, per command).
count() {
  local tree="$1" label="$2"
  if [ "${SB_BENCH_SKIP_BUILD:-0}" != "1" ]; then
    flock /tmp/sb-build.lock cmake -S "$tree" -B "$tree/build-bench" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=ON >"$work/build.log" ||
      { cat "$work/build.log" >&2; exit 1; }
    flock /tmp/sb-build.lock ninja -C "$tree/build-bench" core_bench >"$work/build.log" ||
      { cat "$work/build.log" >&2; exit 1; }
  fi
  local out="$work/$label.callgrind"
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    --toggle-collect='*indexed_decision*' --toggle-collect='*measure_throughput*' \
    "$tree/build-bench/bench/core_bench" --agents "$agents" --commands "$commands" \
    --samples "$samples" --naive-samples 1 --seed "$seed" --json >"$work/$label.json" \
    2>"$work/$label.err" || { cat "$work/$label.err" >&2; exit 1; }
  # --threshold=100: list every function, however small its share.
  callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$work/$label.txt" 2>/dev/null
  local decisions replay
  decisions=$(grep -m1 'indexed_decision(' "$work/$label.txt" | awk '{gsub(",","",$1); print $1}')
  replay=$(grep -m1 'measure_throughput(' "$work/$label.txt" | awk '{gsub(",","",$1); print $1}')
  if [ -z "$decisions" ] || [ -z "$replay" ]; then
    echo "bench_instructions: $tree has no indexed_decision/measure_throughput to count" >&2
    exit 1
  fi
  echo "$label decision=$((decisions / samples)) command=$((replay / commands))"
}

echo "core_bench --agents $agents --commands $commands --samples $samples --seed $seed" \
  "under callgrind: instructions per timed decision and per replayed command"
now="$(count . now)"
if [ -n "$baseline" ]; then
  base="$(count "$baseline" base)"
  echo "$base"
  echo "$now"
  b_dec=$(sed 's/.*decision=\([0-9]*\).*/\1/' <<<"$base")
  b_cmd=$(sed 's/.*command=\([0-9]*\).*/\1/' <<<"$base")
  n_dec=$(sed 's/.*decision=\([0-9]*\).*/\1/' <<<"$now")
  n_cmd=$(sed 's/.*command=\([0-9]*\).*/\1/' <<<"$now")
  awk -v bd="$b_dec" -v bc="$b_cmd" -v nd="$n_dec" -v nc="$n_cmd" \
    'BEGIN { if (bd > 0 && bc > 0) printf "ratio now/base: decision %.3f, command %.3f\n", nd / bd, nc / bc }'
  printf '{"decision_instructions":%s,"command_instructions":%s,' "$n_dec" "$n_cmd"
  printf '"base_decision_instructions":%s,"base_command_instructions":%s}\n' "$b_dec" "$b_cmd"
else
  echo "$now"
  n_dec=$(sed 's/.*decision=\([0-9]*\).*/\1/' <<<"$now")
  n_cmd=$(sed 's/.*command=\([0-9]*\).*/\1/' <<<"$now")
  echo "{\"decision_instructions\":$n_dec,\"command_instructions\":$n_cmd}"
fi
