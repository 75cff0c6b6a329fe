#!/usr/bin/env bash
# Wall-time A/B of the routing core on a noisy machine: runs bench/core_bench of this checkout
# and of a baseline checkout (each built Release in its own build-bench) in alternating pairs,
# so that both meet the same minutes of the machine, then prints every pair, the medians, and
# the median of the per-pair ratios (now / base), which cancels most of the minute-to-minute
# drift that separate runs would carry. On this project's 2-core VMs single runs move ±20-40 %;
# a change worth a few percent needs several pairs, and instruction counts
# (scripts/bench_instructions.sh) to show what it removed.
# Usage: scripts/bench_compare.sh BASELINE_CHECKOUT [PAIRS]
#   BASELINE_CHECKOUT: another worktree of this repository (git worktree add ../base <commit>).
#   PAIRS: alternating pairs to run (default 6).
# Environment: AGENTS (10000), COMMANDS (500000), SAMPLES (100000), SEED (1),
# SB_BENCH_SKIP_BUILD=1 to use the binaries already in each build-bench.
# Last line: one JSON object with the medians and the paired-ratio medians.
set -euo pipefail
shopt -s inherit_errexit
if [ $# -lt 1 ]; then
  echo "usage: scripts/bench_compare.sh BASELINE_CHECKOUT [PAIRS]" >&2
  exit 2
fi
baseline="$(realpath "$1")"  # before the cd: relative to the caller
pairs="${2:-6}"
cd "$(dirname "$0")/.."
now="$(pwd)"
if ! [[ "$pairs" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench_compare: PAIRS must be a positive number" >&2
  exit 2
fi
if [ "$baseline" = "$now" ]; then
  echo "bench_compare: the baseline is this checkout" >&2
  exit 2
fi

agents="${AGENTS:-10000}"
commands="${COMMANDS:-500000}"
samples="${SAMPLES:-100000}"
seed="${SEED:-1}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() {
  local tree="$1"
  [ "${SB_BENCH_SKIP_BUILD:-0}" = "1" ] && return 0
  flock /tmp/sb-build.lock cmake -S "$tree" -B "$tree/build-bench" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=ON >"$work/build.log" ||
    { cat "$work/build.log" >&2; exit 1; }
  flock /tmp/sb-build.lock ninja -C "$tree/build-bench" core_bench >"$work/build.log" ||
    { cat "$work/build.log" >&2; exit 1; }
}
build "$baseline"
build "$now"

# run TREE: prints "decision_p50 decision_p99 commands_per_s" of one core_bench run.
run() {
  local tree="$1" json
  json="$("$tree/build-bench/bench/core_bench" --agents "$agents" --commands "$commands" \
    --samples "$samples" --seed "$seed" --json 2>"$work/err" | tail -n 1)" ||
    { cat "$work/err" >&2; exit 1; }
  sed -E 's/.*"decision_ns_p50":([0-9.]+).*"decision_ns_p99":([0-9.]+).*"commands_per_s":([0-9.]+).*/\1 \2 \3/' <<<"$json"
}

echo "core_bench --agents $agents --commands $commands --samples $samples --seed $seed:" \
  "$pairs alternating pairs, base = $baseline"
printf '%-5s %28s   %28s   %s\n' pair "base: p50 ns  p99 ns  cmd/s" "now: p50 ns  p99 ns  cmd/s" \
  "ratio p50 / cmd/s"
: >"$work/pairs"
for ((k = 1; k <= pairs; ++k)); do
  # Alternate which goes first, so that neither always meets the machine right after the other.
  if ((k % 2)); then
    b="$(run "$baseline")"
    n="$(run "$now")"
  else
    n="$(run "$now")"
    b="$(run "$baseline")"
  fi
  echo "$b $n" >>"$work/pairs"
  awk -v k="$k" '{ printf "%-5d %12.0f %7.0f %8.0f   %12.0f %7.0f %8.0f   %.3f / %.3f\n",
                   k, $1, $2, $3, $4, $5, $6, $4 / $1, $6 / $3 }' <<<"$b $n"
done

# Medians of each column and of the per-pair ratios.
awk '
  function median(a, n,    i, j, t) {
    for (i = 2; i <= n; ++i) for (j = i; j > 1 && a[j - 1] > a[j]; --j) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { ++n; bp50[n] = $1; bp99[n] = $2; bc[n] = $3; np50[n] = $4; np99[n] = $5; nc[n] = $6
    rp50[n] = $4 / $1; rp99[n] = $5 / $2; rc[n] = $6 / $3 }
  END {
    m_bp50 = median(bp50, n); m_np50 = median(np50, n); m_bp99 = median(bp99, n)
    m_np99 = median(np99, n); m_bc = median(bc, n); m_nc = median(nc, n)
    m_rp50 = median(rp50, n); m_rp99 = median(rp99, n); m_rc = median(rc, n)
    printf "medians: decision p50 %.0f -> %.0f ns, p99 %.0f -> %.0f ns, %.0f -> %.0f commands/s\n",
      m_bp50, m_np50, m_bp99, m_np99, m_bc, m_nc
    printf "paired ratio medians (now / base): decision p50 %.3f, p99 %.3f, commands/s %.3f\n",
      m_rp50, m_rp99, m_rc
    printf "{\"pairs\":%d,\"base_decision_ns_p50\":%.0f,\"decision_ns_p50\":%.0f,", n, m_bp50, m_np50
    printf "\"base_decision_ns_p99\":%.0f,\"decision_ns_p99\":%.0f,", m_bp99, m_np99
    printf "\"base_commands_per_s\":%.0f,\"commands_per_s\":%.0f,", m_bc, m_nc
    printf "\"ratio_decision_ns_p50\":%.3f,\"ratio_decision_ns_p99\":%.3f,\"ratio_commands_per_s\":%.3f}\n",
      m_rp50, m_rp99, m_rc
  }' "$work/pairs"
