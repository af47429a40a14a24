#!/usr/bin/env bash
# Bounded libFuzzer runs over every parser that reads bytes from outside (CTest "fuzz: ...").
#
#   run_fuzz.sh <repo> <build-dir> <seconds-per-target> [target...]
#
# A target is tests/fuzz/fuzz_<target>.cpp. Each is built with clang++, libFuzzer, ASan and
# UBSan against the few pure codec files it needs (no CMake tree of its own: the codecs have
# no I/O and no Asio), compiled once into <build-dir>/obj. For each target the runner
#   1. replays every file in tests/fuzz/regressions/<target>/ (inputs that once crashed:
#      a regression fails the test before any fuzzing starts), then
#   2. fuzzes for <seconds-per-target>, from a scratch corpus seeded with
#      tests/fuzz/seeds/<target>/ (inputs taken from the unit tests).
# A crash leaves its input in <build-dir>/artifacts/; copy it into regressions/<target>/
# with the fix. Default targets: all of them.
set -euo pipefail
repo=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
seconds=$3
shift 3
here=$repo/tests/fuzz
cxx=${SB_FUZZ_CXX:-clang++}
launcher=(); command -v ccache >/dev/null && launcher=(ccache)
flags=(-std=c++20 -O1 -g -fno-sanitize-recover=undefined -I"$repo/framework/include" -I"$repo/framework/src")
targets=("$@")
if ((${#targets[@]} == 0)); then
    for f in "$here"/fuzz_*.cpp; do t=${f##*/fuzz_}; targets+=("${t%.cpp}"); done
fi

# Compiles the codec sources of one group into objects; prints their paths.
objects() {
    local group=$1 src obj srcs=()
    case $group in
    protocol) srcs=("$repo"/framework/src/protocol/*.cpp "$repo/framework/src/error.cpp") ;;
    redis_wire) srcs=("$repo"/framework/src/adapters/redis/wire/*.cpp) ;;
    esac
    mkdir -p "$build/obj/$group"
    for src in "${srcs[@]}"; do
        obj=$build/obj/$group/$(basename "${src%.cpp}").o
        if [[ ! -f $obj || $src -nt $obj || -n $(find "$(dirname "$src")" "$repo/framework/include" -name '*.hpp' -newer "$obj" | head -1) ]]; then
            "${launcher[@]}" "$cxx" "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$obj" >&2
        fi
        echo "$obj"
    done
}

failed=0
for t in "${targets[@]}"; do
    src=$here/fuzz_$t.cpp
    bin=$build/fuzz_$t
    case $t in
    redis_wire) group=redis_wire; libs=(-lboost_json) ;;
    *) group=protocol; libs=(-lsimdjson -lboost_json -lcrypto) ;;
    esac
    mapfile -t objs < <(objects "$group")
    if [[ ! -x $bin || -n $(find "$src" "${objs[@]}" -newer "$bin" | head -1) ]]; then
        echo "== build fuzz_$t"
        "${launcher[@]}" "$cxx" "${flags[@]}" -fsanitize=fuzzer,address,undefined "$src" "${objs[@]}" "${libs[@]}" -o "$bin"
    fi
    corpus=$build/corpus/$t
    mkdir -p "$corpus" "$build/artifacts"
    [[ -d $here/seeds/$t ]] && cp -f "$here/seeds/$t"/* "$corpus/"
    if [[ $t == redis_wire ]]; then
        # Seeds: every golden msgpack vector, and RESP replies of each type.
        while IFS=$'\t' read -r hex _; do
            printf '%s' "$hex" | xxd -r -p >"$corpus/golden-${hex:0:24}"
        done <"$repo/tests/unit/golden/notepack.txt"
        printf '*4\r\n$8\r\npmessage\r\n$13\r\nsocket.io#/#*\r\n$12\r\nsocket.io#/#\r\n$3\r\n\x93\x01\x02\r\n' >"$corpus/resp-pmessage"
        printf '*2\r\n$20\r\nsocket.io-request#/#\r\n:3\r\n' >"$corpus/resp-numsub"
        printf '{"uid":"x","requestId":"y","type":5,"opts":{"rooms":["r"],"except":[]}}' >"$corpus/json-fetch"
    fi
    if compgen -G "$here/regressions/$t/*" >/dev/null; then
        echo "== fuzz_$t: replay regressions"
        "$bin" "$here/regressions/$t"/* || { echo "FAILED: a regression input of $t crashes again"; failed=1; continue; }
    fi
    echo "== fuzz_$t: ${seconds}s, corpus $(ls "$corpus" | wc -l) files"
    rc=0
    (cd "$build" && "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$corpus") >"$build/fuzz_$t.log" 2>&1 || rc=$?
    if ((rc == 0)); then
        grep -E 'DONE|stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$build/fuzz_$t.log"
    else
        grep -Ev '^#[0-9]+' "$build/fuzz_$t.log" | tail -60
        echo "FAILED: fuzz_$t exited $rc; the input is in $build/artifacts/$t-*"
        failed=1
    fi
done
exit $failed
