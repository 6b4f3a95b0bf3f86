#!/usr/bin/env bash
# The dashboard in a real browser (issue 31): real searches of every kind (seeds of one method, local, a
# multi-objective, a multi-fidelity and a parallel search, and one still running), the shipped checkpoint and
# meta-dataset, served by `meta_test dashboard` on the loopback address and driven through Debian's Chromium
# by playwright-core (tests/browser/dashboard_browser_test.mjs); the static report opened with the network
# off. Skipped (exit 77, with the reason) where Chromium or playwright-core is not installed; scripts/setup.sh
# installs both, so CI runs it.
#   tests/cli_dashboard_browser.sh META_TEST META_TRAIN OUT_DIR [SCREENSHOT_DIR]
set -euo pipefail
meta_test=$1
meta_train=$2
out=$3
screenshots=${4:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
chromium=${TNAS_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "SKIP: no Chromium at $chromium (scripts/setup.sh installs Debian's chromium)"; exit 77; }
[ -f "$here/tests/browser/node_modules/playwright-core/package.json" ] ||
  { echo "SKIP: no playwright-core in tests/browser/node_modules (scripts/setup.sh runs npm ci there)"; exit 77; }

rm -rf "$out"
mkdir -p "$out/runs"
curves=$here/bench/oracles/fashion-mnist-tiny-curves.csv
oracle=(--objective "table-curves:$curves" --max-fidelity 27 --dataset fashion-mnist --threads 1)
search() { "$meta_test" search "$@" >> "$out/searches.log" 2>&1 || { cat "$out/searches.log" >&2; exit 1; }; }
for seed in 1 2 3; do search --method random "${oracle[@]}" --budget 12 --seed "$seed" --out "$out/runs/random-seed$seed"; done
search --method local "${oracle[@]}" --budget 15 --seed 1 --out "$out/runs/local"
search --method nsga2 "${oracle[@]}" --objectives acc,params --budget 30 --seed 1 --out "$out/runs/nsga2"
search --method hyperband "${oracle[@]}" --budget 40 --seed 1 --out "$out/runs/hyperband"
search --method random "${oracle[@]}" --budget 6 --workers 2 --seed 1 --out "$out/runs/parallel"
# A search that is running while the page is open: its one trial never finishes.
"$meta_test" search --method random --objective 'command:sh -c "sleep 600" {arch}' --budget 3 \
  --out "$out/runs/live" > "$out/live.log" 2>&1 &
live=$!
# A link out of a run directory, which the file route must refuse.
ln -s /etc/hostname "$out/runs/local/link_out"
front=$("$meta_test" pareto "$out/runs/nsga2" --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["front"]))')

# A fit (3 epochs, seconds) whose folder keeps its per-epoch history, beside the shipped checkpoint and meta-dataset.
"$meta_train" fit --meta "$here/checkpoints/fashion-mnist-tiny.meta.h5" --out "$out/fit" --epochs 3 --batch 16 \
  --arch-hidden 16 --nz 8 --no-dataset-embedding --threads 1 > "$out/fit.log" 2>&1 || { cat "$out/fit.log" >&2; exit 1; }
artifacts=("$here/checkpoints/default" "$out/fit" "$here/checkpoints/fashion-mnist-tiny.meta.h5")
for _ in $(seq 50); do [ -s "$out/runs/live/.lock" ] && break; sleep 0.1; done
"$meta_test" report "$out/runs" "${artifacts[@]}" --out "$out/report.html"

servers=()
cleanup() {
  kill -9 "$live" "${servers[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
start_server() {  # LOG VARIABLE -- dashboard options: starts one, sets VARIABLE to its address
  local log=$1 variable=$2
  shift 3
  "$meta_test" dashboard "$@" > "$log" 2>&1 &
  servers+=($!)
  for _ in $(seq 100); do
    grep -q '^tnas dashboard: http' "$log" 2>/dev/null && break
    sleep 0.1
  done
  local address
  address=$(grep -o 'http://[^ ]*' "$log") || { cat "$log" >&2; exit 1; }
  printf -v "$variable" '%s' "$address"
}
start_server "$out/server.log" url -- "$out/runs" "${artifacts[@]}" --port 0
start_server "$out/token_server.log" token_url -- "$out/runs" --port 0 --token 's3cret token'
echo "dashboard at $url; report $out/report.html; Pareto front of nsga2 (meta_test pareto): $front trials"
TNAS_CHROMIUM=$chromium node "$here/tests/browser/dashboard_browser_test.mjs" "$url" "$token_url" "$out/runs" \
  "$out/report.html" "$front" "$screenshots"
