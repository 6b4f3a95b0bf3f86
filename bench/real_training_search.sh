#!/usr/bin/env bash
# Real-training targets: meta_test search with the train objective, tnas vs random vs local search, the same
# seeds and budget, each target at its own protocol. Targets: MNIST (the README's main job: tiny preset) and,
# with the reference data, a 20-class ImageNet16 subtask held out from the default's meta-training subtasks
# (Imagenet labels 1..83: the first 20 of ImageNet16-120's classes that ../shared/data/imagenet holds),
# trained with the `fast` preset that labels the default's meta-data. Reports per target and method the mean
# over seeds of the best run's validation accuracy (what the search maximizes) and of that run's test
# accuracy, and tnas's overhead per step.
# With --spaces nb201,jahs each method also searches the JAHS space (the cell with activation, learning rate,
# weight decay and TrivialAugment) at the same budget: joint search against the cell alone at the preset's
# hyperparameters, with the methods of --jahs-methods (default: --methods). tnas on jahs needs a JAHS
# checkpoint (--jahs-checkpoint); without one it is skipped, and its finished runs are still reported.
#   bench/real_training_search.sh [--quick] [--seeds N | --seeds mnist=N,imagenet16=M] [--budget N]
#       [--targets mnist,imagenet16] [--methods tnas,bowl,random,local] [--spaces nb201,jahs]
#       [--jahs-methods random,tnas] [--jahs-checkpoint DIR] [--threads N] --out DIR
# Finished runs in DIR are replayed, not retrained (meta_test search resumes), so a target can be added later.
set -euo pipefail
quick=0; out=.; seeds=5; budget=30; targets=mnist,imagenet16; methods=tnas,bowl,random,local; spaces=nb201; jahs_methods=; jahs_checkpoint=; threads=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;; --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; --budget) budget=$2; shift ;;
    --targets) targets=$2; shift ;; --methods) methods=$2; shift ;; --threads) threads=$2; shift ;;
    --spaces) spaces=$2; shift ;; --jahs-checkpoint) jahs_checkpoint=$2; shift ;; --jahs-methods) jahs_methods=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ $quick = 1 ] && { seeds=1; budget=6; targets=mnist; }
jahs_methods=${jahs_methods:-$methods}
seeds_of() {  # seeds for target $1 from --seeds N or --seeds a=N,b=M (default 5)
  case $seeds in
    *=*) local item; for item in ${seeds//,/ }; do [ "${item%%=*}" = "$1" ] && { echo "${item#*=}"; return; }; done; echo 5 ;;
    *) echo "$seeds" ;;
  esac
}
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
specs=()
for t in ${targets//,/ }; do
  case $t in
    mnist) specs+=("mnist=mnist=tiny") ;;
    imagenet16)
      if [ -f "$shared/imagenet/imagenet16/train_data_batch_1.npz" ]; then specs+=("imagenet16=imagenet16:$shared/imagenet/imagenet16?classes=1-83=fast")
      else echo "real_training_search: $shared/imagenet absent, imagenet16 target skipped" >&2; fi ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
done
mkdir -p "$out/real_runs"
seed_counts=()
for spec in "${specs[@]}"; do
  name=${spec%%=*}; rest=${spec#*=}; dataset=${rest%=*}; preset=${rest##*=}
  n=$(seeds_of "$name"); seed_counts+=("$name=$n")
  for space in ${spaces//,/ }; do
    space_methods=$methods; [ "$space" = nb201 ] || space_methods=$jahs_methods
    for m in ${space_methods//,/ }; do
      extra=(); tag=${name}_${m}  # nb201 runs keep their names from before the spaces
      if [ "$space" != nb201 ]; then
        tag=${name}_${space}_${m}; extra=(--space "$space")
        if [ $m = tnas ]; then
          [ -n "$jahs_checkpoint" ] || { echo "real_training_search: $name: tnas on $space not run (no --jahs-checkpoint)" >&2; continue; }
          extra+=(--checkpoint "$jahs_checkpoint")
        fi
      fi
      for ((s = 0; s < n; s++)); do
        "$build/meta_test/meta_test" search --dataset "$dataset" --method $m --objective train --preset "$preset" --budget "$budget" --final-preset none \
          "${extra[@]}" --seed "$s" --threads "$threads" --out "$out/real_runs/${tag}_$s" --force > /dev/null 2> "$out/real_runs/${tag}_$s.log"
      done
    done
  done
done
python3 - "$out" "$budget" "$methods" "$jahs_methods" "$spaces" "${seed_counts[@]}" <<'PY'
import json, os, statistics, sys
out, budget, methods, jahs_methods, spaces, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4].split(","), sys.argv[5].split(","), sys.argv[6:]
def quartiles(v):
    q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return f"{q[1]:.2f} [{q[0]:.2f}, {q[2]:.2f}]"
print("| target | space | method | seeds | best validation acc, median [q1, q3] | test acc of that run, median [q1, q3] | mean / min / max test acc | overhead/step (ms, median) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
rows = []
for spec in specs:
    name, seeds = spec.split("=", 1)[0], int(spec.split("=", 1)[1])
    for space in spaces:
        for m in (methods if space == "nb201" else jahs_methods):
            tag = f"{name}_{m}" if space == "nb201" else f"{name}_{space}_{m}"
            if not all(os.path.exists(f"{out}/real_runs/{tag}_{s}/summary.json") for s in range(seeds)):
                continue  # not run (tnas on a space without its checkpoint)
            valid, test, over = [], [], []
            for s in range(seeds):
                d = f"{out}/real_runs/{tag}_{s}"
                summ = json.load(open(f"{d}/summary.json"))
                trials = [json.loads(l) for l in open(f"{d}/trials.jsonl")]
                valid.append(summ["best_accuracy"]); test.append(summ["best_details"]["test_acc"])
                over += [t["propose_seconds"] * 1000 for t in trials[5:]]
            row = {"target": name, "space": space, "method": m, "valid": valid, "test": test,
                   "overhead_ms": statistics.median(over) if over else 0.0}
            rows.append(row)
            print(f"| {name} | {space} | {m} | {seeds} | {quartiles(valid)} | {quartiles(test)} | "
                  f"{statistics.mean(test):.2f} / {min(test):.2f} / {max(test):.2f} | {row['overhead_ms']:.1f} |")
json.dump({"budget": budget, "rows": rows}, open(f"{out}/real_training_search.json", "w"), indent=2)
PY
