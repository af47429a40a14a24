#!/usr/bin/env bash
# Builds tests/consumer/project outside Switchboard's tree, as a user would, and runs it
# against the official socket.io-client (check.js).
#
#   run.sh installed <switchboard build dir> <scratch dir>
#       cmake --install the build into <scratch>/prefix, then find_package(Switchboard)
#   run.sh subdirectory <switchboard source dir> <scratch dir>
#       add_subdirectory(<source>) from the consumer's own CMakeLists.txt
set -euo pipefail
mode=$1 from=$2 scratch=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$scratch" && mkdir -p "$scratch"
cp -r "$here/project" "$scratch/src"          # outside the tree: nothing relative leaks in
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
case "$mode" in
installed)
    cmake --install "$from" --prefix "$scratch/prefix" >/dev/null
    test -x "$scratch/prefix/bin/rtdlc"
    cmake -S "$scratch/src" -B "$scratch/build" "${gen[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_PREFIX_PATH="$scratch/prefix"
    ;;
subdirectory)
    # The same build type and compiler launcher as ./sb test's tree, so ccache serves the
    # framework's objects instead of compiling them a second time (-g would otherwise
    # hash the build directory into every object).
    export CCACHE_NOHASHDIR=1
    cmake -S "$scratch/src" -B "$scratch/build" "${gen[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DSWITCHBOARD_SOURCE_DIR="$from"
    ;;
*) echo "run.sh: mode is installed or subdirectory" >&2; exit 2 ;;
esac
cmake --build "$scratch/build" -j "${SB_JOBS:-2}"
node "$here/check.js" "$scratch/build/greeter"
