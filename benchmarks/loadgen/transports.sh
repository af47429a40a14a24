#!/usr/bin/env bash
# Websocket, sse and polling side by side on sb_bench_server, in one run:
#   fan-out throughput (subscribers on the transport, the publisher on websocket),
#   echo round trips, and the server's RSS growth per idle session.
# A fresh server per transport and per measure, so one measure's heap does not serve the next.
#   benchmarks/loadgen/transports.sh [build-dir]      (default: build-rel)
# Environment: SUBSCRIBERS (1000), ECHO_CLIENTS (100), IDLE (2000), DURATION (5), TRANSPORTS.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$here/build-rel}"
server="$build/benchmarks/sb_bench_server"
loadgen="$build/benchmarks/sb_loadgen"
subscribers="${SUBSCRIBERS:-1000}"
echo_clients="${ECHO_CLIENTS:-100}"
idle="${IDLE:-2000}"
duration="${DURATION:-5}"
transports="${TRANSPORTS:-websocket sse polling}"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

start_server() {
  local out
  out="$(mktemp)"
  "$server" --port 0 --threads 2 >"$out" 2>/dev/null &
  server_pid=$!
  for _ in $(seq 100); do
    port="$(awk '/^listening/ {print $2}' "$out")"
    [ -n "$port" ] && break
    sleep 0.1
  done
  rm -f "$out"
  [ -n "$port" ] || { echo "server did not start" >&2; exit 1; }
}
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

for t in $transports; do
  start_server
  "$loadgen" --scenario idle --port "$port" --clients "$idle" --warmup 2 --duration 1 \
    --transport "$t" --server-pid "$server_pid" --label "$t"
  stop_server
  start_server
  "$loadgen" --scenario fanout --port "$port" --clients "$subscribers" --warmup 2 --duration "$duration" \
    --transport "$t" --server-pid "$server_pid" --label "$t"
  stop_server
  start_server
  "$loadgen" --scenario echo --port "$port" --clients "$echo_clients" --warmup 2 --duration "$duration" \
    --transport "$t" --server-pid "$server_pid" --label "$t"
  stop_server
done
