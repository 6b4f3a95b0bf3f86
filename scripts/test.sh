#!/usr/bin/env bash
# Sets up (idempotent) and runs the whole test suite. Extra arguments go to ctest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$here/scripts/setup.sh"
build=${TNAS_BUILD_DIR:-build}
cd "$here"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
