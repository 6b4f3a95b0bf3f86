#!/usr/bin/env bash
# Does a higher-fidelity proxy make better meta-training labels? Collects the shipped meta-dataset's design
# again (120 Fashion-MNIST subtasks x 15 cells, seed 2026, 2 shards) with the fast preset instead of tiny,
# fits the surrogate on it with the shipped settings, and compares the two meta-datasets:
#   - label noise: within one subtask, the Spearman of valid vs test accuracy of the same training run
#     (disjoint images of the same classes) — no surrogate can rank cells much better than this;
#   - how much of the ranking a cell's size alone explains (params vs valid accuracy, within subtask);
#   - the surrogate's held-out-subtask metrics, and tnas' median regret on the NB201 CIFAR-10 oracle.
# The tiny surrogate is DIR/fit_with_d (bench/surrogate_quality.sh, the previous default's settings).
# Collecting resumes from DIR/labels_fast_shard{0,1}.h5, so a rerun only refits and searches.
#   bench/meta_dataset_labels.sh [--quick] --out DIR
set -euo pipefail
quick=0; out=.
while [ $# -gt 0 ]; do case "$1" in --quick) quick=1 ;; --out) out=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_train/meta_train"
tiny=checkpoints/fashion-mnist-tiny.meta.h5
fast="$out/labels_fast.meta.h5"
preset=fast
collect=(--source fashion-mnist --tasks 120 --classes-per-task 3-8 --images-per-class 40-100 --archs-per-task 15
         --preset $preset --seed 2026)
fit=(--seed 0 --lr 3e-4 --arch-hidden 128 --patience 3 --epochs 12)
if [ $quick = 1 ]; then
  preset=smoke
  collect=(--source fashion-mnist --tasks 10 --classes-per-task 3 --images-per-class 20 --archs-per-task 4 --preset $preset --seed 2026)
  fit=(--seed 0 --epochs 1 --featurizer-epochs 1)
fi
pids=()
for i in 0 1; do
  "$mt" collect "${collect[@]}" --shard $i/2 --threads 1 --out "$out/labels_fast_shard$i.h5" > /dev/null 2> "$out/labels_collect$i.log" &
  pids+=($!)
done
# A failed shard must stop the benchmark: merging would silently fit on a partial meta-dataset.
for i in 0 1; do wait "${pids[$i]}" || { echo "meta_dataset_labels.sh: collecting shard $i failed (see $out/labels_collect$i.log)" >&2; exit 1; }; done
rm -f "$fast"
"$mt" merge --out "$fast" "$out/labels_fast_shard0.h5" "$out/labels_fast_shard1.h5" >/dev/null
rm -rf "$out/fit_fast"
"$mt" fit --meta "$fast" "${fit[@]}" --out "$out/fit_fast" 2> "$out/fit_fast.log" >/dev/null
regret_args=()
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
if [ $quick = 0 ] && [ -f "$shared/nb201/cifar10_test_acc_200ep.csv" ]; then
  mkdir -p "$out/labels_search"
  "$build/bench/search_quality" --seeds 20 --budget 30 --methods "tnas@tiny=$out/fit_with_d,tnas@fast=$out/fit_fast" \
    --out "$out/labels_search" > /dev/null 2> "$out/labels_search.log"
  regret_args=("$out/labels_search/search_quality.json")
fi
# Debian's python3 has numpy (scripts/setup.sh installs python3-numpy); another python3 first on PATH may not.
numpy_python=""
for p in python3 /usr/bin/python3; do "$p" -c 'import numpy' 2>/dev/null && { numpy_python=$p; break; }; done
[ -n "$numpy_python" ] || { echo "meta_dataset_labels.sh: needs python3 with numpy (apt install python3-numpy)" >&2; exit 1; }
dump() { h5dump -m '%.17g' -d "$2" -y -w 0 "$1" | sed -n '/DATA {/,/}/p' | sed '1d;$d' | tr -d ' \n' | tr ',' ' '; }
for f in "$tiny" "$fast"; do
  for d in task valid_acc test_acc params train_seconds; do dump "$f" /results/$d > "$out/labels_$(basename "$f")_$d.txt"; done
done
"$numpy_python" - "$out" "$preset" "$tiny" "$fast" "${regret_args[@]}" <<'PY'
import json, os, sys
import numpy as np
out, preset, paths = sys.argv[1], sys.argv[2], sys.argv[3:5]
regret = sys.argv[5] if len(sys.argv) > 5 else None

def column(path, name):
    return np.array(open(f"{out}/labels_{os.path.basename(path)}_{name}.txt").read().split(), dtype=float)

def spearman(a, b):
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])

def within(task, a, b):  # mean over subtasks of the Spearman of a vs b among that subtask's cells
    values = [spearman(a[task == t], b[task == t]) for t in np.unique(task)
              if (task == t).sum() > 2 and np.std(a[task == t]) > 0 and np.std(b[task == t]) > 0]
    return float(np.mean(values)) if values else float("nan")

regrets = {}
if regret:
    for row in json.load(open(regret))["rows"]:
        regrets[row["method"]] = float(np.median(row["final_regret"]))
print("| meta-dataset | labels | pairs | train s/pair (1 thread) | label noise ceiling: valid vs test, within subtask | params vs valid, within subtask | surrogate: held-out-subtask Spearman | within-subtask Spearman | tnas NB201 median regret (20 seeds x 30) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
rows = []
for path, labels, ckpt, name in ((paths[0], "tiny", f"{out}/fit_with_d", "tnas@tiny"),
                                 (paths[1], preset, f"{out}/fit_fast", "tnas@fast")):
    task, valid, test, params = (column(path, c) for c in ("task", "valid_acc", "test_acc", "params"))
    seconds = column(path, "train_seconds")
    m = json.load(open(f"{ckpt}/manifest.json"))["metrics"]
    row = {"meta_dataset": path, "preset": labels, "pairs": int(len(task)), "train_seconds_per_pair": float(seconds.mean()),
           "valid_vs_test_within": within(task, valid, test), "params_vs_valid_within": within(task, params, valid),
           "task_spearman": m["task_spearman"], "task_spearman_within": m["task_spearman_within"],
           "median_final_regret": regrets.get(name)}
    rows.append(row)
    r = "-" if row["median_final_regret"] is None else f"{row['median_final_regret']:.3f}"
    print(f"| {os.path.basename(path)} | {labels} | {row['pairs']} | {row['train_seconds_per_pair']:.2f} | "
          f"{row['valid_vs_test_within']:.3f} | {row['params_vs_valid_within']:.3f} | {row['task_spearman']:.3f} | "
          f"{row['task_spearman_within']:.3f} | {r} |")
json.dump({"rows": rows}, open(f"{out}/meta_dataset_labels.json", "w"), indent=2)
PY
