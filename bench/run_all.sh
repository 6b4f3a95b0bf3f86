#!/usr/bin/env bash
# Reproduces every table of bench/RESULTS.md: builds, runs each benchmark, writes CSV/JSON and PNG plots
# under --out, and (full runs only) rewrites bench/RESULTS.md from those outputs.
#   [TNAS_REAL_TARGETS=mnist] [TNAS_REAL_SEEDS=5 | mnist=5,imagenet16=3] [TNAS_REAL_JAHS_METHODS=random,tnas]
#   [TNAS_REAL_JAHS_CHECKPOINT=DIR|none] [TNAS_MF_REAL_SEEDS=5 | mnist=5,imagenet16=3] bench/run_all.sh [--quick] [--only STEP,...] [--jobs N] [--device cpu|cuda] [--out DIR]
# --quick runs every benchmark at a tiny size and checks its output is well-formed (CI runs this).
# A full run keeps every step's outputs in bench/results/ (committed) and writes bench/RESULTS.md from them;
# --only reruns the named steps at full size and rewrites RESULTS.md with the other steps' last results,
# each section dated by its own run. --jobs N runs N steps at once (their timings then share the cores). Steps: data_loading bo_step bohnas_step bo_step_python ask_tell_overhead evaluator_speed
# proxy_fidelity surrogate_quality jahs_surrogate_quality meta_dataset_labels search_quality search_ablation search_exploration constraints_oracle
# zero_shot zero_cost_proxies proxies_within_subtask fit_ranking fit_ranking_proxies default_rebuild protocol_transfer protocol_conditioning real_training_search multi_fidelity_oracle multi_fidelity_real multi_objective_oracle multi_objective_real
# parallel_search_oracle parallel_search_real (this one measures wall-clock time: run it with --jobs 1) dashboard_load priors_oracle objectives_real joint_space_real hierarchical_real grammar_oracle grammar_surrogate label_noise label_images protocol_images.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
quick=0
device=cpu
out=""
only=""
jobs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --device) device=$2; shift ;;
    --out) out=$2; shift ;;
    --only) only=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "run_all.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
[ "$device" = cpu ] || [ "$device" = cuda ] || { echo "run_all.sh: --device must be cpu or cuda" >&2; exit 2; }
# The quick run's default folder is emptied first: it checks the pipeline, and what an earlier run (another
# checkout, other reference-data paths) left there must not be resumed or refused as "other settings".
[ -z "$out" ] && [ $quick = 1 ] && rm -rf /tmp/tnas-bench-quick
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

# The transfer meta-data's shards record where their images were; these say where they are on this machine.
transfer_sources=(--source "imagenet16=imagenet16:$TNAS_SHARED_DATA/imagenet/imagenet16?classes=121-1000"
  --source "imagenet32=imagenet32:$TNAS_SHARED_DATA/imagenet/imagenet32?classes=121-1000")

# Each step writes <name>.md (its table) and its JSON/CSV into $out.
step() {
  local name=$1; shift
  log "$name: $*"
  local start=$(date +%s)
  "$@" > "$out/$name.md"
  echo "($(( $(date +%s) - start )) s)" >> "$out/$name.md.time"
  date -u +%Y-%m-%d > "$out/$name.md.date"
  grep -q '^| ' "$out/$name.md" || { echo "run_all: $name produced no table" >&2; exit 1; }
}

