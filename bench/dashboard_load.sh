#!/usr/bin/env bash
# The dashboard's page load and update time with about 10,000 trials over 8 runs (issue 31), measured in
# Debian's Chromium (bench/dashboard_load.mjs, playwright-core from tests/browser/node_modules), and the
# screenshots of every view (bench/plots/dashboard_*.png, from the browser test's runs). Prints a Markdown table.
#   bench/dashboard_load.sh [--quick] [--repeats N] [--out DIR] [--screenshots DIR]   (TNAS_BUILD_DIR: build)
# The runs: random search and regularized evolution, 4 seeds each, 1,250 trials per run (--quick: 100), on a
# command objective whose accuracy is a checksum of the cell (a real process per trial, so real trial records).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${TNAS_BUILD_DIR:-$here/build}
out=$here/bench/out
trials=1250
repeats=5
screenshots=$here/bench/plots
while [ $# -gt 0 ]; do
  case $1 in
    --quick) trials=100; repeats=2 ;;
    --repeats) repeats=$2; shift ;;
    --out) out=$2; shift ;;
    --screenshots) screenshots=$2; shift ;;
    *) echo "dashboard_load: unknown option $1" >&2; exit 1 ;;
  esac
  shift
done
meta_test=$build/meta_test/meta_test
work=$out/dashboard_load
mkdir -p "$work/runs"
objective='command:printf "{\"accuracy\": %s.%s}\n" $(printf %s {arch} | cksum | cut -c1-2) $(printf %s {arch} | cksum | cut -c3-4)'
for method in random evolution; do
  for seed in 1 2 3 4; do  # resumable: a finished run is reopened and left as it is
    nice "$meta_test" search --method "$method" --objective "$objective" --budget "$trials" --seed "$seed" \
      --threads 1 --final-preset none --out "$work/runs/$method-$seed" > "$work/$method-$seed.log" 2>&1 ||
      { tail -3 "$work/$method-$seed.log" >&2; exit 1; }
  done
done
"$meta_test" dashboard "$work/runs" --port 0 > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^tnas dashboard: http' "$work/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/server.log") || { cat "$work/server.log" >&2; exit 1; }
node "$here/bench/dashboard_load.mjs" "$url" "$work/runs" "$repeats" "$out/dashboard_load.json"
# Screenshots of every view, from the browser test's runs (one of each kind of search).
"$here/tests/cli_dashboard_browser.sh" "$meta_test" "$build/meta_train/meta_train" "$work/browser_test" \
  "$screenshots" > "$work/browser_test.log" 2>&1 || { tail -5 "$work/browser_test.log" >&2; exit 1; }
