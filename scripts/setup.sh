#!/usr/bin/env bash
# Installs, with apt-get, only the Debian packages Switchboard needs that are missing.
# Idempotent: a second run installs nothing and does not touch the network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost1.81-dev libboost-json1.81-dev
  libyaml-cpp-dev prometheus-cpp-dev libconcurrentqueue-dev
  doctest-dev libcli11-dev libspdlog-dev libfmt-dev libssl-dev
  clang libclang-rt-14-dev lld
  # promtool (checks and unit-tests config/prometheus/alerts.yml) and the Prometheus server
  prometheus
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
