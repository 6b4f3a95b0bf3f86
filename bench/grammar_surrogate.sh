#!/usr/bin/env bash
# The meta-learned surrogate on hierarchical architectures beside the one on NB201 cells (issue 28 item 5):
# `meta_train fit` with table 1l's best recipe (-MLL + 1 x within-subtask rank loss, the epoch kept by the
# held-out subtasks' mean within-subtask Spearman; --arch-hidden 128, one thread) on
#   hnb201: the hierarchical NB201 meta-data (scripts/collect_transfer_meta_data.sh, plans D and E: imagenet16
#           subtasks of 5..20 classes x 16 architectures drawn by the grammar's rules, preset hierarchical);
#   nb201:  shard 0 of the NB201 transfer meta-data (30 imagenet16 subtasks of 5..20 classes x 16 stratified
#           cells, preset fast), a meta-dataset of about the same size,
# once per seed (each seed is its own held-out split, 15 % of the subtasks), and reports per space the median
# and quartiles over seeds of the held-out within-subtask Spearman at the kept and at the last epoch (the last
# one is not chosen on the held-out data), the pooled held-out Spearman, and the fit's time; beside them, the
# peers that learn nothing: parameter count and FLOPs alone, their mean within-subtask Spearman over every
# subtask of the same meta-data (from `meta_train data export`).
#   bench/grammar_surrogate.sh --out DIR [--seeds N] [--epochs E] [--jobs J] [--quick] [HNB201_META.h5 ...]
# Default hnb201 meta-data: the complete plan D and E shards in checkpoints/transfer-meta-data, merged (a shard
# still being collected is left out). The step resumes: complete fits of the same meta-data and epochs are kept.
set -euo pipefail
out=. seeds=3 epochs=12 jobs=2 quick=0 metas=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --quick) quick=1 seeds=1 epochs=1 ;;
    -*) echo "grammar_surrogate.sh: unknown option '$1'" >&2; exit 2 ;;
    *) metas+=("$1") ;;
  esac
  shift
