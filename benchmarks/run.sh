#!/usr/bin/env bash
# Runs the same load against Switchboard and two Node peers, prints a table with
# Switchboard/peer ratios, and writes benchmarks/results/latest.json. A benchmark, not a test:
# it never fails CI, and its numbers are only as quiet as the machine it runs on.
#
# The peers: `node` is socket.io 4.8 as is (the framework we replace); `ws` is npm ws with
# the least Socket.IO text written by hand (benchmarks/peers/ws_server.js), the floor of
# what a raw WebSocket server pays in Node.
#
# With PIN=1 (the default on 2 or more CPUs) the server runs on CPU 0 and the load
# generator on CPU 1 (taskset), so neither steals the other's core.
#
#   benchmarks/run.sh
#
# Knobs (environment):
#   BUILD_DIR        Release build directory (default <repo>/build-release; configured and built here)
#   LOADGEN          use this sb_loadgen binary and skip the build
#   SB_SERVER        the Switchboard bench server (default $BUILD_DIR/benchmarks/sb_bench_server)
#   TARGETS          default "switchboard node ws"
#   SCENARIOS        default "fanout fanout_paced echo echo_paced echo_noisy idle fanout_sse fanout_polling fanout_2shards"
#                    fanout_sse / fanout_polling: the fan-out with the subscribers on that
#                    transport (the publisher stays on websocket; ws has neither, node has
#                    no sse). fanout_2shards: Switchboard alone, 2 shards on both CPUs, the
#                    load generator unpinned beside it (a 2-CPU machine has no third core):
#                    compared per server CPU-second with the 1-shard fanout.
#                    echo_noisy: echo_paced with a busy loop pinned beside the server (its
#                    CPU), a noisy neighbour taking half of the server's core.
#                    idle: RSS growth per session from 1% of IDLE_CLIENTS connected to
#                    all of them (one-time costs such as code paged in on first use are
#                    no session's); "cold" divides the growth from an unused server.
#   FANOUT_CLIENTS   default 1000     ECHO_CLIENTS    default 100     IDLE_CLIENTS  default 10000
#   FANOUT_RATE      publishes/s of fanout_paced (default 20, i.e. 20k deliveries/s with 1000 clients)
#   ECHO_RATE        round trips/s of echo_paced over all clients (default 10000)
#   PIN              1: server on CPU 0, load generator on CPU 1 (default 1 when nproc >= 2)
#   DURATION         measured seconds (default 10)     WARMUP  seconds before measuring (default 2)
#   SB_THREADS       server threads for Switchboard (default 1 when pinned, else 2)
#   LOADGEN_THREADS  load generator threads (default 1)
#   REPEAT           rounds (default 1); the table shows each metric's median over the rounds
# The server contract is in benchmarks/loadgen/CONTRACT.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# What produced the results, knobs included, recorded with them.
COMMAND="$( (env | grep -E '^(TARGETS|SCENARIOS|FANOUT_CLIENTS|ECHO_CLIENTS|IDLE_CLIENTS|FANOUT_RATE|ECHO_RATE|PIN|DURATION|WARMUP|SB_THREADS|LOADGEN_THREADS|REPEAT)=' || true) | sort | tr '\n' ' ')benchmarks/run.sh"
BUILD_DIR=${BUILD_DIR:-$ROOT/build-release}
TARGETS=${TARGETS:-switchboard node ws}
SCENARIOS=${SCENARIOS:-fanout fanout_paced echo echo_paced echo_noisy idle fanout_sse fanout_polling fanout_2shards}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-1000}
ECHO_CLIENTS=${ECHO_CLIENTS:-100}
IDLE_CLIENTS=${IDLE_CLIENTS:-10000}
FANOUT_RATE=${FANOUT_RATE:-20}
ECHO_RATE=${ECHO_RATE:-10000}
if [[ -z ${PIN:-} ]]; then
    PIN=$([[ $(nproc) -ge 2 ]] && echo 1 || echo 0)
fi
SERVER_CPU=()
LOADGEN_CPU=()
if [[ $PIN == 1 ]]; then
    SERVER_CPU=(taskset -c 0)
    LOADGEN_CPU=(taskset -c 1)
fi
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
SB_THREADS=${SB_THREADS:-$([[ $PIN == 1 ]] && echo 1 || echo 2)}
LOADGEN_THREADS=${LOADGEN_THREADS:-1}
REPEAT=${REPEAT:-1}
RESULTS=$ROOT/benchmarks/results/latest.json

TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
    stop_server
    rm -rf "$TMP"
}
trap cleanup EXIT

log() { echo "run.sh: $*" >&2; }

