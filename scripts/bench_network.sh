#!/usr/bin/env bash
# Network benchmark: builds Release (in build-bench, under the shared build lock), starts
# `switchboard serve` with bench/loadgen/loadgen_policy.yaml on a free loopback port with auth
# off, and runs bench/loadgen against it in one go:
#   livez      GET /livez as fast as possible (the I/O ceiling of one server thread)
#   http       POST /v1/interactions as fast as possible, submit-to-offer latency
#   ws         interaction.create on the stream as fast as possible
#   http-half  and ws-half: the same at half of the measured maximum, for a fair p99
# then prints a table and the ratios, and stops the server.
# Usage: scripts/bench_network.sh   Environment: DURATION (s, default 10), WARMUP (s, 2),
# CONNECTIONS (4), PIPELINE (ws, 8), AGENTS (200), THREADS (loadgen I/O threads, 1),
# SB_BENCH_SKIP_BUILD=1 to use the binaries already in build-bench.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10}"
warmup="${WARMUP:-2}"
connections="${CONNECTIONS:-4}"
pipeline="${PIPELINE:-8}"
agents="${AGENTS:-200}"
threads="${THREADS:-1}"
build=build-bench

if [ "${SB_BENCH_SKIP_BUILD:-0}" != "1" ]; then
  flock /tmp/sb-build.lock cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=ON >/dev/null
  flock /tmp/sb-build.lock ninja -C "$build" switchboard loadgen
fi
switchboard="$build/engine/app/switchboard"
loadgen="$build/bench/loadgen/loadgen"
policy=bench/loadgen/loadgen_policy.yaml
"$switchboard" check "$policy" >/dev/null

work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_server EXIT

# The shipped server config has no tokens: auth is off, which serve allows on loopback only.
"$switchboard" serve --config config/switchboard.yaml --policy "$policy" \
  --listen 127.0.0.1:0 --data-dir "$work/data" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/^listening on \(.*\)$/http:\/\/\1/p' "$work/server.out" | head -n1)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "bench_network: the server did not start" >&2
  cat "$work/server.err" >&2
  exit 1
fi
echo "server: $url (pid $server_pid), policy $policy"

declare -A rate p50 p99
# run NAME ARGS...: one loadgen run; its report goes to the terminal, its JSON line is kept.
run() {
  local name="$1"; shift
  echo "== $name =="
  if ! "$loadgen" --url "$url" --connections "$connections" --duration "$duration" \
    --warmup "$warmup" --threads "$threads" --json "$@" | tee "$work/$name.out"; then
    echo "bench_network: loadgen failed in run $name (figures below are suspect)" >&2
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && status=0 || status=$?
    echo "bench_network: the server died during run $name (exit status $status); its log:" >&2
    tail -n 20 "$work/server.err" "$work/server.out" >&2
    server_pid=""
    exit 1
  fi
  local line
  line="$(tail -n1 "$work/$name.out")"
  if [[ "$line" != '{"mode":'* ]]; then
    rate[$name]=0 p50[$name]=n/a p99[$name]=n/a
    return
  fi
  rate[$name]="$(sed 's/.*"interactions_per_s":\([0-9.]*\).*/\1/' <<<"$line")"
  p50[$name]="$(sed 's/.*"submit_to_offer_ms_p50":\([0-9.]*\).*/\1/' <<<"$line")"
  p99[$name]="$(sed 's/.*"submit_to_offer_ms_p99":\([0-9.]*\).*/\1/' <<<"$line")"
}

run livez --mode livez
run http --mode http --agents "$agents"
run ws --mode ws --agents "$agents" --pipeline "$pipeline"
half() { awk -v r="$1" 'BEGIN { printf "%d", r / 2 }'; }
run http-half --mode http --agents "$agents" --rate "$(half "${rate[http]}")"
run ws-half --mode ws --agents "$agents" --pipeline "$pipeline" --rate "$(half "${rate[ws]}")"

echo
echo "== summary: $connections connections, ${duration}s after ${warmup}s warm-up, $agents agents =="
printf '%-10s %14s %12s %12s\n' run "per second" "p50 ms" "p99 ms"
for name in livez http ws http-half ws-half; do
  printf '%-10s %14s %12s %12s\n' "$name" "${rate[$name]}" "${p50[$name]}" "${p99[$name]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "(livez: requests; latencies of the request. Others: interactions; submit-to-offer.)"
echo "ratios: http/livez $(ratio "${rate[http]}" "${rate[livez]}")," \
  "ws/http $(ratio "${rate[ws]}" "${rate[http]}")," \
  "p99 at half rate vs max: http $(ratio "${p99[http-half]}" "${p99[http]}")," \
  "ws $(ratio "${p99[ws-half]}" "${p99[ws]}")"
