#!/usr/bin/env bash
# Zero-shot ranking quality: each checkpoint's `meta_test rank` of all 15,625 cells, conditioned on the CIFAR-10
# subset's images, against the NB201 200-epoch CIFAR-10 table (Spearman), and the regret of its top-1 and the
# best of its top-5 cells — what tnas's warm start gets before it has seen any evaluation.
#   bench/zero_shot.sh --out DIR NAME=CHECKPOINT [NAME=CHECKPOINT ...]
set -euo pipefail
out=.
[ "${1:-}" = --out ] && { out=$2; shift 2; }
[ $# -gt 0 ] || { echo "usage: bench/zero_shot.sh --out DIR NAME=CHECKPOINT ..." >&2; exit 2; }
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
table=$shared/nb201/cifar10_test_acc_200ep.csv
images=$shared/cifar10/train_500pc.bin
[ -f "$table" ] && [ -f "$images" ] || { echo "zero_shot.sh: needs $table and $images" >&2; exit 2; }
mkdir -p "$out/zero_shot"
names=()
for item in "$@"; do
  name=${item%%=*}; ckpt=${item#*=}
  "$build/meta_test/meta_test" rank --checkpoint "$ckpt" --dataset "cifar10:$images" --top 0 --no-dedupe \
    > "$out/zero_shot/$name.tsv" 2> "$out/zero_shot/$name.log"
  names+=("$name=$ckpt")
done
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$table" "$out" "${names[@]}" <<'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import spearman
table_path, out, items = sys.argv[1], sys.argv[2], sys.argv[3:]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}
best = max(table.values())
print("| checkpoint | zero-shot Spearman (15,625 cells) | regret of its top-1 | best regret in its top-5 | top-1 cell |")
print("| --- | --- | --- | --- | --- |")
rows = []
for item in items:
    name, ckpt = item.split("=", 1)
    pred = {r["cell"]: float(r["predicted_acc"]) for r in csv.DictReader(open(f"{out}/zero_shot/{name}.tsv"), delimiter="\t")}
    keys = [k for k in pred if k in table]
    s = spearman([pred[k] for k in keys], [table[k] for k in keys])
    top = sorted(keys, key=lambda k: -pred[k])[:5]
    row = {"name": name, "checkpoint": ckpt, "spearman": s, "top1_regret": best - table[top[0]],
           "top5_best_regret": min(best - table[k] for k in top), "top1": top[0]}
    rows.append(row)
    print(f"| {name} (`{ckpt}`) | {s:.3f} | {row['top1_regret']:.2f} | {row['top5_best_regret']:.2f} | `{top[0]}` |")
json.dump({"rows": rows}, open(f"{out}/zero_shot.json", "w"), indent=2)
PY
