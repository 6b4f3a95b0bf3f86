#!/usr/bin/env bash
# Sets up (idempotent) and runs the whole test suite. Extra arguments go to ctest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$here/scripts/setup.sh"
build=${TNAS_BUILD_DIR:-build}
cd "$here"
status=0
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@" || status=$?
# Skipped tests say why (e.g. no Slurm to be had here); CTest keeps that in its log only.
grep -h 'SKIPPED: ' "$build/Testing/Temporary/LastTest.log" 2> /dev/null | sort -u || true
exit $status
