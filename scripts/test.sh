#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: first the normal build, then the same
# tests under AddressSanitizer and UndefinedBehaviorSanitizer, then the fuzz regression.
# Usage: scripts/test.sh
# Environment: SB_SKIP_SANITIZE=1 skips the sanitizer pass, SB_SKIP_FUZZ=1 the fuzz regression;
# SB_JOBS sets build parallelism.
#
# Built for CI time (docs/benchmarks.md, "Build and CI time"): the normal build is optimised as
# RelWithDebInfo but without debug information, the sanitizer build is clang's at -O0 with line
# tables only (gcc took twice as long on the Beast-heavy files), and both link with lld.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

jobs="${SB_JOBS:-$(nproc)}"

configure_build_test() {
  local dir="$1"; shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" --parallel "$jobs"
  ctest --test-dir "$dir" --output-on-failure --parallel "$jobs"
}

echo "== format =="
scripts/format.sh --check

echo "== build and test (RelWithDebInfo) =="
configure_build_test build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSB_DEBUG_INFO=none -DSB_LLD=ON \
  -DSB_BUILD_TESTS=ON -DSB_BUILD_BENCH=ON

if [ "${SB_SKIP_SANITIZE:-0}" != "1" ]; then
  echo "== build and test under ASan + UBSan (clang) =="
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  configure_build_test build-sanitize -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    -DSB_SANITIZE=ON -DSB_DEBUG_INFO=lines -DSB_LLD=ON -DSB_BUILD_TESTS=ON -DSB_BUILD_BENCH=OFF
fi

if [ "${SB_SKIP_FUZZ:-0}" != "1" ]; then
  echo "== fuzz regression (30 s per target) =="
  scripts/fuzz.sh "${SB_FUZZ_SECONDS:-30}"
fi
