#!/bin/sh
# Runs the python-socketio integration tests (Debian python3-socketio 5.7.2).
#
#   SB_SERVER=node tests/integration/python/run.sh      # against reference_server.js
#   tests/integration/python/run.sh                     # against build/tests/integration/sb_test_server
#   SB_TEST_SERVER=/path/to/sb_test_server tests/integration/python/run.sh
#
# Extra arguments go to unittest (e.g. -k Rooms). Exits non-zero on failure.
# /usr/bin/python3 on purpose: the python3 on PATH lacks Debian's modules.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec timeout -k 10 300 /usr/bin/python3 -m unittest discover -s "$here" -t "$here" -v "$@"
