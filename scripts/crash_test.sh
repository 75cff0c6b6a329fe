#!/usr/bin/env bash
# The full crash test: 20 SIGKILLs at random moments under load, each followed by a restart on
# the same data directory, then the checks of tests/e2e/crash_test.cc (nothing acknowledged
# lost, nothing duplicated, no agent over capacity, replay agrees with the live state).
# Usage: scripts/crash_test.sh [KILLS] [SEED]   (builds build/ first)
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-20}"
seed="${2:-$RANDOM}"
build=build
if [ ! -d "$build" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSB_BUILD_TESTS=ON
fi
ninja -C "$build" -j2 switchboard e2e_crash_test
echo "crash test: $kills kills, seed $seed"
SB_CRASH_KILLS="$kills" SB_CRASH_SEED="$seed" "$build/tests/e2e/e2e_crash_test" --success=false