build() {
    if [[ -n ${LOADGEN:-} ]]; then
        return
    fi
    log "building in $BUILD_DIR (Release)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSB_BUILD_TESTS=OFF >/dev/null
    local targets=(sb_loadgen)
    if cmake --build "$BUILD_DIR" --target help | grep -q '^sb_bench_server:'; then
        targets+=(sb_bench_server)
    fi
    cmake --build "$BUILD_DIR" -j2 --target "${targets[@]}" >&2
    LOADGEN=$BUILD_DIR/benchmarks/sb_loadgen
}

# Whether `target` can run scenario `name` at all.
supports() {
    local target=$1 name=$2
    case $name in
    fanout_sse | fanout_2shards) [[ $target == switchboard ]] ;;
    fanout_polling) [[ $target != ws ]] ;;
    *) true ;;
    esac
}

# Starts a fresh server for one run; sets SERVER_PID and SERVER_PORT. `threads` and
# `cpus` override SB_THREADS and the pinning (fanout_2shards).
start_server() {
    local target=$1 threads=${2:-$SB_THREADS}
    local SERVER_CPU=("${SERVER_CPU[@]}")
    [[ -z ${3:-} ]] || SERVER_CPU=($3)
    local out=$TMP/server.out
    : >"$out"
    case $target in
    node) "${SERVER_CPU[@]}" node "$ROOT/benchmarks/peers/node_server.js" --port 0 >"$out" 2>"$TMP/server.err" & ;;
    ws) "${SERVER_CPU[@]}" node "$ROOT/benchmarks/peers/ws_server.js" --port 0 >"$out" 2>"$TMP/server.err" & ;;
    switchboard) "${SERVER_CPU[@]}" "$SB_SERVER" --port 0 --threads "$threads" >"$out" 2>"$TMP/server.err" & ;;
    esac
    SERVER_PID=$!
    SERVER_PORT=""
    for _ in $(seq 100); do
        SERVER_PORT=$(awk '/^listening /{print $2; exit}' "$out")
        if [[ -n $SERVER_PORT ]]; then
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    log "$target did not print 'listening <port>':"
    cat "$TMP/server.err" >&2
    stop_server
    return 1
}

# SIGTERM, then SIGKILL after 5 s: a server still flushing a backlog to clients that are gone
# (Node handles the signal only when its event loop gets to it) must not stall the next run.
stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}

# Runs one scenario against one target and appends {"target","name","round","result"} to runs.jsonl.
run_one() {
    local target=$1 name=$2 round=$3 result
    supports "$target" "$name" || return 0
    local args=(--label "$target" --threads "$LOADGEN_THREADS" --warmup "$WARMUP" --duration "$DURATION")
    local threads=$SB_THREADS cpus="" LOADGEN_CPU=("${LOADGEN_CPU[@]}")
    case $name in
    fanout) args+=(--scenario fanout --clients "$FANOUT_CLIENTS") ;;
    fanout_sse) args+=(--scenario fanout --clients "$FANOUT_CLIENTS" --transport sse) ;;
    fanout_polling) args+=(--scenario fanout --clients "$FANOUT_CLIENTS" --transport polling) ;;
    fanout_2shards)
        args+=(--scenario fanout --clients "$FANOUT_CLIENTS")
        threads=2
        if [[ $PIN == 1 ]]; then cpus="taskset -c 0,1"; LOADGEN_CPU=(taskset -c 0,1); fi
        ;;
    fanout_paced) args+=(--scenario fanout --clients "$FANOUT_CLIENTS" --rate "$FANOUT_RATE") ;;
    echo) args+=(--scenario echo --clients "$ECHO_CLIENTS") ;;
    echo_paced | echo_noisy) args+=(--scenario echo --clients "$ECHO_CLIENTS" --rate "$ECHO_RATE") ;;
    idle) args+=(--scenario idle --clients "$IDLE_CLIENTS") ;;
    *) log "unknown scenario $name"; return 1 ;;
    esac
    if [[ $target == switchboard && ! -x $SB_SERVER ]]; then
        result='{"error":"sb_bench_server not built"}'
    elif ! start_server "$target" "$threads" "$cpus"; then
        result='{"error":"server did not start"}'
    else
        log "$name against $target (pid $SERVER_PID, port $SERVER_PORT)"
        local noisy=""
        if [[ $name == echo_noisy ]]; then
            "${SERVER_CPU[@]}" bash -c 'while :; do :; done' &
            noisy=$!
        fi
        result=$("${LOADGEN_CPU[@]}" "$LOADGEN" "${args[@]}" --port "$SERVER_PORT" --server-pid "$SERVER_PID") || true
        [[ -z $noisy ]] || { kill "$noisy" 2>/dev/null; wait "$noisy" 2>/dev/null || true; }
        [[ -n $result ]] || result='{"error":"sb_loadgen failed"}'
        stop_server
        sleep 1  # let the closed connections drain before the next server starts
    fi
    printf '{"target":"%s","name":"%s","round":%d,"result":%s}\n' "$target" "$name" "$round" "$result" \
        >>"$TMP/runs.jsonl"
}

