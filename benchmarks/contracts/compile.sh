#!/usr/bin/env bash
# How long a large contract's generated C++ takes to compile, and how much memory the
# compiler needs, in one file and dealt out over several (rtdlc --cpp-parts). A benchmark,
# not a test: it prints a table and writes benchmarks/results/contract-compile-latest.json.
#
#   benchmarks/contracts/compile.sh
#
# Knobs (environment):
#   EVENTS    events of the generated contract (default 500)
#   PARTS     the split compared with one file (default 8)
#   JOBS      compilers run at once for the split (default: nproc)
#   BUILD_DIR a configured build tree with rtdlc (default <repo>/build)
#   CXXFLAGS  default "-O2" (the tree's RelWithDebInfo adds -g, which only adds time)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
EVENTS=${EVENTS:-500}
PARTS=${PARTS:-8}
JOBS=${JOBS:-$(nproc)}
CXXFLAGS=${CXXFLAGS:--O2}
RTDLC=$BUILD_DIR/dsl/rtdlc
RESULTS=$ROOT/benchmarks/results/contract-compile-latest.json
[ -x "$RTDLC" ] || { echo "no rtdlc at $RTDLC (build the tree first)" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 "$ROOT/benchmarks/contracts/make_contract.py" "$EVENTS" > "$TMP/big.rtdl"

# The flags a target that rtdl_generate()s gets, minus ccache (it would time a cache hit).
compile_one() { # file -> prints "seconds peak_kb"
    /usr/bin/time -f "%e %M" -o "$1.time" c++ -std=c++20 $CXXFLAGS -DNDEBUG \
        -DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_BEAST_SEPARATE_COMPILATION -DBOOST_ASIO_NO_DEPRECATED \
        -DBOOST_JSON_NO_LIB -DBOOST_URL_NO_LIB -DSIMDJSON_THREADS_ENABLED=1 \
        -I"$(dirname "$1")" -I"$ROOT/framework/include" -c "$1" -o "$1.o"
    cat "$1.time"
}
export -f compile_one
export CXXFLAGS ROOT

run() { # parts -> "wall_s max_rss_kb sum_cpu_s"
    local dir=$TMP/p$1
    mkdir -p "$dir"
    "$RTDLC" --emit=cpp --cpp-parts "$1" --out-dir "$dir" "$TMP/big.rtdl"
    local start end
    start=$(date +%s.%N)
    ls "$dir"/*.cpp | xargs -P "$JOBS" -I{} bash -c 'compile_one {}' > "$dir/times"
    end=$(date +%s.%N)
    awk -v wall="$(echo "$end - $start" | bc)" '{ if ($2 > m) m = $2; s += $1 } END { printf "%.1f %d %.1f\n", wall, m, s }' "$dir/times"
}

echo "contract: $EVENTS events ($(wc -l < "$TMP/big.rtdl") lines), $CXXFLAGS, $JOBS jobs"
read -r w1 m1 c1 < <(run 1)
read -r wn mn cn < <(run "$PARTS")
printf "%-12s %10s %14s %12s\n" "files" "wall s" "peak RSS MB" "CPU s"
printf "%-12s %10s %14d %12s\n" "1" "$w1" $((m1 / 1024)) "$c1"
printf "%-12s %10s %14d %12s\n" "$PARTS" "$wn" $((mn / 1024)) "$cn"
ratio() { echo "scale=2; $1 / $2" | bc; }
printf "split/one: wall %sx, peak memory %sx, CPU %sx\n" "$(ratio "$wn" "$w1")" "$(ratio "$mn" "$m1")" "$(ratio "$cn" "$c1")"
cat > "$RESULTS" <<JSON
{
  "benchmark": "contract-compile",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "events": $EVENTS, "cxxflags": "$CXXFLAGS", "jobs": $JOBS,
  "one_file": {"wall_s": $w1, "peak_rss_kb": $m1, "cpu_s": $c1},
  "split": {"parts": $PARTS, "wall_s": $wn, "peak_rss_kb": $mn, "cpu_s": $cn},
  "ratios": {"wall": $(ratio "$wn" "$w1"), "peak_rss": $(ratio "$mn" "$m1"), "cpu": $(ratio "$cn" "$c1")}
}
JSON
echo "wrote $RESULTS"