if [ $quick = 1 ]; then
  step data_loading "$b/data_loading" --quick --out "$out"
  step bo_step "$b/bo_step" --quick --out "$out"
  step tnas_step "$b/tnas_step" --quick --threads 1 --out "$out"
  step bohnas_step "$b/bohnas_step" --quick --threads 1 --out "$out"
  python_peer --quick
  step evaluator_speed "$b/evaluator_speed" --quick --out "$out"
  step surrogate_quality bench/surrogate_quality.sh --quick --out "$out"
  step meta_dataset_labels bench/meta_dataset_labels.sh --quick --out "$out"
  step jahs_surrogate_quality bench/jahs_surrogate_quality.sh --quick --out "$out"
  if [ $have_shared = 1 ]; then
    step proxy_fidelity "$b/proxy_fidelity" --cells 3 --presets smoke --out "$out"
    step search_quality "$b/search_quality" --seeds 2 --budget 8 --methods "tnas,gp,bowl,random,evolution,local,params,tnas@metad2a=$out/fit_metad2a" --out "$out"
    step zero_shot bench/zero_shot.sh --out "$out" default=checkpoints/default
    step zero_cost_proxies bench/zero_cost_proxies.sh --quick --out "$out"
    step ask_tell_overhead env PYTHONPATH="$build/python" /usr/bin/python3 bench/ask_tell_overhead.py --quick --out "$out"
    step constraints_oracle env PYTHONPATH="$build/python" /usr/bin/python3 bench/constraints_oracle.py --quick --out "$out"
    step priors_oracle /usr/bin/python3 bench/priors_oracle.py --quick --out "$out"
    # An `[ ] && step` here would end the if with status 1 when the images are absent, and set -e would stop.
    if [ -d "$TNAS_SHARED_DATA/imagenet/imagenet16" ]; then
      step proxies_within_subtask "$b/proxies_within_subtask" --meta checkpoints/transfer-meta-data/imagenet16-fast.shard0.h5 "${transfer_sources[@]}" --tasks 2 --threads 1 --out "$out"
      step fit_ranking bench/fit_ranking.sh --quick --out "$out"
      step fit_ranking_proxies bench/fit_ranking.sh --study proxies --quick --out "$out"
      step default_rebuild bench/default_rebuild.sh --quick --out "$out"
      step grammar_surrogate bench/grammar_surrogate.sh --quick --out "$out"
      step label_noise bench/label_noise.sh --out "$out"
      step label_images bench/label_images.sh --quick --out "$out"
      step protocol_images bench/protocol_images.sh --quick --out "$out"
    else
      log "downsampled-ImageNet images absent ($TNAS_SHARED_DATA/imagenet/imagenet16): proxies_within_subtask and fit_ranking (both studies) skipped"
    fi
  else
    log "reference data absent ($TNAS_SHARED_DATA): proxy_fidelity and search_quality skipped"
  fi
  # Its own Fashion-MNIST oracle always; the CIFAR-10 table beside it when the reference data is here.
  step search_exploration bench/search_exploration.sh --quick --out "$out"
  step real_training_search bench/real_training_search.sh --quick --out "$out"
  step multi_fidelity_oracle bench/multi_fidelity_oracle.sh --quick --out "$out"
  step multi_fidelity_real bench/multi_fidelity_real.sh --quick --out "$out"
  if [ $have_shared = 1 ]; then step multi_objective_oracle bench/multi_objective_oracle.sh --quick --out "$out"; fi
  step multi_objective_real bench/multi_objective_real.sh --quick --out "$out"
  step objectives_real /usr/bin/python3 bench/objectives_real.py --quick --out "$out"
  step joint_space_real /usr/bin/python3 bench/joint_space_real.py --quick --out "$out"
  step hierarchical_real /usr/bin/python3 bench/hierarchical_real.py --quick --out "$out"
  if [ $have_shared = 1 ]; then step grammar_oracle /usr/bin/python3 bench/grammar_oracle.py --quick --out "$out"; fi
  step parallel_search_oracle bench/parallel_search_oracle.sh --quick --oracles "$([ $have_shared = 1 ] && echo nb201,curves || echo curves)" --out "$out"
  step parallel_search_real bench/parallel_search_real.sh --quick --out "$out"
  if [ -x /usr/bin/chromium ] && [ -f tests/browser/node_modules/playwright-core/package.json ]; then
    step dashboard_load bench/dashboard_load.sh --quick --out "$out" --screenshots "$out/dashboard_screenshots"
  else
    log "no Chromium or playwright-core (scripts/setup.sh installs both): dashboard_load skipped"
  fi
  for f in "$out"/*.json; do python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$f" || { echo "run_all: $f is not valid JSON" >&2; exit 1; }; done
  log "quick run OK: $(ls "$out"/*.md | wc -l) tables in $out"
  exit 0
fi

[ $have_shared = 1 ] || { echo "run_all: the full run needs the reference data in $TNAS_SHARED_DATA" >&2; exit 1; }
tnas_peers="tnas,gp,bowl,random,evolution,local,params,tnas@fashion-mnist=$out/fit_with_d,tnas@metad2a=$out/fit_metad2a"
full_step() {
  case $1 in
    data_loading) step data_loading "$b/data_loading" --out "$out" ;;
    bo_step) step bo_step "$b/bo_step" --out "$out" ;;
    tnas_step) step tnas_step "$b/tnas_step" --threads 1 --out "$out" ;;
    bohnas_step) step bohnas_step "$b/bohnas_step" --threads 1 --out "$out" ;;
    bo_step_python) python_peer ;;
    evaluator_speed) step evaluator_speed "$b/evaluator_speed" --out "$out" ;;
    proxy_fidelity) step proxy_fidelity "$b/proxy_fidelity" --cells 50 --presets smoke,tiny,fast --out "$out" ;;
    surrogate_quality) step surrogate_quality bench/surrogate_quality.sh --out "$out" ;;
    meta_dataset_labels) step meta_dataset_labels bench/meta_dataset_labels.sh --out "$out" ;;
    search_quality)
      # The peers that need surrogate_quality's fits are left out (said) when those fits are not in $out.
      local methods=""
      for m in ${tnas_peers//,/ }; do
        dir=${m#*=}
        if [ "$dir" != "$m" ] && [ ! -f "$dir/manifest.json" ]; then log "search_quality: $dir is absent (run surrogate_quality first): ${m%%=*} left out"; continue; fi
        methods+="${methods:+,}$m"
      done
      step search_quality "$b/search_quality" --seeds 20 --budget 30 --methods "$methods" --out "$out" ;;
    search_ablation) step search_ablation bench/search_ablation.sh --out "$out" ;;
    search_exploration) step search_exploration bench/search_exploration.sh --out "$out" ;;
    zero_shot)
      # The previous default (Fashion-MNIST subtasks, tiny proxy) as committed before the ImageNet one replaced it.
      local previous=()
      rm -rf "$out/previous_default"
      if git cat-file -e 2a61ae8:checkpoints/default/manifest.json 2>/dev/null; then
        mkdir -p "$out/previous_default" && git archive 2a61ae8 checkpoints/default | tar -x -C "$out/previous_default"
        previous=("fashion-mnist-tiny=$out/previous_default/checkpoints/default")
      fi
      step zero_shot bench/zero_shot.sh --out "$out" default=checkpoints/default "${previous[@]}" ;;
    proxies_within_subtask) step proxies_within_subtask "$b/proxies_within_subtask" --meta checkpoints/transfer-meta-data/imagenet16-fast.shard0.h5 \
      --meta checkpoints/transfer-meta-data/imagenet32-fast32.shard0.h5 "${transfer_sources[@]}" --threads 1 --out "$out" ;;
    zero_cost_proxies) step zero_cost_proxies bench/zero_cost_proxies.sh --sample 1000 --out "$out" ;;
    constraints_oracle) step constraints_oracle env PYTHONPATH="$build/python" /usr/bin/python3 bench/constraints_oracle.py --seeds 20 --budget 30 --out "$out" ;;
    ask_tell_overhead) step ask_tell_overhead env PYTHONPATH="$build/python" /usr/bin/python3 bench/ask_tell_overhead.py --seeds 5 --budget 30 --out "$out" ;;
    fit_ranking) step fit_ranking bench/fit_ranking.sh --seeds 5 --out "$out" ;;
    fit_ranking_proxies) step fit_ranking_proxies bench/fit_ranking.sh --study proxies --seeds 3 --jobs 1 --out "$out" ;;
    default_rebuild) step default_rebuild bench/default_rebuild.sh --fits 3 --seeds 20 --budget 30 --out "$out" ;;
    protocol_transfer) step protocol_transfer bench/protocol_transfer.sh --seeds 3 --out "$out" ;;
    protocol_conditioning) step protocol_conditioning bench/protocol_conditioning.sh --seeds 3 --out "$out" ;;
    jahs_surrogate_quality) step jahs_surrogate_quality bench/jahs_surrogate_quality.sh --out "$out" ;;
    real_training_search)
      # Both spaces; tnas on jahs with TNAS_REAL_JAHS_CHECKPOINT (default: jahs_surrogate_quality's fit when it
      # is in $out; none: its runs are not started, finished ones are still reported).
      local jahs=() ck=${TNAS_REAL_JAHS_CHECKPOINT:-$out/fit_jahs}
      [ "$ck" != none ] && [ -f "$ck/manifest.json" ] && jahs=(--jahs-checkpoint "$ck")
      step real_training_search bench/real_training_search.sh --targets "${TNAS_REAL_TARGETS:-mnist,imagenet16}" --seeds "${TNAS_REAL_SEEDS:-5}" \
        --spaces nb201,jahs --jahs-methods "${TNAS_REAL_JAHS_METHODS:-random,tnas}" "${jahs[@]}" --out "$out" ;;
    multi_fidelity_oracle) step multi_fidelity_oracle bench/multi_fidelity_oracle.sh --seeds 20 --budget 30 --out "$out" ;;
    multi_fidelity_real) step multi_fidelity_real bench/multi_fidelity_real.sh --targets "${TNAS_REAL_TARGETS:-mnist,imagenet16}" --seeds "${TNAS_MF_REAL_SEEDS:-5}" --out "$out" ;;
    multi_objective_oracle) step multi_objective_oracle bench/multi_objective_oracle.sh --seeds 20 --budget 100 --out "$out" ;;
    multi_objective_real) step multi_objective_real bench/multi_objective_real.sh --seeds 3 --budget 20 --out "$out" ;;
    parallel_search_oracle) step parallel_search_oracle bench/parallel_search_oracle.sh --seeds 20 --budget 30 --workers 4 --simulated-seconds 1 --out "$out" ;;
    parallel_search_real) step parallel_search_real bench/parallel_search_real.sh --seeds 3 --budget 12 --workers 2 --out "$out" ;;
    priors_oracle) step priors_oracle /usr/bin/python3 bench/priors_oracle.py --seeds 20 --budget 30 --jobs 2 --out "$out" ;;
    objectives_real) step objectives_real /usr/bin/python3 bench/objectives_real.py --cells 20 --seeds 3 --budget 15 --out "$out" ;;
    joint_space_real) step joint_space_real /usr/bin/python3 bench/joint_space_real.py --seeds 3 --budget 20 --out "$out" ;;
    hierarchical_real) step hierarchical_real /usr/bin/python3 bench/hierarchical_real.py --seeds 3 --budget 50 --targets cifar10,imagenet16 --out "$out" ;;
    grammar_oracle) step grammar_oracle /usr/bin/python3 bench/grammar_oracle.py --seeds 60 --budget 30 --out "$out" ;;
    grammar_surrogate) step grammar_surrogate bench/grammar_surrogate.sh --seeds 3 --epochs 20 --out "$out" ;;
    label_noise) step label_noise bench/label_noise.sh --out "$out" ;;
    label_images) step label_images bench/label_images.sh --seeds 5 --out "$out" ;;
    protocol_images) step protocol_images bench/protocol_images.sh --seeds 3 --out "$out" ;;
    dashboard_load) step dashboard_load bench/dashboard_load.sh --repeats 5 --out "$out" ;;
    *) echo "run_all: unknown step '$1'" >&2; exit 2 ;;
  esac
}
all_steps="data_loading bo_step tnas_step bohnas_step bo_step_python ask_tell_overhead evaluator_speed proxy_fidelity surrogate_quality jahs_surrogate_quality meta_dataset_labels search_quality search_ablation search_exploration constraints_oracle zero_shot zero_cost_proxies proxies_within_subtask fit_ranking fit_ranking_proxies default_rebuild protocol_transfer protocol_conditioning real_training_search multi_fidelity_oracle multi_fidelity_real multi_objective_oracle multi_objective_real parallel_search_oracle parallel_search_real dashboard_load priors_oracle objectives_real joint_space_real hierarchical_real grammar_oracle grammar_surrogate label_noise label_images protocol_images"
steps=${only//,/ }
steps=${steps:-$all_steps}
for s in $steps; do [[ " $all_steps " == *" $s "* ]] || { echo "run_all: unknown step '$s' (steps: $all_steps)" >&2; exit 2; }; done
for s in $steps; do
  rm -f "$out/$s.failed"
  ( full_step "$s" || touch "$out/$s.failed" ) &
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 2; done
done
wait
for s in $steps; do [ ! -f "$out/$s.failed" ] || { echo "run_all: step $s failed" >&2; exit 1; }; done
results=bench/results
mkdir -p "$results"
for s in $steps; do rm -f "$results/$s".* ; done
# Only the steps that ran: another step's file in $out may be a killed run's (empty or partial).
for s in $steps; do
  cp "$out/$s".md "$out/$s".md.time "$out/$s".md.date "$results"/
  if [ -f "$out/$s.json" ]; then cp "$out/$s.json" "$results"/; fi
done
[ -f "$out/search_quality_curves.csv" ] && cp "$out/search_quality_curves.csv" "$results"/
bench/plots.sh "$results"
mkdir -p bench/plots && mv "$results"/*.png bench/plots/ 2>/dev/null || true
for plot in multi_fidelity multi_objective; do
  [[ " $steps " == *" ${plot}_oracle "* ]] && cp "$out/$plot.png" bench/plots/ 2>/dev/null || true
done
rm -f "$results"/*.dat "$results"/methods.txt
bench/write_results.sh "$results" > bench/RESULTS.md
log "wrote bench/RESULTS.md from $results"
