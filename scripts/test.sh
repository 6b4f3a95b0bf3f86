#!/usr/bin/env bash
# Sets up (idempotent) and runs the whole test suite. Extra arguments go to ctest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$here/scripts/setup.sh"
build=${TNAS_BUILD_DIR:-build}
cd "$here"
status=0
# Style is a checked habit: every C++ file must be as the repository's .clang-format writes it.
cpp_files=$(git ls-files '*.cpp' '*.h' 2> /dev/null || find basics graphs datasets models meta_train meta_test tests bench examples -name '*.cpp' -o -name '*.h' 2> /dev/null)
unformatted=$(echo "$cpp_files" | xargs clang-format --style=file --dry-run 2>&1 | grep 'code should be clang-formatted' | cut -d: -f1 | sort -u || true)
if [ -n "$unformatted" ]; then
  echo "test: $(echo "$unformatted" | wc -l) files are not formatted by .clang-format (run clang-format -i on them):" >&2
  echo "$unformatted" | sed 's/^/  /' >&2
  status=1
fi
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@" || status=$?
[ -z "$unformatted" ] || echo "test: failed: unformatted files (listed above)" >&2
# Skipped tests say why (e.g. no Slurm to be had here); CTest keeps that in its log only.
grep -h 'SKIPPED: ' "$build/Testing/Temporary/LastTest.log" 2> /dev/null | sort -u || true
exit $status
