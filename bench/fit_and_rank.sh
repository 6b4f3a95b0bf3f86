# Sourced by the benchmarks that compare fits (fit_ranking.sh, protocol_transfer.sh, default_rebuild.sh,
# label_images.sh, protocol_images.sh); needs $build.

# fit_data PROGRAM: the reference data those fits read — the NB201 CIFAR-10 table and the CIFAR-10 subset (the
# zero-shot ranking), the downsampled-ImageNet images of the transfer meta-data's sources — as $table, $images
# and the array sources (fit's --source options); exits naming what is missing.
fit_data() {
  shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
  table=$shared/nb201/cifar10_test_acc_200ep.csv
  images=$shared/cifar10/train_500pc.bin
  for f in "$table" "$images" "$shared/imagenet/imagenet16" "$shared/imagenet/imagenet32"; do
    [ -e "$f" ] || { echo "$1: needs $f" >&2; exit 2; }
  done
  sources=(--source "imagenet16=imagenet16:$shared/imagenet/imagenet16?classes=121-1000"
    --source "imagenet32=imagenet32:$shared/imagenet/imagenet32?classes=121-1000")
}
# fit_and_rank DIR META EPOCHS SEED IMAGES_SPEC [FIT OPTIONS...]: `meta_train fit` into DIR (one thread,
# --arch-hidden 128 as the default checkpoint), resumed when killed and skipped when complete, then the
# checkpoint's zero-shot ranking of every cell on IMAGES_SPEC into DIR.rank.tsv (one thread too: two threads
# beside another busy process run the small networks of zero-cost proxies 30x slower). The fit's log is DIR.log.
# The caller's array rank_options, when set, goes to `meta_test rank` (e.g. --target-protocol fast).
fit_and_rank() {
  local dir=$1 meta=$2 epochs=$3 seed=$4 images=$5
  shift 5
  mkdir -p "$(dirname "$dir")"
  if [ ! -f "$dir/manifest.json" ] || [ -d "$dir/last" ]; then
    "$build/meta_train/meta_train" fit --meta "$meta" --out "$dir" --epochs "$epochs" --seed "$seed" --threads 1 \
      --arch-hidden 128 "$@" > "$dir.log" 2>&1 || { echo "fit failed: see $dir.log" >&2; return 1; }
    rm -rf "$dir/last"
  fi
  # A ranking newer than its checkpoint is kept (a rerun of the step then redoes nothing).
  [ -s "$dir.rank.tsv" ] && [ "$dir.rank.tsv" -nt "$dir/manifest.json" ] && return 0
  "$build/meta_test/meta_test" rank --checkpoint "$dir" --dataset "$images" --top 0 --no-dedupe --threads 1 \
    ${rank_options[@]+"${rank_options[@]}"} > "$dir.rank.tmp" 2> "$dir.rank.log" && mv "$dir.rank.tmp" "$dir.rank.tsv"
}

# run_fits VARIANTS SEEDS JOBS: the caller's `fit_one V SEED` for every variant and seed, JOBS at a time;
# exits 1 once all have ended if any failed (each failure has said where its log is).
run_fits() {
  local pids=() failed=0 v seed p
  for ((v = 0; v < $1; v++)); do
    for ((seed = 0; seed < $2; seed++)); do
      while [ "$(jobs -rp | wc -l)" -ge "$3" ]; do sleep 1; done
      fit_one "$v" "$seed" &
      pids+=($!)
    done
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ $failed = 0 ] || exit 1
}

# plan_f_study_options ARGS...: the options of the studies on plan F (label_images.sh, protocol_images.sh):
# --out DIR, --seeds N, --epochs E, --jobs J (fits at a time), --quick (one shard, seed and epoch: checks the
# pipeline); sets out, seeds, epochs, jobs and quick.
plan_f_study_options() {
  out=. seeds=3 epochs=30 jobs=2 quick=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --out) out=$2; shift ;;
      --seeds) seeds=$2; shift ;;
      --epochs) epochs=$2; shift ;;
      --jobs) jobs=$2; shift ;;
      --quick) quick=1 seeds=1 epochs=1 ;;
      *) echo "$(basename "$0"): unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
  done
}

# rank_for_protocols DIR IMAGES_SPEC TARGET...: a checkpoint conditioned on the training protocol (fit
# --protocol-inputs) ranks every cell of IMAGES_SPEC for each TARGET but the first (fit_and_rank's own
# ranking, with --target-protocol in rank_options, is the first's) into DIR.targetT.rank.tsv, T = 1, 2, ...;
# a ranking newer than the checkpoint is kept.
rank_for_protocols() {
  local dir=$1 images_spec=$2 t
  shift 2
  local targets=("$@")
  for ((t = 1; t < ${#targets[@]}; t++)); do
    [ -s "$dir.target$t.rank.tsv" ] && [ "$dir.target$t.rank.tsv" -nt "$dir/manifest.json" ] && continue
    "$build/meta_test/meta_test" rank --checkpoint "$dir" --dataset "$images_spec" --top 0 --no-dedupe \
      --threads 1 --target-protocol "${targets[$t]}" > "$dir.target$t.tmp" 2> "$dir.target$t.log" &&
      mv "$dir.target$t.tmp" "$dir.target$t.rank.tsv"
  done
}

# merge_plan_f WORK QUICK: plan F's complete shards (scripts/collect_transfer_meta_data.sh: plan A's subtasks and
# cells again on 500 images per class) merged into WORK/500pc.h5, and plan A's results of the same subtasks, in
# plan F's order, into WORK/250pc.h5 (`meta_train merge --only-subtasks-of`; fit draws its held-out coins per
# subtask in file order, so fits of both hold out the same subtasks). QUICK=1: the first complete shard only.
# Sets plan_f_changed=1 when the merge holds other results than the previous call's (what `data info` says of
# it, without the file's name), so that the caller drops what it fitted on the old one.
merge_plan_f() {
  local work=$1 quick=$2 shards=checkpoints/transfer-meta-data mt=$build/meta_train/meta_train f described
  local complete=()
  for f in "$shards"/imagenet16-fast-500pc.shard*.h5; do
    "$mt" data info "$f" 2> /dev/null | head -1 | grep -q ': 64 results,' && complete+=("$f")
  done
  [ ${#complete[@]} -gt 0 ] || { echo "$(basename "$0"): no complete shard of plan F in $shards" >&2; exit 2; }
  [ "$quick" = 1 ] && complete=("${complete[0]}")
  mkdir -p "$work"
  "$mt" merge --out "$work/500pc.h5" "${complete[@]}" > "$work/merge.log" 2>&1
  "$mt" merge --out "$work/250pc.h5" --only-subtasks-of "$work/500pc.h5" "$shards"/imagenet16-fast.shard?.h5 \
    >> "$work/merge.log" 2>&1 || { tail -2 "$work/merge.log" >&2; exit 1; }
  described=$("$mt" data info "$work/500pc.h5" | cut -d: -f2- | md5sum | cut -d' ' -f1)
  plan_f_changed=0
  [ "$(cat "$work/500pc.described" 2> /dev/null)" = "$described" ] || plan_f_changed=1
  echo "$described" > "$work/500pc.described"
}
