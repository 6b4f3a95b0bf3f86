#!/usr/bin/env bash
# Rebuilds the shipped defaults from the embedded Fashion-MNIST data (about 25 min on 2 cores):
#   checkpoints/fashion-mnist-tiny.meta.h5   120 subtasks (k 3-8 classes, n 40-100 images/class) x 15 cells,
#                                            trained with the tiny preset, collected as 2 shards and merged
#   checkpoints/default/                     meta_train fit on it (the fit defaults, seed 0)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${TNAS_BUILD_DIR:-build}
work=$(mktemp -d)
for i in 0 1; do
  "$build/meta_train/meta_train" collect --source fashion-mnist --tasks 120 --classes-per-task 3-8 \
    --images-per-class 40-100 --archs-per-task 15 --preset tiny --seed 2026 --shard $i/2 --threads 1 \
    --out "$work/shard$i.h5" &
done
wait
"$build/meta_train/meta_train" merge --out checkpoints/fashion-mnist-tiny.meta.h5 "$work/shard0.h5" "$work/shard1.h5"
rm -rf checkpoints/default
"$build/meta_train/meta_train" fit --meta checkpoints/fashion-mnist-tiny.meta.h5 --out checkpoints/default --seed 0
rm -rf checkpoints/default/last "$work"
