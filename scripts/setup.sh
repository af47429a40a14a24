#!/usr/bin/env bash
# Installs whatever is missing to build, run and test Switchboard: Debian packages
# (compiler toolchain, Boost 1.81, simdjson, Catch2, redis, nginx, python3-socketio)
# and the npm packages in package.json (official Socket.IO client and server, used by
# the pages, the integration tests and the benchmark peer). Idempotent: a second run
# only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(build-essential cmake ninja-build ccache pkg-config
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
      libsimdjson-dev catch2 libssl-dev zlib1g-dev libcrypt-dev
      nodejs npm python3-socketio python3-websocket python3-requests
      redis-server nginx chromium clang xxd)

missing=()
for p in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere (nvm, the image): only install them if absent.
if command -v node >/dev/null && command -v npm >/dev/null; then
    tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
    missing=("${tmp[@]+"${tmp[@]}"}")
fi
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages (package-lock.json pins them). `npm ci` only when node_modules is stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
fi