build
SB_SERVER=${SB_SERVER:-$BUILD_DIR/benchmarks/sb_bench_server}
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

read -r load1 _ </proc/loadavg
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
    log "warning: load average $load1 before starting; other processes will make the numbers noisy"
fi

# Targets alternate within each scenario and round, so drifting background load hits both alike.
for round in $(seq "$REPEAT"); do
    for name in $SCENARIOS; do
        for target in $TARGETS; do
            run_one "$target" "$name" "$round"
        done
    done
done

mkdir -p "$(dirname "$RESULTS")"
LOAD_BEFORE=$load1 CPUS=$(nproc) FANOUT_RATE=$FANOUT_RATE ECHO_RATE=$ECHO_RATE SB_THREADS=$SB_THREADS \
    REPEAT=$REPEAT LOADGEN_THREADS=$LOADGEN_THREADS PIN=$PIN COMMAND="$COMMAND" \
    node - "$TMP/runs.jsonl" "$RESULTS" <<'EOF'
// Prints the comparison table and writes the JSON summary.
'use strict';
const fs = require('node:fs');
const [runsPath, outPath] = process.argv.slice(2);
const runs = fs.readFileSync(runsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const resultsOf = (target, name) =>
  runs.filter((r) => r.target === target && r.name === name && !r.result.error).map((r) => r.result);
const median = (values) => {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2);
};

// [scenario, label, path into the result, true when higher is better]
const rows = [
  ['fanout', 'delivered msgs/s', 'delivered_per_s', true],
  ['fanout', 'delivered per server CPU-s', 'delivered_per_server_cpu_s', true],
  ['fanout', 'server CPU %', 'server_cpu_pct', null],
  ['fanout', 'latency p50 us (queueing)', 'latency_us.p50', false],
  ['fanout', 'gaps / disconnects', null, null],
  ['fanout_paced', 'latency p50 us', 'latency_us.p50', false],
  ['fanout_paced', 'latency p99 us', 'latency_us.p99', false],
  ['fanout_paced', 'latency max us', 'latency_us.max', false],
  ['fanout_paced', 'server CPU %', 'server_cpu_pct', false],
  ['echo', 'acks/s', 'acks_per_s', true],
  ['echo', 'acks per server CPU-s', 'acks_per_server_cpu_s', true],
  ['echo', 'latency p50 us', 'latency_us.p50', false],
  ['echo', 'latency p99 us', 'latency_us.p99', false],
  ['echo', 'server CPU %', 'server_cpu_pct', null],
  ['echo_paced', 'latency p50 us', 'latency_us.p50', false],
  ['echo_paced', 'latency p99 us', 'latency_us.p99', false],
  ['echo_paced', 'latency max us', 'latency_us.max', false],
  ['echo_paced', 'server CPU %', 'server_cpu_pct', false],
  ['echo_noisy', 'latency p50 us', 'latency_us.p50', false],
  ['echo_noisy', 'latency p99 us', 'latency_us.p99', false],
  ['echo_noisy', 'latency max us', 'latency_us.max', false],
  ['echo_noisy', 'server CPU %', 'server_cpu_pct', false],
  ['idle', 'RSS bytes per session', 'rss_per_session_bytes', false],
  ['idle', 'RSS bytes per session, cold', 'rss_per_session_cold_bytes', false],
  ['fanout_sse', 'delivered msgs/s', 'delivered_per_s', true],
  ['fanout_sse', 'delivered per server CPU-s', 'delivered_per_server_cpu_s', true],
  ['fanout_polling', 'delivered msgs/s', 'delivered_per_s', true],
  ['fanout_polling', 'delivered per server CPU-s', 'delivered_per_server_cpu_s', true],
  ['fanout_2shards', 'delivered msgs/s', 'delivered_per_s', true],
  ['fanout_2shards', 'delivered per server CPU-s', 'delivered_per_server_cpu_s', true],
  ['fanout_2shards', 'server CPU %', 'server_cpu_pct', null],
];
const get = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
// A metric's median over the rounds; for gaps and disconnects, the worst round.
const metric = (target, name, path) => median(resultsOf(target, name).map((r) => get(r, path)));
const worst = (target, name, key) => {
  const v = resultsOf(target, name).map((r) => r[key]);
  return v.length ? Math.max(...v) : undefined;
};
const fmt = (v) => (v === undefined ? 'n/a' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v));

