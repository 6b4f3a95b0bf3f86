#!/usr/bin/env bash
# Zero-cost proxies against the NB201 200-epoch CIFAR-10 table (issue 26 item 2): `meta_test proxies` on a
# sample of the de-duplicated cells with a batch of the CIFAR-10 subset's images, each proxy's Spearman and
# Kendall tau, next to the default checkpoint's zero-shot prediction on the same cells (`meta_test rank`,
# same images) and the seconds per cell. The proxies' CSV is resumable: a rerun computes only missing cells.
#   bench/zero_cost_proxies.sh --out DIR [--sample N] [--preset P] [--quick]
set -euo pipefail
out=. sample=1000 preset=fast quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    --sample) sample=$2; shift ;;
    --preset) preset=$2; shift ;;
    --quick) sample=5; preset=smoke; quick=1 ;;
    *) echo "zero_cost_proxies.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
table=$shared/nb201/cifar10_test_acc_200ep.csv
images=$shared/cifar10/train_500pc.bin
[ -f "$table" ] && [ -f "$images" ] || { echo "zero_cost_proxies.sh: needs $table and $images" >&2; exit 2; }
work=$out/zero_cost_proxies
mkdir -p "$work"
csv=$work/cifar10_${preset}_${sample}.csv
# --quick checks the pipeline: a CSV from an earlier run (another checkout's image path) must not be resumed.
if [ $quick = 1 ]; then rm -f "$csv"; fi
start=$(date +%s)
"$build/meta_test/meta_test" proxies --dataset "cifar10:$images" --sample "$sample" --preset "$preset" --threads 1 \
  --out "$csv" 2> "$work/proxies.log"
seconds=$(( $(date +%s) - start ))
"$build/meta_test/meta_test" rank --checkpoint checkpoints/default --dataset "cifar10:$images" --top 0 \
  > "$work/rank.tsv" 2> "$work/rank.log"
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$table" "$csv" "$work/rank.tsv" "$preset" "$sample" "$seconds" "$out/zero_cost_proxies.json" <<'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import kendall_tau_b as kendall, spearman
table_path, csv_path, rank_path, preset, sample, seconds, json_path = sys.argv[1:]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}
rows = [r for r in csv.reader(open(csv_path)) if r and not r[0].startswith("#")]
names, cells = rows[0][1:], {r[0]: [float(x) for x in r[1:]] for r in rows[1:]}
prior = {r["cell"]: float(r["predicted_acc"]) for r in csv.DictReader(open(rank_path), delimiter="\t")}
keys = [k for k in cells if k in table and k in prior]
truth = [table[k] for k in keys]
best = max(truth)
result = {"preset": preset, "sample": int(sample), "cells": len(keys), "seconds": int(seconds), "rows": []}
print(f"| predictor | Spearman | Kendall tau | regret of its top-1 among the {len(keys)} cells |")
print("| --- | --- | --- | --- |")
columns = [(n, [cells[k][i] for k in keys]) for i, n in enumerate(names)] + \
          [("tnas zero-shot (checkpoints/default)", [prior[k] for k in keys])]
for name, values in columns:
    s, t = spearman(values, truth), kendall(values, truth)
    top = max(range(len(keys)), key=lambda i: values[i])
    result["rows"].append({"predictor": name, "spearman": s, "kendall": t, "top1_regret": best - truth[top]})
    print(f"| {name} | {s:.3f} | {t:.3f} | {best - truth[top]:.2f} |")
json.dump(result, open(json_path, "w"), indent=2)
PY
