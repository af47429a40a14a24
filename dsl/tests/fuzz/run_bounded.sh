#!/usr/bin/env bash
# Bounded libFuzzer run for CTest ("rtdl: fuzz (bounded)", registered by bounded_test.cmake).
#
#   run_bounded.sh <dsl-source-dir> <fuzz-build-dir> [seconds]
#
# Configures dsl/ on its own with clang++ and RTDL_FUZZ=ON into <fuzz-build-dir>
# (incremental on re-runs), builds only rtdl_fuzz, seeds a scratch corpus in the build
# tree from the examples and golden .rtdl files, and fuzzes for [seconds] (default 45).
# Any crash, leak, timeout or sanitizer report makes libFuzzer exit non-zero; artifacts
# land in <fuzz-build-dir>/artifacts. Nothing is written into the source tree.
set -euo pipefail

src=$(cd "$1" && pwd)
build=$2
seconds=${3:-45}
cxx=${RTDL_FUZZ_CXX:-clang++}
jobs=${RTDL_FUZZ_JOBS:-2}

mkdir -p "$build"
build=$(cd "$build" && pwd)

if [ ! -f "$build/CMakeCache.txt" ]; then
    gen=()
    command -v ninja >/dev/null && gen=(-G Ninja)
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    echo "== configure $build (CXX=$cxx, RTDL_FUZZ=ON)"
    CXX=$cxx cmake -S "$src" -B "$build" "${gen[@]}" "${launcher[@]}" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRTDL_FUZZ=ON >"$build/configure.log" 2>&1 \
        || { cat "$build/configure.log"; rm -f "$build/CMakeCache.txt"; exit 1; }
fi

echo "== build rtdl_fuzz (-j$jobs)"
cmake --build "$build" --target rtdl_fuzz -j "$jobs"

# Scratch corpus: seeds copied fresh each run; inputs libFuzzer found earlier are kept.
corpus=$build/bounded-corpus
artifacts=$build/artifacts
mkdir -p "$corpus" "$artifacts"
seeds=0
for f in "$src"/examples/*.rtdl "$src"/tests/diagnostics/*.rtdl "$src"/tests/generated/*.rtdl; do
    [ -f "$f" ] || continue
    cp "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    seeds=$((seeds + 1))
done
echo "== fuzz ${seconds}s: $seeds seeds, corpus $(ls "$corpus" | wc -l) files in $corpus"

cd "$build"   # libFuzzer may write fuzz-*.log here
exec "$build/tests/fuzz/rtdl_fuzz" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$src/tests/fuzz/rtdl.dict" -artifact_prefix="$artifacts/" \
    "$corpus"
