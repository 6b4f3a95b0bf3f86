#!/usr/bin/env bash
# The transfer-prior meta-data (issue 26): downsampled-ImageNet subtasks of several class counts at both
# resolutions, 16 cells each, stratified by parameter count and operation mix, trained with the fast protocols.
#   A: imagenet16, labels 121..1000 (ImageNet16-120 stays held out), 240 tasks x 16 cells, k = 5..20 classes,
#      250 images per class, preset fast (16 px), seed 2028, 8 shards of 30 tasks
#   B: imagenet32, the same labels, 64 tasks x 16 cells, k = 5..20, 60 images per class, preset fast32
#      (32 px), seed 2029, 2 shards of 32 tasks
#   C: imagenet16, 12 of A's subtasks (shards 0 and 1 of 40: tasks 0, 40, ..., 200 and 1, 41, ..., 201) with
#      the same 16 cells, preset fast-long (the fast protocol trained 40 epochs), seed 2028: labels of a second
#      protocol on the same cells, for a surrogate conditioned on the protocol (issue 26 item 7); about 40
#      CPU-seconds per result. Kept beside transfer.meta.h5, not merged into it.
#   D: imagenet16, the same labels, 60 tasks x 16 architectures of the hierarchical NB201 space (`hnb201`,
#      drawn by the grammar's rules), k = 5..20, preset hierarchical (tiny, gradients clipped: 120 images per
#      class, 5 epochs), seed 2030, 4 shards of 15 tasks: meta-data for a surrogate on hierarchical
#      architectures (issue 28 item 5); merged on its own into OUT_DIR/hnb201.meta.h5. Measured: 12.5
#      CPU-seconds per result over shards 0 and 1 (480 results in 5,990 s), so about 3.3 CPU-hours in all.
#   E: plan D again with seed 2031 (60 other subtasks x 16 other hierarchical architectures, 4 shards of 15
#      tasks): the hierarchical surrogate ranked at 0.40 within held-out subtasks on D alone against 0.59 for
#      NB201 cells, and its fits stop improving by epoch 15-20, so more meta-data is the lever (issue 28);
#      merged with D into OUT_DIR/hnb201.meta.h5. Plan D's whole cost was 16,723 CPU-seconds per 960 results.
#   F: plan A's subtasks and cells again (seed 2028, the same draws), trained by the fast protocol on 500 images
#      per class instead of 250 (twice the training images and 100 validation images per class instead of 50),
#      60 shards of 4 tasks (shard i: tasks i, i + 60, i + 120, i + 180): do labels from more images agree more
#      with themselves, reward size, and teach a fit more (bench/label_images.sh, issue 26)? Measured: 11.0
#      CPU-seconds per result. Kept beside transfer.meta.h5, not merged into it.
# Measured on this 2-core machine: 11.9 CPU-seconds per result over the first 410 (k = 5..20 classes), so
# 4,864 results take about 16 CPU-hours in all.
# Every shard is its own resumable collection (killed at any moment, the same command continues it), so the
# script can be stopped and rerun across sessions; it runs JOBS shards at a time (default 1), each on one
# thread under `nice`. When every shard is complete it merges them into OUT_DIR/transfer.meta.h5.
# The shards collected so far are committed in checkpoints/transfer-meta-data/: rerunning this script on that
# folder continues them.
#   scripts/collect_transfer_meta_data.sh OUT_DIR        (TNAS_SHARED_DATA, TNAS_BUILD_DIR, JOBS)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: collect_transfer_meta_data.sh OUT_DIR}
shared=${TNAS_SHARED_DATA:-$(cd "$here/.." && pwd)/shared/data}
meta_train=${TNAS_META_TRAIN:-${TNAS_BUILD_DIR:-$here/build}/meta_train/meta_train}
jobs=${JOBS:-1}
for f in imagenet16/train_data_batch_1.npz imagenet32/train_data_batch_1.npz; do
  [ -f "$shared/imagenet/$f" ] || { echo "collect_transfer_meta_data: $shared/imagenet/$f is missing (set TNAS_SHARED_DATA)" >&2; exit 1; }
done
mkdir -p "$out"

shard() {  # NAME INDEX COUNT -- collect options
  local name=$1 index=$2 count=$3
  shift 4
  echo "$name shard $index/$count: $out/$name.shard$index.h5 (log $out/$name.shard$index.log)"
  nice -n 19 "$meta_train" collect "$@" --archs-per-task 16 --classes-per-task 5-20 \
    --threads 1 --device cpu --shard "$index/$count" --out "$out/$name.shard$index.h5" >> "$out/$name.shard$index.log" 2>&1
}
stratified=(--arch-sampling stratified)
a_options=(--source "imagenet16:$shared/imagenet/imagenet16?classes=121-1000" --tasks 240 --images-per-class 250 --preset fast --seed 2028 "${stratified[@]}")
b_options=(--source "imagenet32:$shared/imagenet/imagenet32?classes=121-1000" --tasks 64 --images-per-class 60 --preset fast32 --seed 2029 "${stratified[@]}")
c_options=(--source "imagenet16:$shared/imagenet/imagenet16?classes=121-1000" --tasks 240 --images-per-class 250 --preset fast-long --seed 2028 "${stratified[@]}")
d_options=(--source "imagenet16:$shared/imagenet/imagenet16?classes=121-1000" --tasks 60 --images-per-class 120 --preset hierarchical --seed 2030 --space hnb201)
e_options=(--source "imagenet16:$shared/imagenet/imagenet16?classes=121-1000" --tasks 60 --images-per-class 120 --preset hierarchical --seed 2031 --space hnb201)
f_options=(--source "imagenet16:$shared/imagenet/imagenet16?classes=121-1000" --tasks 240 --images-per-class 500 --preset fast --seed 2028 "${stratified[@]}")
plan=("a 0" "b 0" "a 1" "a 2" "b 1" "a 3" "a 4" "a 5" "c 0" "c 1" "a 6" "a 7" "d 0" "d 1" "d 2" "d 3" "e 0" "e 1" "e 2" "e 3")
for ((i = 0; i < 60; i++)); do plan+=("f $i"); done
run_entry() {
  set -- $1
  case "$1" in
    a) shard imagenet16-fast "$2" 8 -- "${a_options[@]}" ;;
    b) shard imagenet32-fast32 "$2" 2 -- "${b_options[@]}" ;;
    c) shard imagenet16-fast-long "$2" 40 -- "${c_options[@]}" ;;
    d) shard imagenet16-hierarchical "$2" 4 -- "${d_options[@]}" ;;
    e) shard imagenet16-hierarchical-e "$2" 4 -- "${e_options[@]}" ;;
    f) shard imagenet16-fast-500pc "$2" 60 -- "${f_options[@]}" ;;
  esac
}
running=0
for entry in "${plan[@]}"; do
  run_entry "$entry" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
shards=("$out"/imagenet16-fast.shard{0..7}.h5 "$out"/imagenet32-fast32.shard{0..1}.h5)
"$meta_train" merge --out "$out/transfer.meta.h5" "${shards[@]}"
"$meta_train" data info "$out/transfer.meta.h5"
"$meta_train" merge --out "$out/hnb201.meta.h5" "$out"/imagenet16-hierarchical{,-e}.shard{0..3}.h5
"$meta_train" data info "$out/hnb201.meta.h5"
