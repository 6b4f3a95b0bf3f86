#!/usr/bin/env bash
# What the meta-data's labels can teach (issue 26: within-subtask Spearman >= 0.7, zero-shot >= 0.8 on the
# CIFAR-10 table): for every meta-dataset the surrogates are fitted on,
#   - the label noise ceiling: within each subtask, the Spearman between the validation and the test accuracy
#     of the same training runs (disjoint images). A surrogate predicts the validation accuracy; where the
#     run's own test split agrees with it at r, ranking a held-out subtask's cells much above r is not there to
#     be learned (and the noise of another training seed is not even in it);
#   - size in the labels: the Spearman of parameter count with the validation accuracy within each subtask and
#     pooled over all results. A prior learned from labels where size does not pay cannot rank a table where it
#     does (the NB201 CIFAR-10 table, 200 epochs: the last row).
# Meta-data: the transfer shards in checkpoints/transfer-meta-data (plans A-F of
# scripts/collect_transfer_meta_data.sh; complete shards only for the hierarchical ones and plan F), MetaD2A's database
# (one accuracy per result: no noise ceiling), and the NB201 CIFAR-10 table. Seconds; no training.
#   bench/label_noise.sh --out DIR
set -euo pipefail
out=.
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    *) echo "label_noise.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
mt=$build/meta_train/meta_train
shards=checkpoints/transfer-meta-data
work=$out/label_noise
mkdir -p "$work"
# NAME|SHARD FILES (a group's results are exported into one CSV; subtask ids stay per shard)
groups=("imagenet16, fast (plan A: 10 epochs, 16 px, 250 images per class)|$shards/imagenet16-fast.shard?.h5"
  "imagenet32, fast32 (plan B: 32 px, 60 images per class)|$shards/imagenet32-fast32.shard?.h5"
  "imagenet16, fast-long (plan C: plan A's cells trained 40 epochs)|$shards/imagenet16-fast-long.shard?.h5"
  "plans A and B together (transfer.meta.h5 of table 1u; 1l and 1o fit parts of it)|$shards/imagenet16-fast.shard?.h5 $shards/imagenet32-fast32.shard?.h5"
  "imagenet16, fast, 500 images per class (plan F: plan A's subtasks and cells again, twice the images)|$shards/imagenet16-fast-500pc.shard*.h5"
  "imagenet16, hnb201 hierarchical (plans D and E: 5 epochs, 120 images per class)|$shards/imagenet16-hierarchical*.shard?.h5")
: > "$work/groups.txt"
for g in "${!groups[@]}"; do
  IFS='|' read -r name pattern <<< "${groups[$g]}"
  files=()
  for f in $pattern; do
    # a shard still being collected is left out (complete: hierarchical 15 subtasks x 16, plan F 4 x 16)
    if [[ $f == *hierarchical* ]] && ! "$mt" data info "$f" 2> /dev/null | head -1 | grep -q ': 240 results,'; then
      continue
    fi
    if [[ $f == *500pc* ]] && ! "$mt" data info "$f" 2> /dev/null | head -1 | grep -q ': 64 results,'; then
      continue
    fi
    files+=("$f")
  done
  for i in "${!files[@]}"; do "$mt" data export "${files[$i]}" --out "$work/g$g.shard$i.csv" > /dev/null; done
  echo "$name|g$g|${#files[@]}" >> "$work/groups.txt"
done
metad2a_db=$shared/metad2a/metad2a_meta_train_db.csv
if [ -f "$metad2a_db" ]; then
  "$mt" data import-metad2a --db "$metad2a_db" --split "$shared/metad2a/metad2a_predictor_split_idx.txt" \
    --task-classes "$shared/metad2a/metad2a_meta_train_task_classes.csv" --out "$work/metad2a.h5" > /dev/null
  "$mt" data export "$work/metad2a.h5" --out "$work/metad2a.shard0.csv" > /dev/null
  echo "MetaD2A's database (its own longer training, 20-class ImageNet-32 subtasks)|metad2a|1" >> "$work/groups.txt"
fi
table=$shared/nb201/cifar10_test_acc_200ep.csv
if [ -f "$table" ]; then  # every cell's parameter count in the NB201 network (C=16, N=5)
  tail -n +2 "$table" | cut -d, -f2 | "$build/meta_test/meta_test" arch > "$work/nb201_params.tsv"
else
  table=""
fi
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$work" "$table" "$out/label_noise.json" << 'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import quantile, spearman
csv.field_size_limit(1 << 30)
work, table, json_path = sys.argv[1], sys.argv[2], sys.argv[3]

def summary(values):
    if not values:
        return "-"
    mean = sum(values) / len(values)
    return f"{mean:.3f} [{quantile(values, 0.25):.3f}, {quantile(values, 0.75):.3f}]"

print("| meta-data (protocol of its labels) | results | subtasks | label noise ceiling: valid vs test within a "
      "subtask, mean [q1, q3] | params vs valid within a subtask, mean [q1, q3] | params vs valid, pooled | "
      "near chance (valid below 1.5 x 100 / classes) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
rows = []
for line in open(f"{work}/groups.txt"):
    name, prefix, count = line.rstrip("\n").split("|")
    tasks, results = {}, []
    for shard in range(int(count)):
        for r in csv.DictReader(open(f"{work}/{prefix}.shard{shard}.csv")):
            tasks.setdefault((shard, r["task"]), []).append(r)
            results.append(r)
    if not results:
        continue
    ceiling, size_within = [], []
    for rs in tasks.values():
        if len(rs) < 3:  # MetaD2A: most subtasks hold one or two cells
            continue
        valid = [float(r["valid_acc"]) for r in rs]
        test = [float(r["test_acc"]) for r in rs]
        params = [float(r["params"]) for r in rs]
        if prefix != "metad2a":  # one accuracy per result there: valid is test
            ceiling.append(spearman(valid, test))
        size_within.append(spearman(params, valid))
    pooled = spearman([float(r["params"]) for r in results], [float(r["valid_acc"]) for r in results])
    near_chance = sum(float(r["valid_acc"]) < 150 / len(r["classes"].split()) for r in results) / len(results)
    print(f"| {name} | {len(results)} | {len(tasks)} ({len(size_within)} with 3+ cells) | {summary(ceiling)} | "
          f"{summary(size_within)} | {pooled:.3f} | {100 * near_chance:.0f} % |")
    rows.append({"meta_data": name, "results": len(results), "subtasks": len(tasks), "ceiling": ceiling,
                 "params_within": size_within, "params_pooled": pooled, "near_chance": near_chance})
if table:  # the zero-shot target: size pays there
    accuracy = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table))}
    params = {line.split("\t")[0]: float(line.split("\t")[3]) for line in open(f"{work}/nb201_params.tsv")}
    cells = sorted(accuracy)
    pooled = spearman([params[c] for c in cells], [accuracy[c] for c in cells])
    print(f"| the zero-shot target: NB201 CIFAR-10 table (200 epochs, C=16, N=5, 32 px, 5,000 images per class; "
          f"test accuracy) | {len(cells)} | 1 | - | - | {pooled:.3f} | - |")
    rows.append({"meta_data": "nb201-cifar10-200ep", "results": len(cells), "params_pooled": pooled})
json.dump({"rows": rows}, open(json_path, "w"), indent=1)
PY
