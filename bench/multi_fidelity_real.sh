#!/usr/bin/env bash
# Multi-fidelity on real training: meta_test search with the train objective, random, hyperband, bohb, tnas and
# tnas-hb side by side, the same seeds and an equal budget in training epochs (--budget full evaluations'
# worth; a full evaluation trains --max-fidelity epochs, which every single-fidelity trial does too, and the
# learning-rate schedule of every trial spans it). Targets: MNIST with the tiny preset's data at 27 epochs,
# and (with the reference data) the 20-class ImageNet16 subtask of table 1c with the fast preset at 9 epochs.
# The answer is each search's incumbent (the best validation accuracy at the highest fidelity reached); the
# table gives the test accuracy of its training run, median and quartiles over seeds.
#   bench/multi_fidelity_real.sh [--quick] [--seeds N | --seeds mnist=N,imagenet16=M] [--targets mnist,imagenet16]
#       [--methods M,...] --out DIR
# Two runs at a time, one thread each. Finished runs in DIR/mf_real_runs are replayed, not retrained;
# --report-only: only the table, from the runs already there.
set -euo pipefail
quick=0; report_only=0; out=.; seeds=5; targets=mnist,imagenet16; methods=random,hyperband,bohb,tnas,tnas-hb
while [ $# -gt 0 ]; do case "$1" in
  --quick) quick=1 ;; --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; --targets) targets=$2; shift ;;
  --methods) methods=$2; shift ;; --report-only) report_only=1 ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
seeds_of() {  # seeds for target $1 from --seeds N or --seeds a=N,b=M (default 5)
  case $seeds in
    *=*) local item; for item in ${seeds//,/ }; do [ "${item%%=*}" = "$1" ] && { echo "${item#*=}"; return; }; done; echo 5 ;;
    *) echo "$seeds" ;;
  esac
}
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
specs=()  # name|dataset|preset|max_epochs|budget (datasets hold "=")
for t in ${targets//,/ }; do
  case $t in
    mnist) specs+=("mnist|mnist|tiny|27|12") ;;
    imagenet16)
      if [ -f "$shared/imagenet/imagenet16/train_data_batch_1.npz" ]; then specs+=("imagenet16|imagenet16:$shared/imagenet/imagenet16?classes=1-83|fast|9|6")
      else echo "multi_fidelity_real.sh: $shared/imagenet absent, imagenet16 target skipped" >&2; fi ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
done
[ $quick = 1 ] && { seeds=1; specs=("mnist|mnist|smoke|3|2"); }
counted=()
for spec in "${specs[@]}"; do counted+=("$spec|$(seeds_of "${spec%%|*}")"); done
w="$out/mf_real_runs"
[ $quick = 1 ] && rm -rf "$w"  # a check of the pipeline, not a study to resume: runs of another build may differ
mkdir -p "$w"
start=$(date +%s)
run_one() {  # NAME DATASET PRESET MAX_EPOCHS BUDGET METHOD SEED
  "$build/meta_test/meta_test" search --dataset "$2" --method "$6" --objective train --preset "$3" --max-fidelity "$4" --budget "$5" \
    --final-preset none --seed "$7" --threads 1 --out "$w/$1_$6_$7" > /dev/null 2> "$w/$1_$6_$7.log" ||
    { echo "multi_fidelity_real.sh: $1 $6 seed $7 failed, see $w/$1_$6_$7.log" >&2; return 1; }
}
pids=()
for spec in $([ $report_only = 1 ] || echo "${!specs[@]}"); do
  spec=${specs[$spec]}
  IFS='|' read -r name dataset preset max budget <<< "$spec"
  for m in ${methods//,/ }; do
    for ((s = 0; s < $(seeds_of "$name"); s++)); do
      run_one "$name" "$dataset" "$preset" "$max" "$budget" "$m" "$s" & pids+=($!)
      if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    done
  done
done
for p in "${pids[@]}"; do wait "$p"; done

python3 - "$w" "$methods" "$out" $(( $(date +%s) - start )) "${counted[@]}" <<'PY'
import json, statistics, sys
w, methods, out, seconds, specs = sys.argv[1], sys.argv[2].split(","), sys.argv[3], int(sys.argv[4]), sys.argv[5:]
def q(v):
    if not v: return "-"
    qs = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return f"{qs[1]:.2f} [{qs[0]:.2f}, {qs[2]:.2f}]"
print("| target (preset, full evaluation) | method | seeds | trials (median) | test acc of the answer's run, median [q1, q3] | its validation acc | answered at full fidelity | evaluation seconds (median) | proposal seconds (median) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
rows = []
for spec in specs:
    name, dataset, preset, max_epochs, budget, seeds = spec.split("|")
    seeds = int(seeds)
    for m in methods:
        test, valid, trials, full, cost, propose = [], [], [], 0, [], []
        for s in range(seeds):
            summ = json.load(open(f"{w}/{name}_{m}_{s}/summary.json"))
            test.append(summ["best_details"]["test_acc"]); valid.append(summ["best_accuracy"])
            trials.append(summ["evaluations"]); cost.append(summ["cost_seconds"])
            full += summ.get("best_fidelity_epochs", 0) == int(max_epochs)
            propose.append(sum(json.loads(l).get("propose_seconds", 0) for l in open(f"{w}/{name}_{m}_{s}/trials.jsonl")))
        rows.append({"target": name, "method": m, "test": test, "valid": valid, "trials": trials, "cost_seconds": cost, "propose_seconds": propose})
        print(f"| {name} ({preset}, {max_epochs} epochs; budget {budget} full evaluations) | {m} | {seeds} | {statistics.median(trials):.0f} | {q(test)} | {q(valid)} | "
              f"{full} of {seeds} | {statistics.median(cost):.0f} | {statistics.median(propose):.1f} |")
json.dump({"rows": rows, "seconds": seconds}, open(f"{out}/multi_fidelity_real.json", "w"), indent=1)
PY