done
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
[ -e "$shared/imagenet/imagenet16" ] || { echo "grammar_surrogate.sh: needs $shared/imagenet/imagenet16" >&2; exit 2; }
shards=checkpoints/transfer-meta-data
if [ ${#metas[@]} = 0 ]; then
  # the complete shards only (15 subtasks x 16): one being collected is still written
  for f in "$shards"/imagenet16-hierarchical.shard{0..3}.h5 "$shards"/imagenet16-hierarchical-e.shard{0..3}.h5; do
    if [ -f "$f" ] && "$build/meta_train/meta_train" data info "$f" 2>/dev/null | head -1 | grep -q ': 240 results,'; then
      metas+=("$f")
    fi
  done
fi
[ ${#metas[@]} -gt 0 ] || { echo "grammar_surrogate.sh: no complete hnb201 shard (scripts/collect_transfer_meta_data.sh)" >&2; exit 2; }
work=$out/grammar_surrogate
mkdir -p "$work"
"$build/meta_train/meta_train" merge --out "$work/hnb201.h5" "${metas[@]}" > "$work/merge.log" 2>&1
# Fits of other hnb201 meta-data than this merge's (shards completed since) are not kept.
# (what `data info` says of it without the file's name: its results, sources and their protocols)
described=$("$build/meta_train/meta_train" data info "$work/hnb201.h5" | cut -d: -f2- | md5sum | cut -d' ' -f1)
if [ "$(cat "$work/hnb201.described" 2>/dev/null)" != "$described" ]; then rm -rf "$work/v0"; fi
echo "$described" > "$work/hnb201.described"
spaces=("hnb201|$work/hnb201.h5" "nb201|$shards/imagenet16-fast.shard0.h5")
source "$(dirname "$0")/fit_and_rank.sh"
fit_one() {  # SPACE_INDEX SEED: the fit alone (fit_and_rank's ranking is of NB201 cells on CIFAR-10)
  IFS='|' read -r _ meta <<< "${spaces[$1]}"
  local dir=$work/v$1/seed$2
  mkdir -p "$(dirname "$dir")"
  # A complete fit of as many epochs is kept (its log's epoch lines say how many it was asked for).
  [ -f "$dir/manifest.json" ] && [ ! -d "$dir/last" ] && grep -q "^epoch [0-9]*/$epochs " "$dir.log" && return 0
  local start
  start=$(date +%s)
  # shellcheck disable=SC2046
  "$build/meta_train/meta_train" fit --meta "$meta" --out "$dir" --epochs "$epochs" --seed "$2" --threads 1 \
    --arch-hidden 128 --rank-loss 1 --select-by within \
    --source "imagenet16=imagenet16:$shared/imagenet/imagenet16?classes=121-1000" \
    $([ $quick = 1 ] && echo --featurizer-epochs 1) > "$dir.log" 2>&1 || { echo "fit failed: see $dir.log" >&2; return 1; }
  rm -rf "$dir/last"
  echo $(($(date +%s) - start)) > "$dir.seconds"
}
run_fits "${#spaces[@]}" "$seeds" "$jobs"
printf '%s\n' "${spaces[@]}" | cut -d'|' -f1 > "$work/spaces.txt"
for entry in "${spaces[@]}"; do
  IFS='|' read -r name meta <<< "$entry"
  "$build/meta_train/meta_train" data export "$meta" --out "$work/$name.csv" 2> /dev/null
done
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$work" "$seeds" "$epochs" "$out/grammar_surrogate.json" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import quantile, spearman
import csv
work, seeds, epochs, json_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
spaces = [line.strip() for line in open(f"{work}/spaces.txt")]
def size_peers(path):  # mean over subtasks of Spearman(params, accuracy) and of Spearman(FLOPs, accuracy)
    tasks = {}
    for row in csv.DictReader(open(path)):
        tasks.setdefault(row["task"], []).append(row)
    def mean_within(column):
        values = []
        for rows in tasks.values():
            size = [float(r[column]) for r in rows]
            if len(rows) > 2 and min(size) < max(size):
                values.append(spearman(size, [float(r["valid_acc"]) for r in rows]))
        return sum(values) / len(values) if values else float("nan")  # nan: no subtask with sizes to rank
    return mean_within("params"), mean_within("flops")
def q(values):
    return f"{quantile(values, 0.5):.3f} [{quantile(values, 0.25):.3f}, {quantile(values, 0.75):.3f}]"
print(f"{seeds} seeds (each its own held-out split of 15 % of the subtasks), {epochs} epochs; median [quartiles] "
      "over seeds\n")
print("| space | meta-data | held-out within-subtask Spearman, kept epoch | same, last epoch | pooled held-out "
      "Spearman, kept epoch | kept epoch | fit (s, one thread) | params alone: within-subtask Spearman, every "
      "subtask | FLOPs alone: same |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
rows = []
for v, space in enumerate(spaces):
    kept, last, pooled, epoch, seconds = [], [], [], [], []
    for seed in range(seeds):
        d = f"{work}/v{v}/seed{seed}"
        manifest = json.load(open(f"{d}/manifest.json"))
        meta = manifest["meta_dataset"]
        kept.append(manifest["metrics"]["task_spearman_within"])
        pooled.append(manifest["metrics"]["task_spearman"])
        epoch.append(manifest["metrics"]["epoch"])
        log = [l for l in open(f"{d}.log") if l.startswith("epoch ")]
        last.append(float(log[-1].split("within-subtask ")[1].split(")")[0]))
        seconds.append(float(open(f"{d}.seconds").read()) if os.path.exists(f"{d}.seconds") else float("nan"))
    described = f"{meta['results']} results, {meta['tasks']} subtasks"
    params_within, flops_within = size_peers(f"{work}/{space}.csv")
    rows.append({"space": space, "meta_dataset": meta, "kept_within": kept, "last_within": last,
                 "kept_pooled": pooled, "kept_epoch": epoch, "fit_seconds": seconds,
                 "params_within": params_within, "flops_within": flops_within})
    print(f"| {space} | {described} | {q(kept)} | {q(last)} | {q(pooled)} | {quantile(epoch, 0.5):.0f} | "
          f"{quantile(seconds, 0.5):.0f} | {params_within:.3f} | {flops_within:.3f} |")
json.dump({"seeds": seeds, "epochs": epochs, "rows": rows}, open(json_path, "w"), indent=2)
PY
