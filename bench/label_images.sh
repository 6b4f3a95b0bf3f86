#!/usr/bin/env bash
# Labels from twice the images (issue 26: within-subtask Spearman >= 0.7 and zero-shot >= 0.8 on CIFAR-10): the
# same subtasks and the same 16 cells each, trained by the fast protocol on 250 images per class (plan A of
# scripts/collect_transfer_meta_data.sh) and on 500 (plan F: 100 validation images per class instead of 50,
# and twice the training images). Table 1y found the plan A labels agreeing with their own test split at
# about 0.69 within a subtask, and size not paying in them; this asks whether more images per class change
# either, and what a fit learns from each:
#   - per label set, on the same subtasks: the label noise ceiling (valid vs test within a subtask), params vs
#     valid within a subtask, and how the two label sets rank the same cells (Spearman of 250 vs 500);
#   - one fit per label set and seed (table 1l's best recipe: -MLL + 1 x within-subtask rank loss, the epoch
#     kept by held-out within-subtask Spearman; 30 epochs, one thread), the same held-out subtasks for both
#     (`meta_train merge --only-subtasks-of` puts plan A's subtasks in plan F's order, and fit draws its
#     held-out coins per subtask in file order): held-out within-subtask Spearman against each fit's own labels,
#     and the zero-shot Spearman of its checkpoint on the 15,625 cells of the CIFAR-10 table;
#   - the same fits with each result's label the mean of its validation and test accuracy (`fit --label
#     mean-of-valid-and-test`: two disjoint image sets of one training run, half the measurement noise), scored
#     against that mean;
#   - search: the fits of seeds 0 and 1 of three label sets as tnas's checkpoint on the CIFAR-10 table and on our
#     Fashion-MNIST curve oracle, 20 seeds x 30, beside the shipped default and the peers.
# Plan F's complete shards only (4 subtasks x 16 cells each). Resumable: complete fits and searches are kept
# while the complete shards stay the same.
#   bench/label_images.sh --out DIR [--seeds N] [--epochs E] [--jobs J] [--quick]
set -euo pipefail
build=${TNAS_BUILD_DIR:-build}
mt=$build/meta_train/meta_train
source "$(dirname "$0")/fit_and_rank.sh"
plan_f_study_options "$@"
fit_data label_images.sh
work=$out/label_images
# Fits and searches of other plan F shards than this merge's (shards completed since) are not kept.
merge_plan_f "$work" "$quick"
[ "$plan_f_changed" = 0 ] || rm -rf "$work"/fit* "$work/search"
for n in 250 500; do "$mt" data export "$work/${n}pc.h5" --out "$work/${n}pc.csv" > /dev/null 2>&1; done
# NAME|IMAGES PER CLASS|LABEL (meta_train fit --label)
fits=("250|250|valid" "500|500|valid" "250mean|250|mean-of-valid-and-test" "500mean|500|mean-of-valid-and-test")
fit_one() {  # FIT_INDEX SEED (both label sets are imagenet16's: the first --source of fit_data)
  IFS='|' read -r name n label <<< "${fits[$1]}"
  fit_and_rank "$work/fit$name/seed$2" "$work/${n}pc.h5" "$epochs" "$2" "cifar10:$images" \
    "${sources[@]:0:2}" $([ $quick = 1 ] && echo --featurizer-epochs 1) --rank-loss 1 --select-by within \
    --label "$label"
}
run_fits ${#fits[@]} "$seeds" "$jobs"
printf '%s\n' "${fits[@]}" > "$work/fits.txt"
# Does a better within-subtask ranking make a better search? The fits of seeds 0 and 1 per label set search as
# tnas@NAME beside the shipped default and the peers, on the CIFAR-10 table and on our Fashion-MNIST curve
# oracle (bench/oracles/, not in ../shared), as in table 1n. Resumable: a finished oracle is not run again.
search_seeds=20 search_budget=30 searched_fits=(0 1)
[ $quick = 1 ] && search_seeds=2 search_budget=8 searched_fits=(0)
methods=tnas,params,bowl
for f in 0 1 3; do
  for seed in "${searched_fits[@]}"; do
    name=${fits[$f]%%|*}
    methods+=",tnas@f${name}s$seed=$work/fit$name/seed$seed"
  done
done
search() {  # ORACLE [search_quality options]
  local d=$work/search/$1 settings="$methods $search_seeds $search_budget"
  shift
  [ -f "$d/search_quality.json" ] && [ "$(cat "$d/settings" 2> /dev/null)" = "$settings" ] && return 0
  mkdir -p "$d"
  rm -f "$d/search_quality.json"
  "$build/bench/search_quality" --seeds "$search_seeds" --budget "$search_budget" --methods "$methods" "$@" \
    --threads 1 --out "$d" > "$d/table.md" 2> "$d/log" || { tail -3 "$d/log" >&2; return 1; }
  echo "$settings" > "$d/settings"
}
search cifar10 &
cifar10_search=$!
search fashion-mnist --objective "table-curves:$(cd "$(dirname "$0")" && pwd)/oracles/fashion-mnist-tiny-curves.csv" \
  --dataset fashion-mnist &
failed=0
wait $! || failed=1
wait $cifar10_search || failed=1
[ $failed = 0 ] || exit 1
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$work" "$table" "$seeds" "$epochs" "$out/label_images.json" << 'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from fit_results import seed_results
from rank_stats import quantile, spearman
work, table_path, seeds, epochs, json_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}

