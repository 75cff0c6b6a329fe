#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default 30) on a corpus
# seeded from config/ and fuzz/seeds/. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# A crash, leak or timeout fails the run and leaves the reproducer in build-fuzz/.
# SB_FUZZ_SEED (default 1) fixes libFuzzer's seed, so that a CI run is a repeatable regression;
# set it to 0 for a fresh random seed when hunting. The targets run side by side, SB_JOBS (default:
# the number of cores) at a time, each on one core; each one's output is in build-fuzz/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(policy_loader_fuzz expression_fuzz json_command_fuzz state_fuzz)
jobs="${SB_JOBS:-$(nproc)}"

# Line tables only: enough for the stack traces of a crash, and a third less compile time.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSB_DEBUG_INFO=lines -DSB_LLD=ON \
  -DSB_FUZZ=ON -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --parallel "$jobs" --target "${targets[@]}"

fuzz_one() {
  local target="$1" corpus="build-fuzz/corpus/$1"
  mkdir -p "$corpus"
  case "$target" in
    policy_loader_fuzz) cp -n config/*.yaml config/examples/*.yaml fuzz/seeds/policies/*.yaml "$corpus"/ 2>/dev/null || true ;;
    expression_fuzz) cp -n fuzz/seeds/expressions/* "$corpus"/ 2>/dev/null || true ;;
    json_command_fuzz) cp -n fuzz/seeds/json/* "$corpus"/ 2>/dev/null || true ;;
  esac
  (cd build-fuzz && "./fuzz/$target" -seed="${SB_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 \
     -max_len=8192 -print_final_stats=1 "corpus/$target" >"$target.log" 2>&1)
}

echo "== fuzz ${targets[*]} for ${seconds}s each, $jobs at a time =="
declare -A pid_of=()
failed=0
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  fuzz_one "$target" &
  pid_of[$target]=$!
done
for target in "${targets[@]}"; do
  status=0
  wait "${pid_of[$target]}" || status=$?
  echo "== fuzz $target: $([ "$status" -eq 0 ] && echo ok || echo "FAILED (exit $status)")"
  tail -n 12 "build-fuzz/$target.log"
  [ "$status" -eq 0 ] || failed=1
done
exit "$failed"