const names = [...new Set(runs.map((r) => r.name))];
const targets = [...new Set(runs.map((r) => r.target))];
const peers = targets.filter((t) => t !== 'switchboard');
const hasSb = targets.includes('switchboard');
const table = [['scenario', 'metric', ...targets, ...(hasSb ? peers.map((p) => `sb/${p}`) : [])]];
const ratios = {};
for (const [name, label, path, higherBetter] of rows) {
  if (!names.includes(name)) continue;
  const value = (t) => {
    if (path !== null) return metric(t, name, path);
    return resultsOf(t, name).length ? `${worst(t, name, 'gaps')} / ${worst(t, name, 'disconnects')}` : undefined;
  };
  const values = Object.fromEntries(targets.map((t) => [t, value(t)]));
  const cells = [];
  if (hasSb) {
    for (const p of peers) {
      const a = values.switchboard, b = values[p];
      if (typeof a === 'number' && typeof b === 'number' && b !== 0) {
        cells.push((a / b).toFixed(2) + (higherBetter === true ? ' ↑' : higherBetter === false ? ' ↓' : ''));
        ratios[`${p}.${name}.${path}`] = Number((a / b).toFixed(3));
      } else {
        cells.push('');
      }
    }
  }
  table.push([name, label, ...targets.map((t) => fmt(values[t])), ...cells]);
}
const widths = table[0].map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(line(table[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table.slice(1)) console.log(line(r));
console.log(`↑ higher is better, ↓ lower is better. Medians of ${process.env.REPEAT} round(s).`);
for (const r of runs) if (r.result.error) console.log(`${r.target} ${r.name}: ${r.result.error}`);
// Switchboard against itself: the other transports and two shards, each as a ratio of the
// websocket fan-out with one shard, per server CPU-second (the issue's yardsticks: sse and
// polling within 2x of websocket, i.e. >= 0.5; two shards >= 1.7x one, i.e. per CPU-second
// >= 0.85 of one shard's while using two cores).
const scaling = {};
const base = metric('switchboard', 'fanout', 'delivered_per_server_cpu_s');
for (const name of ['fanout_sse', 'fanout_polling', 'fanout_2shards']) {
  const v = metric('switchboard', name, 'delivered_per_server_cpu_s');
  if (typeof v === 'number' && typeof base === 'number' && base > 0) {
    scaling[name] = Number((v / base).toFixed(3));
    console.log(`switchboard ${name} / fanout, delivered per server CPU-s: ${scaling[name].toFixed(2)}`);
  }
}
const rate2 = metric('switchboard', 'fanout_2shards', 'delivered_per_s');
const rate1 = metric('switchboard', 'fanout', 'delivered_per_s');
if (typeof rate2 === 'number' && typeof rate1 === 'number' && rate1 > 0) {
  scaling.fanout_2shards_rate = Number((rate2 / rate1).toFixed(3));
  console.log(`switchboard fanout_2shards / fanout, delivered msgs/s: ${scaling.fanout_2shards_rate.toFixed(2)}` +
              ' (the load generator shares the two CPUs)');
}
// The generator's cost grows with TCP segments rather than messages; near a full core per
// thread it, not the server, may be what limits the result.
const generatorLimit = 85 * Number(process.env.LOADGEN_THREADS);
for (const r of runs) {
  if (r.result.loadgen_cpu_pct >= generatorLimit) {
    console.log(`warning: ${r.target} ${r.name} round ${r.round}: sb_loadgen at ${r.result.loadgen_cpu_pct}% CPU, ` +
                'the result may be limited by the load generator');
  }
}

const summary = {
  date: new Date().toISOString(),
  machine: { cpus: Number(process.env.CPUS), load_average_before: Number(process.env.LOAD_BEFORE) },
  config: {
    sb_threads: Number(process.env.SB_THREADS), loadgen_threads: Number(process.env.LOADGEN_THREADS),
    fanout_rate: Number(process.env.FANOUT_RATE), echo_rate: Number(process.env.ECHO_RATE),
    pinned: process.env.PIN === '1', repeat: Number(process.env.REPEAT), node: process.version,
    command: process.env.COMMAND,
  },
  runs,
  ratios,
  switchboard_scaling: scaling,
};
fs.writeFileSync(outPath, JSON.stringify(summary, null, 2) + '\n');
console.log(`wrote ${require("path").relative(process.cwd(), outPath) || outPath}`);
EOF
