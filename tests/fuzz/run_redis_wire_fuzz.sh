#!/usr/bin/env bash
# Bounded libFuzzer run over the Redis wire codecs (CTest "redis: fuzz wire codecs").
#
#   run_redis_wire_fuzz.sh <repo> <build-dir> [seconds]
#
# Builds fuzz_redis_wire.cpp and the three codec files with clang++, libFuzzer, ASan and
# UBSan (a handful of files: no CMake tree of its own), seeds a scratch corpus from the
# notepack golden vectors and a few RESP replies, and fuzzes for [seconds] (default 20).
set -euo pipefail
repo=$(cd "$1" && pwd)
build=$2
seconds=${3:-20}
cxx=${SB_FUZZ_CXX:-clang++}
mkdir -p "$build/corpus" "$build/artifacts"
build=$(cd "$build" && pwd)
wire=$repo/framework/src/adapters/redis/wire
bin=$build/fuzz_redis_wire
sources=("$repo/tests/fuzz/fuzz_redis_wire.cpp" "$wire/resp.cpp" "$wire/msgpack.cpp" "$wire/messages.cpp")
if [[ ! -x $bin ]] || [[ -n $(find "${sources[@]}" "$wire"/*.hpp -newer "$bin" 2>/dev/null) ]]; then
    echo "== build $bin"
    launcher=(); command -v ccache >/dev/null && launcher=(ccache)
    "${launcher[@]}" "$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$repo/framework/src" -I"$repo/framework/include" "${sources[@]}" -lboost_json -o "$bin"
fi
# Seeds: every golden msgpack vector, and RESP replies of each type.
while IFS=$'\t' read -r hex _; do
    printf '%s' "$hex" | xxd -r -p >"$build/corpus/golden-${hex:0:24}"
done <"$repo/tests/unit/golden/notepack.txt"
printf '*4\r\n$8\r\npmessage\r\n$13\r\nsocket.io#/#*\r\n$12\r\nsocket.io#/#\r\n$3\r\n\x93\x01\x02\r\n' >"$build/corpus/resp-pmessage"
printf '*2\r\n$20\r\nsocket.io-request#/#\r\n:3\r\n' >"$build/corpus/resp-numsub"
printf '{"uid":"x","requestId":"y","type":5,"opts":{"rooms":["r"],"except":[]}}' >"$build/corpus/json-fetch"
echo "== fuzz ${seconds}s, corpus $(ls "$build/corpus" | wc -l) files"
cd "$build"
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/" "$build/corpus"
