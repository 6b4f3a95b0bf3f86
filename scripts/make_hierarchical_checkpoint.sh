#!/usr/bin/env bash
# Rebuilds checkpoints/hnb201/, the surrogate meta-trained on hierarchical NB201 architectures (issue 28 item
# 5), from checkpoints/transfer-meta-data/hnb201.meta.h5 (plan D of scripts/collect_transfer_meta_data.sh:
# 60 imagenet16 subtasks x 16 architectures, preset hierarchical; our own data, no images) and the
# downsampled-ImageNet images it names ($TNAS_SHARED_DATA/imagenet/imagenet16, never committed): about 8 min on
# 2 cores. The recipe is table 1x's (bench/RESULTS.md): -MLL + 1 x within-subtask rank loss, the epoch kept by
# held-out within-subtask Spearman, --arch-hidden 128, 20 epochs, seed 0; the encoder reads no vertex ids on a
# grammar space (models/surrogate/surrogate_options.h).
#   scripts/make_hierarchical_checkpoint.sh [OUT_DIR]      (default checkpoints/hnb201)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
out=${1:-checkpoints/hnb201}
meta=checkpoints/transfer-meta-data/hnb201.meta.h5
images="$shared/imagenet/imagenet16"
[ -f "$meta" ] || { echo "make_hierarchical_checkpoint: $meta is missing (scripts/collect_transfer_meta_data.sh)" >&2; exit 1; }
[ -f "$images/train_data_batch_1.npz" ] || { echo "make_hierarchical_checkpoint: $images/train_data_batch_1.npz is missing (set TNAS_SHARED_DATA)" >&2; exit 1; }
rm -rf "$out"
"$build/meta_train/meta_train" fit --meta "$meta" --out "$out" --epochs 20 --seed 0 --threads 2 \
  --arch-hidden 128 --rank-loss 1 --select-by within --source "imagenet16=imagenet16:$images?classes=121-1000"
rm -rf "$out/last"
