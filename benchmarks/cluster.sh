#!/usr/bin/env bash
# Cross-node fan-out: NODES Switchboard nodes + Redis against NODES Node socket.io nodes +
# the official @socket.io/redis-adapter, and Switchboard's durable path (recovery on, so
# every broadcast is numbered by Redis and delivered from the bus), in one run, reported
# as ratios. A benchmark, not a test: it never runs in CI.
#
#   benchmarks/cluster.sh            (REPEAT=3 for medians of three rounds)
#
# Each round, for each target: a fresh redis-server and NODES nodes; sb_loadgen connects
# 1,000 subscribers spread over all of them (so most of every broadcast crosses Redis)
# and one publisher on the first. Scenarios: `fanout` (as fast as the delivery window allows)
# and `fanout_paced` (FANOUT_RATE publishes/s, for latency). Server CPU is both nodes'
# CPU; Redis's CPU over the same run is reported beside it.
#
# Knobs: BUILD_DIR (default build-release), REPEAT (1), NODES (3), FANOUT_CLIENTS (1000),
# FANOUT_RATE (20), DURATION (10), WARMUP (2), SB_THREADS per node (1, as Node has one),
# RESULTS (the JSON written; default results/cluster-latest.json).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-release}
REPEAT=${REPEAT:-1}
NODES=${NODES:-3}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-1000}
FANOUT_RATE=${FANOUT_RATE:-20}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
SB_THREADS=${SB_THREADS:-1}
RESULTS=${RESULTS:-$ROOT/benchmarks/results/cluster-latest.json}
TMP=$(mktemp -d)
PIDS=()
log() { echo "cluster.sh: $*" >&2; }
stop_all() {
    # Nodes first (they were added after their Redis), Redis last.
    local rev=(); for ((i=${#PIDS[@]}-1; i>=0; i--)); do rev+=("${PIDS[i]}"); done
    PIDS=("${rev[@]+"${rev[@]}"}")
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    PIDS=()
}
trap 'stop_all; rm -rf "$TMP"' EXIT

if [[ -z ${LOADGEN:-} ]]; then
    log "building in $BUILD_DIR (Release)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSB_BUILD_TESTS=OFF >/dev/null
    cmake --build "$BUILD_DIR" -j2 --target sb_loadgen sb_bench_server >&2
    LOADGEN=$BUILD_DIR/benchmarks/sb_loadgen
fi
SB_SERVER=${SB_SERVER:-$BUILD_DIR/benchmarks/sb_bench_server}
ulimit -n 20000 2>/dev/null || true

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_node() {  # target redis_url; sets NODE_PID and NODE_PORT (no subshell: PIDS must see it)
    local out=$TMP/node.$RANDOM
    case $1 in
    node) node "$ROOT/benchmarks/peers/node_server.js" --port 0 --redis "$2" >"$out" 2>"$out.err" & ;;
    switchboard) "$SB_SERVER" --port 0 --threads "$SB_THREADS" --redis "$2" >"$out" 2>"$out.err" & ;;
    durable) "$SB_SERVER" --port 0 --threads "$SB_THREADS" --redis "$2" --recovery >"$out" 2>"$out.err" & ;;
    esac
    NODE_PID=$!
    PIDS+=("$NODE_PID")
    NODE_PORT=""
    for _ in $(seq 100); do
        NODE_PORT=$(awk '/^listening /{print $2; exit}' "$out")
        [[ -n $NODE_PORT ]] && return 0
        sleep 0.1
    done
    log "$1 node did not start"; cat "$out.err" >&2; return 1
}

