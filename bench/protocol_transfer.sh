#!/usr/bin/env bash
# Whose labels make a prior for a 200-epoch target? (issue 26 item 7.) Fits the surrogate on meta-data labelled
# by different training protocols, over several seeds, and reports each fit's zero-shot ranking of the 15,625
# cells of the NB201 CIFAR-10 table (200-epoch truth; the CIFAR-10 subset's images for the dataset encoder):
#   fast (16 px)   our transfer shards imagenet16-fast.shard{0,1}: 10 epochs, C=8, N=1, 16 px, 5..20 classes
#   fast32 (32 px) our transfer shard imagenet32-fast32.shard0: the same at 32 px, 60 images per class
#   MetaD2A        MetaD2A's database (longer training on 20-class ImageNet-32 subtasks; accuracies 41-86 %),
#                  without images (constant D: most of its tasks have one or two cells, and 4.4 of 20 classes
#                  have images here)
# with `params` beside them (no learning).
#   bench/protocol_transfer.sh --out DIR [--seeds N] [--epochs E] [--jobs J]
set -euo pipefail
out=. seeds=3 epochs=30 jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    *) echo "protocol_transfer.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
table=$shared/nb201/cifar10_test_acc_200ep.csv
images=$shared/cifar10/train_500pc.bin
for f in "$table" "$images" "$shared/imagenet/imagenet16" "$shared/imagenet/imagenet32" "$shared/metad2a/metad2a_meta_train_db.csv"; do
  [ -e "$f" ] || { echo "protocol_transfer.sh: needs $f" >&2; exit 2; }
done
mt=$build/meta_train/meta_train
work=$out/protocol_transfer
mkdir -p "$work"
shards=checkpoints/transfer-meta-data
[ -f "$work/fast.h5" ] || "$mt" merge --out "$work/fast.h5" "$shards/imagenet16-fast.shard0.h5" "$shards/imagenet16-fast.shard1.h5" > /dev/null
[ -f "$work/metad2a.h5" ] || "$mt" data import-metad2a --out "$work/metad2a.h5" > /dev/null
# NAME|META-DATA|FIT OPTIONS (where each source's images are on this machine)
variants=("fast (16 px; ours)|$work/fast.h5|--source imagenet16=imagenet16:$shared/imagenet/imagenet16?classes=121-1000"
  "fast32 (32 px; ours)|$shards/imagenet32-fast32.shard0.h5|--source imagenet32=imagenet32:$shared/imagenet/imagenet32?classes=121-1000"
  "MetaD2A (longer training; constant D)|$work/metad2a.h5|--no-dataset-embedding")
source "$(dirname "$0")/fit_and_rank.sh"
fit_one() {  # VARIANT_INDEX SEED
  IFS='|' read -r _ meta args <<< "${variants[$1]}"
  # shellcheck disable=SC2086
  fit_and_rank "$work/v$1/seed$2" "$meta" "$epochs" "$2" "cifar10:$images" $args
}
run_fits "${#variants[@]}" "$seeds" "$jobs"
printf '%s\n' "${variants[@]}" | cut -d'|' -f1 > "$work/variants.txt"
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$table" "$work" "$seeds" "$epochs" "$out/protocol_transfer.json" <<'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import quantile, spearman
table_path, work, seeds, epochs, json_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}
best = max(table.values())
variants = [line.rstrip("\n") for line in open(f"{work}/variants.txt")]
def q(values):
    return f"{quantile(values, 0.5):.3f} [{quantile(values, 0.25):.3f}, {quantile(values, 0.75):.3f}]"
print(f"{seeds} seeds, {epochs} epochs each; median [quartiles] over seeds\n")
print("| meta-data (protocol of its labels) | results | zero-shot Spearman on CIFAR-10 (15,625 cells) | "
      "regret of the top-1 cell | params (same cells) |")
print("| --- | --- | --- | --- | --- |")
rows = []
for v, name in enumerate(variants):
    rho, regret, params_rho = [], [], []
    for seed in range(seeds):
        d = f"{work}/v{v}/seed{seed}"
        results = json.load(open(f"{d}/manifest.json"))["meta_dataset"]["results"]
        ranked = list(csv.DictReader(open(f"{d}.rank.tsv"), delimiter="\t"))
        keys = [r["cell"] for r in ranked if r["cell"] in table]
        pred = {r["cell"]: float(r["predicted_acc"]) for r in ranked}
        size = {r["cell"]: float(r["params_m"]) for r in ranked} if "params_m" in ranked[0] else None
        rho.append(spearman([pred[k] for k in keys], [table[k] for k in keys]))
        regret.append(best - table[max(keys, key=lambda k: pred[k])])
        if size:
            params_rho.append(spearman([size[k] for k in keys], [table[k] for k in keys]))
    rows.append({"meta_data": name, "results": results, "spearman": rho, "top1_regret": regret})
    print(f"| {name} | {results} | {q(rho)} | {q(regret)} | {quantile(params_rho, 0.5):.3f} |" if params_rho
          else f"| {name} | {results} | {q(rho)} | {q(regret)} | - |")
json.dump({"seeds": seeds, "epochs": epochs, "rows": rows}, open(json_path, "w"), indent=2)
PY
