#!/usr/bin/env bash
# Can a prior learn what more images per class reward, and carry it to a target trained on far more (issue 26:
# zero-shot Spearman >= 0.8 on the CIFAR-10 table, 5,000 images per class)? Tables 1y and 1z found size paying
# a little more in labels from 500 images per class than from 250 (params vs label within a subtask 0.05 ->
# 0.10) and not at all at 10 -> 40 epochs (1p). This fits one surrogate on both label sets of the same subtasks
# and cells (plan A: 250 images per class, plan F: 500; plan F's complete shards and plan A's results of the
# same subtasks, as in label_images.sh), conditioned on each label's protocol (`fit --protocol-inputs`: the
# images per class are the input that differs), and ranks the 15,625 cells of the CIFAR-10 table (200-epoch
# truth, CIFAR-10 subset images for the dataset encoder) for stated target protocols from 250 to 5,000 images
# per class; beside it the same fit without the protocol input (both label sets pooled) and params. Both fit
# table 1z's best recipe (-MLL + 1 x within-subtask rank loss, the epoch kept by held-out within-subtask
# Spearman, the mean of validation and test accuracy as the label; 30 epochs, one thread). Reported: each
# ranking's Spearman with the table and with parameter count (how much size the prior has learned to reward
# for that protocol). Resumable: complete fits and rankings are kept while plan F's complete shards stay the same.
#   bench/protocol_images.sh --out DIR [--seeds N] [--epochs E] [--jobs J] [--quick]
set -euo pipefail
build=${TNAS_BUILD_DIR:-build}
mt=$build/meta_train/meta_train
source "$(dirname "$0")/fit_and_rank.sh"
plan_f_study_options "$@"
fit_data protocol_images.sh
work=$out/protocol_images
merge_plan_f "$work" "$quick"
[ "$plan_f_changed" = 0 ] || rm -rf "$work"/pooled "$work"/conditioned
"$mt" merge --out "$work/both.h5" "$work/250pc.h5" "$work/500pc.h5" >> "$work/merge.log" 2>&1
# The conditioned fit's rankings: the first is fit_and_rank's (its rank_options), the others follow it.
targets=("fast" "fast,images=500" "fast,images=1000" "fast,images=5000" "paper,images=5000")
fit_one() {  # VARIANT SEED: 0 = both label sets pooled, 1 = conditioned on the protocol
  local common=("${sources[@]:0:2}" $([ $quick = 1 ] && echo --featurizer-epochs 1) --rank-loss 1
    --select-by within --label mean-of-valid-and-test)
  if [ "$1" = 0 ]; then
    rank_options=()
    fit_and_rank "$work/pooled/seed$2" "$work/both.h5" "$epochs" "$2" "cifar10:$images" "${common[@]}"
    return
  fi
  local dir=$work/conditioned/seed$2
  rank_options=(--target-protocol "${targets[0]}")
  fit_and_rank "$dir" "$work/both.h5" "$epochs" "$2" "cifar10:$images" "${common[@]}" --protocol-inputs
  rank_for_protocols "$dir" "cifar10:$images" "${targets[@]}"
}
run_fits 2 "$seeds" "$jobs"
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$table" "$work" "$seeds" "$epochs" \
  "$out/protocol_images.json" "${targets[@]}" << 'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import quantile, spearman
table_path, work, seeds, epochs, json_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
targets = sys.argv[6:]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}

def q(values):
    return f"{quantile(values, 0.5):.3f} [{quantile(values, 0.25):.3f}, {quantile(values, 0.75):.3f}]"

def ranking(path):  # (Spearman with the table, Spearman with params, params' own Spearman with the table)
    rows = [r for r in csv.DictReader(open(path), delimiter="\t") if r["cell"] in table]
    predicted = [float(r["predicted_acc"]) for r in rows]
    size = [float(r["params_m"]) for r in rows]
    truth = [table[r["cell"]] for r in rows]
    return spearman(predicted, truth), spearman(predicted, size), spearman(size, truth)

manifest = json.load(open(f"{work}/conditioned/seed0/manifest.json"))
print(f"{manifest['meta_dataset']['results']} results: plan F's complete shards (500 images per class) and plan A's "
      f"results of the same subtasks (250); {seeds} seeds, {epochs} epochs each; median [quartiles] over seeds\n")
print("| fit | target protocol | zero-shot Spearman on CIFAR-10 (15,625 cells, 200-epoch truth) | "
      "Spearman of the prediction with params | params with the truth |")
print("| --- | --- | --- | --- | --- |")
variants = [("both label sets pooled", "-", "pooled", ".rank.tsv")]
variants += [("conditioned on the protocol", t, "conditioned", ".rank.tsv" if i == 0 else f".target{i}.rank.tsv")
             for i, t in enumerate(targets)]
rows = []
for name, target, folder, suffix in variants:
    measured = [ranking(f"{work}/{folder}/seed{s}{suffix}") for s in range(seeds)]
    rho, size, params = ([m[i] for m in measured] for i in range(3))
    rows.append({"fit": name, "target_protocol": target, "spearman": rho, "spearman_with_params": size})
    print(f"| {name} | {target} | {q(rho)} | {q(size)} | {quantile(params, 0.5):.3f} |")
json.dump({"seeds": seeds, "epochs": epochs, "results": manifest["meta_dataset"]["results"], "rows": rows},
          open(json_path, "w"), indent=1)
PY
