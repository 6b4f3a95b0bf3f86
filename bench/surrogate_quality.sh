#!/usr/bin/env bash
# Surrogate quality and its ablation: meta_train fit on the default meta-dataset with and without the
# dataset embedding (the same seed and settings as checkpoints/default), held-out-subtask Spearman of each;
# and, when the reference data is there, the same model meta-trained on MetaD2A's database (ImageNet-32
# subtasks with real NB201 labels; no images, so constant D), kept in DIR/fit_metad2a for search_quality.
#   bench/surrogate_quality.sh [--quick] --out DIR
set -euo pipefail
quick=0; out=.
while [ $# -gt 0 ]; do case "$1" in --quick) quick=1 ;; --out) out=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
build=${TNAS_BUILD_DIR:-build}
meta=checkpoints/fashion-mnist-tiny.meta.h5
args=(--meta "$meta" --seed 0 --lr 3e-4 --arch-hidden 128 --patience 3)
if [ $quick = 1 ]; then args+=(--epochs 1 --featurizer-epochs 1); else args+=(--epochs 12); fi
start=$(date +%s)
rm -rf "$out/fit_with_d" "$out/fit_without_d"
"$build/meta_train/meta_train" fit "${args[@]}" --out "$out/fit_with_d" 2> "$out/fit_with_d.log" >/dev/null
"$build/meta_train/meta_train" fit "${args[@]}" --no-dataset-embedding --out "$out/fit_without_d" 2> "$out/fit_without_d.log" >/dev/null
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
rm -rf "$out/fit_metad2a" "$out/metad2a.h5"
if [ -f "$shared/metad2a/metad2a_meta_train_db.csv" ]; then
  "$build/meta_train/meta_train" data import-metad2a --out "$out/metad2a.h5" >/dev/null
  margs=("${args[@]}")
  margs[1]="$out/metad2a.h5"
  "$build/meta_train/meta_train" fit "${margs[@]}" --no-dataset-embedding --out "$out/fit_metad2a" 2> "$out/fit_metad2a.log" >/dev/null
fi
python3 - "$out" $(( $(date +%s) - start )) <<'PY'
import json, sys
out, seconds = sys.argv[1], int(sys.argv[2])
import re
print("| model | best epoch | held-out subtasks: Spearman (pooled) | within-subtask Spearman | Kendall | held-out pairs: Spearman | meta-training triples/s (CPU, incl. validation) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
rows = {}
import os
for name, label in (("fit_with_d", "dataset embedding (tnas)"), ("fit_without_d", "constant D (ablation)"),
                    ("fit_metad2a", "MetaD2A database, constant D (4,630 ImageNet-32 pairs)")):
    if not os.path.exists(f"{out}/{name}/manifest.json"):
        continue
    m = json.load(open(f"{out}/{name}/manifest.json"))["metrics"]
    log = open(f"{out}/{name}.log").read()
    pairs = int(re.search(r"split: (\d+) training pairs", log).group(1))
    epochs = re.findall(r"epoch (\d+)/\d+ .*\| (\d+)s", log)
    m["triples_per_second"] = pairs * int(epochs[-1][0]) / max(1, int(epochs[-1][1]))
    rows[name] = m
    print(f"| {label} | {m['epoch']} | {m['task_spearman']:.3f} | {m['task_spearman_within']:.3f} | {m['task_kendall']:.3f} | {m['pair_spearman']:.3f} | {m['triples_per_second']:.0f} |")
json.dump({"rows": rows, "seconds": seconds}, open(f"{out}/surrogate_quality.json", "w"), indent=2)
PY