def q(values):
    return f"{quantile(values, 0.5):.3f} [{quantile(values, 0.25):.3f}, {quantile(values, 0.75):.3f}]"

def subtasks(n):  # task seed -> {cell: result}
    by_task = {}
    for r in csv.DictReader(open(f"{work}/{n}pc.csv")):
        by_task.setdefault(r["task_seed"], {})[r["arch"]] = r
    return by_task

data = {n: subtasks(n) for n in (250, 500)}
common = [t for t in data[500] if t in data[250] and data[500][t].keys() == data[250][t].keys()]
print(f"{len(common)} subtasks x 16 cells, each trained on 250 and on 500 images per class (plan F's complete "
      f"shards; {sum(len(data[500][t]) for t in common)} results per label set); fits: seeds {seeds}, epochs "
      f"{epochs}; median [quartiles] (over subtasks for the labels, over seeds for the fits)\n")
print("| labels | label (fit --label) | valid vs test within a subtask (noise ceiling) | params vs label within a subtask | "
      "held-out within-subtask Spearman, kept epoch | same, last epoch | kept epoch | "
      "zero-shot Spearman on CIFAR-10 (15,625 cells) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
rows = []
for line in open(f"{work}/fits.txt"):
    name, n, label = line.rstrip("\n").split("|")
    n, mean = int(n), label != "valid"
    ceiling, size = [], []
    for t in common:
        cells = sorted(data[n][t])
        valid = [float(data[n][t][c]["valid_acc"]) for c in cells]
        test = [float(data[n][t][c]["test_acc"]) for c in cells]
        ceiling.append(spearman(valid, test))
        size.append(spearman([float(data[n][t][c]["params"]) for c in cells],
                             [(v + w) / 2 for v, w in zip(valid, test)] if mean else valid))
    kept, last, epoch, cifar = seed_results([f"{work}/fit{name}/seed{seed}" for seed in range(seeds)], table)
    what = "mean of valid and test" if mean else "valid"
    print(f"| fast, {n} images per class | {what} | {'-' if mean else q(ceiling)} | {q(size)} | {q(kept)} | "
          f"{q(last)} | {quantile(epoch, 0.5):.0f} | {q(cifar)} |")
    rows.append({"images_per_class": n, "label": label, "ceiling": None if mean else ceiling,
                 "params_within": size, "kept_within": kept, "last_within": last, "kept_epoch": epoch,
                 "cifar10_spearman": cifar})
agreement, gain = [], []
for t in common:
    cells = sorted(data[500][t])
    a, b = ([float(data[n][t][c]["valid_acc"]) for c in cells] for n in (250, 500))
    agreement.append(spearman(a, b))
    gain.append(sum(b) / len(b) - sum(a) / len(a))
print(f"\nThe same cells under the two label sets (over subtasks): Spearman of their validation accuracies "
      f"{q(agreement)}; mean accuracy gain from 500 images per class {quantile(gain, 0.5):.1f} points.")
searches = {}
for oracle in ("cifar10", "fashion-mnist"):
    result = json.load(open(f"{work}/search/{oracle}/search_quality.json"))
    searches[oracle] = {row["method"]: row for row in result["rows"]}
    search_seeds, budget = result["seeds"], result["budget"]
print(f"\nSearch with these fits (tnas@fNAMEsSEED: the fit of that label set and seed; tnas: the shipped default), "
      f"{search_seeds} seeds x {budget} evaluations per oracle; regret median [quartiles]\n")
print("| method | cifar10: median regret | cifar10: seeds in the top 0.1 %, median evaluations | "
      "fashion-mnist: median regret | fashion-mnist: distinct answers |")
print("| --- | --- | --- | --- | --- |")
for method in searches["cifar10"]:
    c, f = searches["cifar10"][method], searches["fashion-mnist"][method]
    top = c["evals_to_top_0_1pct"]
    top_text = f"{len(top)}/{search_seeds}" + (f", {quantile(top, 0.5):.0f}" if top else "")
    print(f"| {method} | {q(c['final_regret'])} | {top_text} | {q(f['final_regret'])} | {f['distinct_answers']} |")
json.dump({"subtasks": len(common), "seeds": seeds, "epochs": epochs, "rows": rows,
           "agreement_250_500": agreement, "gain": gain, "searches": searches}, open(json_path, "w"), indent=1)
PY
