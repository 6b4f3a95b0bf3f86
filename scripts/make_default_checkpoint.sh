#!/usr/bin/env bash
# Rebuilds the shipped default from the downsampled-ImageNet reference data ($TNAS_SHARED_DATA/imagenet,
# never committed): about 35 min on 2 cores.
#   checkpoints/imagenet16-fast.meta.h5   30 subtasks of 20 Imagenet16 classes x 250 images (labels 121..1000
#                                         only: ImageNet16-120's labels 1..120 stay held out as a target)
#                                         x 12 uniformly drawn cells, trained with the `fast` preset
#                                         (seed 2027), collected as 2 one-thread shards and merged
#   checkpoints/default/                  meta_train fit on it (30 epochs, seed 0, 2 threads); its built-in
#                                         featurizer is trained on the 249 ImageNet classes of the source
# Our own data: the meta-dataset holds accuracies, class ids and seeds, no images.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
images="$shared/imagenet/imagenet16"
[ -f "$images/train_data_batch_1.npz" ] || { echo "make_default_checkpoint: $images/train_data_batch_1.npz is missing (set TNAS_SHARED_DATA)" >&2; exit 1; }
# The source spec is recorded in the meta-dataset; fit reads the images from it (or from --source).
source_spec="imagenet16:$images?classes=121-1000"
work=$(mktemp -d)
for i in 0 1; do
  "$build/meta_train/meta_train" collect --source "$source_spec" --tasks 30 --classes-per-task 20 \
    --images-per-class 250 --archs-per-task 12 --preset fast --seed 2027 --shard $i/2 --threads 1 \
    --out "$work/shard$i.h5" &
done
wait
"$build/meta_train/meta_train" merge --out checkpoints/imagenet16-fast.meta.h5 "$work/shard0.h5" "$work/shard1.h5"
rm -rf checkpoints/default
"$build/meta_train/meta_train" fit --meta checkpoints/imagenet16-fast.meta.h5 --out checkpoints/default \
  --epochs 30 --seed 0 --threads 2
rm -rf checkpoints/default/last "$work"
