#!/usr/bin/env bash
# The JAHS surrogate next to the NB201 one: the Fashion-MNIST `tiny` subtask design (3-8 classes, 40-100
# images per class, 15 configurations each, seed 2026) collected on each space, and `meta_train fit` with
# table 4's settings (seed 0, 2 threads, 12 epochs) on each, with the dataset embedding.
#   nb201   checkpoints/fashion-mnist-tiny.meta.h5: 120 subtasks of cells at the preset's hyperparameters
#   jahs    checkpoints/fashion-mnist-tiny-jahs.meta.h5: 60 subtasks drawn the same way (half the data, to
#           fit a 2-core session), configurations with their own activation, learning rate,
#           weight decay and TrivialAugment; collected here, as two parallel shards, when absent
# The JAHS fit is kept in DIR/fit_jahs for real_training_search's tnas on the jahs space.
#   bench/jahs_surrogate_quality.sh [--quick] --out DIR
set -euo pipefail
quick=0; out=.
while [ $# -gt 0 ]; do case "$1" in --quick) quick=1 ;; --out) out=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_train/meta_train"
q="$out/quality_jahs"
mkdir -p "$q"
start=$(date +%s)
design=(--source fashion-mnist --tasks 60 --classes-per-task 3-8 --images-per-class 40-100 --archs-per-task 15 --preset tiny --seed 2026)
jahs_meta=checkpoints/fashion-mnist-tiny-jahs.meta.h5
nb201_meta=checkpoints/fashion-mnist-tiny.meta.h5
epochs=12
if [ $quick = 1 ]; then  # the pipeline's shape only: a small collection of each space, one epoch
  design=(--source fashion-mnist --tasks 12 --classes-per-task 3-8 --images-per-class 40-100 --archs-per-task 3 --preset smoke --seed 2026)
  jahs_meta="$q/jahs_quick.meta.h5" nb201_meta="$q/nb201_quick.meta.h5" epochs=1
  rm -f "$jahs_meta" "$nb201_meta"
  "$mt" collect "${design[@]}" --threads 1 --out "$nb201_meta" > "$q/nb201_quick.log" 2>&1
fi
if [ ! -f "$jahs_meta" ]; then
  for i in 0 1; do "$mt" collect --space jahs "${design[@]}" --shard $i/2 --threads 1 --out "$q/jahs_shard$i.h5" > "$q/jahs_shard$i.log" 2>&1 & done
  wait
  "$mt" merge --out "$jahs_meta" "$q/jahs_shard0.h5" "$q/jahs_shard1.h5" > /dev/null
  rm -f "$q/jahs_shard0.h5" "$q/jahs_shard1.h5"
fi

fit() {  # NAME META: writes $q/NAME/ (checkpoint), $q/NAME.log, $q/NAME.seconds (wall)
  rm -rf "${q:?}/$1"
  local t0; t0=$(date +%s.%N)
  "$mt" fit --meta "$2" --out "$q/$1" --epochs $epochs --seed 0 --lr 3e-4 --arch-hidden 128 --patience 3 --threads 2 \
    $([ $quick = 1 ] && echo --featurizer-epochs 1) 2> "$q/$1.log" > /dev/null
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$q/$1.seconds"
}
fit nb201 "$nb201_meta"
fit jahs "$jahs_meta"
rm -rf "$out/fit_jahs" && cp -r "$q/jahs" "$out/fit_jahs"
"$mt" data info "$nb201_meta" --json > "$q/nb201_info.json"
"$mt" data info "$jahs_meta" --json > "$q/jahs_info.json"

python3 - "$q" "$out" $(( $(date +%s) - start )) <<'PY'
import json, re, sys
q, out, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
print("| space | meta-data | results | valid acc: mean (min..max) | collection CPU-s | best epoch | held-out subtasks: Spearman | "
      "within-subtask Spearman | held-out pairs: Spearman | fit wall s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for space in ("nb201", "jahs"):
    m = json.load(open(f"{q}/{space}/manifest.json"))
    info = json.load(open(f"{q}/{space}_info.json"))
    src = info["sources"][0]
    met = m["metrics"]
    wall = float(open(f"{q}/{space}.seconds").read())
    assert m["options"]["search_space"] == space
    rows.append({"space": space, "meta_dataset": m["meta_dataset"]["path"], "results": info["results"], "metrics": met,
                 "valid_acc": src["valid_acc"], "collection_cpu_seconds": src.get("collection_cpu_seconds"), "fit_seconds": wall})
    cpu = src.get("collection_cpu_seconds")
    cpu_text = f"{cpu:.0f}" if cpu is not None else "not recorded"
    print(f"| {space} | {m['meta_dataset']['path']} | {info['results']} | {src['valid_acc']['mean']:.1f} "
          f"({src['valid_acc']['min']:.1f}..{src['valid_acc']['max']:.1f}) | {cpu_text} | {met['epoch']} | {met['task_spearman']:.3f} | "
          f"{met['task_spearman_within']:.3f} | {met['pair_spearman']:.3f} | {wall:.0f} |")
json.dump({"rows": rows, "seconds": seconds}, open(f"{out}/jahs_surrogate_quality.json", "w"), indent=2)
PY
