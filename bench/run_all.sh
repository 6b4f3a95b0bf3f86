#!/usr/bin/env bash
# Reproduces every table of bench/RESULTS.md: builds, runs each benchmark, writes CSV/JSON and PNG plots
# under --out, and (full runs only) rewrites bench/RESULTS.md from those outputs.
#   bench/run_all.sh [--quick] [--device cpu|cuda] [--out DIR]
# --quick runs every benchmark at a tiny size and checks its output is well-formed (CI runs this).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
quick=0
device=cpu
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --device) device=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n 2,6p "$0"; exit 0 ;;
    *) echo "run_all.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
[ "$device" = cpu ] || [ "$device" = cuda ] || { echo "run_all.sh: --device must be cpu or cuda" >&2; exit 2; }
out=${out:-$([ $quick = 1 ] && echo /tmp/tnas-bench-quick || echo bench/out)}
mkdir -p "$out"
build=${TNAS_BUILD_DIR:-build}
cmake --build "$build" -j "$(nproc)" >/dev/null
export TNAS_SHARED_DATA=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
b="$build/bench"
log() { echo "run_all: $*" >&2; }
have_shared=1
# The Python BO-step peer needs a python3 with torch (Debian: python3-torch, not part of scripts/setup.sh).
torch_python=""
for p in python3 /usr/bin/python3; do "$p" -c 'import torch' 2>/dev/null && { torch_python=$p; break; }; done
python_peer() {
  if [ -n "$torch_python" ]; then step bo_step_python "$torch_python" bench/reference/gp_step_pytorch.py "$@" --threads "$(nproc)" --json "$out/bo_step_python.json"
  else log "python3 has no torch (apt install python3-torch): the Python BO-step peer is skipped"; fi
}
[ -f "$TNAS_SHARED_DATA/nb201/cifar10_test_acc_200ep.csv" ] || have_shared=0

# Each step writes <name>.md (its table) and its JSON/CSV into $out.
step() {
  local name=$1; shift
  log "$name: $*"
  local start=$(date +%s)
  "$@" > "$out/$name.md"
  echo "($(( $(date +%s) - start )) s)" >> "$out/$name.md.time"
  grep -q '^| ' "$out/$name.md" || { echo "run_all: $name produced no table" >&2; exit 1; }
}

if [ $quick = 1 ]; then
  step data_loading "$b/data_loading" --quick --out "$out"
  step bo_step "$b/bo_step" --quick --out "$out"
  python_peer --quick
  step evaluator_speed "$b/evaluator_speed" --quick --out "$out"
  step surrogate_quality bench/surrogate_quality.sh --quick --out "$out"
  step meta_dataset_labels bench/meta_dataset_labels.sh --quick --out "$out"
  if [ $have_shared = 1 ]; then
    step proxy_fidelity "$b/proxy_fidelity" --cells 3 --presets smoke --out "$out"
    step search_quality "$b/search_quality" --seeds 2 --budget 8 --methods "tnas,gp,random,evolution,local,tnas@metad2a=$out/fit_metad2a" --out "$out"
  else
    log "reference data absent ($TNAS_SHARED_DATA): proxy_fidelity and search_quality skipped"
  fi
  step mnist_search bench/mnist_search.sh --quick --out "$out"
  for f in "$out"/*.json; do python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$f" || { echo "run_all: $f is not valid JSON" >&2; exit 1; }; done
  log "quick run OK: $(ls "$out"/*.md | wc -l) tables in $out"
  exit 0
fi

[ $have_shared = 1 ] || { echo "run_all: the full run needs the reference data in $TNAS_SHARED_DATA" >&2; exit 1; }
step data_loading "$b/data_loading" --out "$out"
step bo_step "$b/bo_step" --out "$out"
python_peer
step evaluator_speed "$b/evaluator_speed" --out "$out"
step proxy_fidelity "$b/proxy_fidelity" --cells 50 --presets smoke,tiny,fast --out "$out"
step surrogate_quality bench/surrogate_quality.sh --out "$out"
step meta_dataset_labels bench/meta_dataset_labels.sh --out "$out"
step search_quality "$b/search_quality" --seeds 20 --budget 30 --methods "tnas,gp,random,evolution,local,tnas@metad2a=$out/fit_metad2a" --out "$out"
step mnist_search bench/mnist_search.sh --out "$out"
bench/plots.sh "$out"
mkdir -p bench/plots && cp "$out"/*.png bench/plots/
bench/write_results.sh "$out" > bench/RESULTS.md
log "wrote bench/RESULTS.md from $out"
