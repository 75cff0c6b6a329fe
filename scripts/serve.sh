#!/usr/bin/env bash
# Installs what is missing, builds Release, and starts the engine on 127.0.0.1:8080 with the
# default server config and routing policy. Extra arguments go to `switchboard serve`, e.g.
#   scripts/serve.sh --listen 127.0.0.1:9090 --policy config/examples/omnichannel.yaml
# Stop it with Ctrl-C (SIGINT) or SIGTERM; reload the policy with SIGHUP or by editing the file.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# Warnings stay warnings here: -Werror is CI's gate (scripts/test.sh), and a newcomer's first
# run must not fail because another compiler version warns where CI's did not.
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSB_BUILD_TESTS=OFF \
  -DSB_BUILD_BENCH=OFF -DSB_WERROR=OFF >/dev/null
cmake --build build-release --parallel "${SB_JOBS:-$(nproc)}" --target switchboard
exec build-release/engine/app/switchboard serve "$@"