run_one() {  # target scenario round
    local target=$1 name=$2 round=$3
    local rport; rport=$(free_port)
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
    local rpid=$!
    PIDS+=("$rpid")
    for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done
    local url=redis://127.0.0.1:$rport pids=() ports=()
    for _ in $(seq "$NODES"); do
        start_node "$target" "$url" || { stop_all; return 1; }
        pids+=("$NODE_PID"); ports+=("$NODE_PORT")
    done
    sleep 1  # every node subscribed
    local more_ports more_pids
    more_ports=$(IFS=,; echo "${ports[*]:1}"); more_pids=$(IFS=,; echo "${pids[*]:1}")
    local args=(--scenario fanout --clients "$FANOUT_CLIENTS" --warmup "$WARMUP" --duration "$DURATION"
                --label "$target" --port "${ports[0]}" --subscriber-ports "$more_ports"
                --server-pid "${pids[0]}" --more-pids "$more_pids")
    if [[ $name == fanout_paced ]]; then args+=(--rate "$FANOUT_RATE"); fi
    log "$name against $NODES $target nodes (round $round)"
    local r0; r0=$(cpu_ticks "$rpid")
    local result; result=$("$LOADGEN" "${args[@]}") || result='{"error":"sb_loadgen failed"}'
    local r1; r1=$(cpu_ticks "$rpid")
    stop_all
    sleep 1
    printf '{"target":"%s","name":"%s","round":%d,"redis_cpu_s":%s,"result":%s}\n' "$target" "$name" "$round" \
        "$(awk -v a="$r0" -v b="$r1" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", (b-a)/hz}')" "$result" >>"$TMP/runs.jsonl"
}

for round in $(seq "$REPEAT"); do
    for name in fanout fanout_paced; do
        for target in switchboard durable node; do run_one "$target" "$name" "$round"; done
    done
done

node - "$TMP/runs.jsonl" "$RESULTS" "$REPEAT" "$NODES" <<'JS'
const fs = require('fs');
const [file, out, repeat, nodes] = process.argv.slice(2);
const runs = fs.readFileSync(file, 'utf8').trim().split('\n').map(JSON.parse);
const median = (xs) => { const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
const pick = (t, n, f) => median(runs.filter((r) => r.target === t && r.name === n).map((r) => f(r)));
const metrics = [
  ['fanout', 'delivered/s', (r) => r.result.delivered_per_s],
  ['fanout', 'delivered per node CPU-s', (r) => r.result.delivered_per_server_cpu_s],
  ['fanout', 'node CPU %', (r) => r.result.server_cpu_pct],
  ['fanout', 'redis CPU-s', (r) => r.redis_cpu_s],
  ['fanout', 'gaps', (r) => r.result.gaps],
  ['fanout_paced', 'latency p50 us', (r) => r.result.latency_us && r.result.latency_us.p50],
  ['fanout_paced', 'latency p99 us', (r) => r.result.latency_us && r.result.latency_us.p99],
  ['fanout_paced', 'node CPU %', (r) => r.result.server_cpu_pct],
];
const ratio = (a, b) => (a != null && b ? +(a / b).toFixed(2) : null);
const rows = metrics.map(([n, label, f]) => {
  const sb = pick('switchboard', n, f), du = pick('durable', n, f), nd = pick('node', n, f);
  return { scenario: n, metric: label, switchboard: sb, durable: du, node: nd, ratio: ratio(sb, nd), durable_ratio: ratio(du, sb) };
});
console.log(`cross-node fan-out, ${nodes} nodes + Redis, medians of ${repeat} round(s)`);
console.log('scenario       metric                        switchboard     durable        node     sb/node  durable/sb');
for (const r of rows) {
  console.log(`${r.scenario.padEnd(14)} ${r.metric.padEnd(28)} ${String(r.switchboard).padStart(12)} ${String(r.durable).padStart(11)}` +
    ` ${String(r.node).padStart(11)} ${String(r.ratio).padStart(11)} ${String(r.durable_ratio).padStart(11)}`);
}
fs.writeFileSync(out, JSON.stringify({ command: `NODES=${nodes} REPEAT=${repeat} benchmarks/cluster.sh`, repeat: +repeat, nodes: +nodes, rows, runs }, null, 1) + '\n');
JS
