#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default 30) on a corpus
# seeded from config/ and fuzz/seeds/. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# A crash, leak or timeout fails the run and leaves the reproducer in build-fuzz/.
# SB_FUZZ_SEED (default 1) fixes libFuzzer's seed, so that a CI run is a repeatable regression;
# set it to 0 for a fresh random seed when hunting.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(policy_loader_fuzz expression_fuzz json_command_fuzz)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSB_FUZZ=ON -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --parallel "${SB_JOBS:-$(nproc)}" --target "${targets[@]}"

for target in "${targets[@]}"; do
  corpus="build-fuzz/corpus/$target"
  mkdir -p "$corpus"
  case "$target" in
    policy_loader_fuzz) cp -n config/*.yaml config/examples/*.yaml fuzz/seeds/policies/*.yaml "$corpus"/ 2>/dev/null || true ;;
    expression_fuzz) cp -n fuzz/seeds/expressions/* "$corpus"/ 2>/dev/null || true ;;
    json_command_fuzz) cp -n fuzz/seeds/json/* "$corpus"/ 2>/dev/null || true ;;
  esac
  echo "== fuzz $target for ${seconds}s =="
  (cd build-fuzz && "./fuzz/$target" -seed="${SB_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 \
     -max_len=8192 -print_final_stats=1 "corpus/$target" 2>&1 | tail -n 12)
done
