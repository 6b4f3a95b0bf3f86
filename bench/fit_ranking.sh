#!/usr/bin/env bash
# Does the fit rank within a task? (issue 26 item 3.) Fits the surrogate on the transfer meta-data with each
# variant of the loss and of the epoch selection, over several seeds (each seed is also another held-out split),
# and reports per variant the median and quartiles over seeds of: the held-out subtasks' mean within-subtask
# Spearman at the kept epoch and at the last epoch (the last one is not chosen on the held-out data, so it
# is the unbiased comparison of losses), and the zero-shot Spearman of the kept checkpoint over the 15,625
# cells of the NB201 CIFAR-10 table with the CIFAR-10 subset's images (a dataset none of the fits saw).
# With --study proxies (issue 26 item 2) the variants are the best loss of the first study with zero-cost
# proxies of each (cell, subtask) as surrogate inputs (meta_train fit --proxy-inputs): none, the size alone,
# the four that rank NB201 best alone, all eight; the CIFAR-10 ranking then computes the proxies of all
# 6,466 cells on the CIFAR-10 images once (cached for every fit).
#   bench/fit_ranking.sh --out DIR [--study loss|proxies] [--seeds N] [--epochs E] [--jobs J] [--quick] [META.h5 ...]
# Default meta-data: the complete shards of checkpoints/transfer-meta-data (listed below), merged.
set -euo pipefail
out=. seeds=3 epochs=30 jobs=2 quick=0 metas=() study=loss
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --study) study=$2; shift ;;
    --quick) quick=1 seeds=1 epochs=1 ;;
    -*) echo "fit_ranking.sh: unknown option '$1'" >&2; exit 2 ;;
    *) metas+=("$1") ;;
  esac
  shift
done
build=${TNAS_BUILD_DIR:-build}
source "$(dirname "$0")/fit_and_rank.sh"
fit_data fit_ranking.sh
case "$study" in
  loss) name=fit_ranking ;;
  proxies) name=fit_ranking_proxies ;;
  *) echo "fit_ranking.sh: --study must be loss or proxies, got '$study'" >&2; exit 2 ;;
esac
work=$out/$name
mkdir -p "$work"
# Default: the shards that were complete when this bench was written (a shard still being collected is being
# written, and must not be read).
# (The loss study keeps the three its table was measured on; the proxies study came later, with five.)
shards=checkpoints/transfer-meta-data
if [ ${#metas[@]} = 0 ] && [ "$study" = loss ]; then
  metas=("$shards/imagenet16-fast.shard0.h5" "$shards/imagenet16-fast.shard1.h5" "$shards/imagenet32-fast32.shard0.h5")
elif [ ${#metas[@]} = 0 ]; then
  metas=("$shards/imagenet16-fast.shard0.h5" "$shards/imagenet16-fast.shard1.h5" "$shards/imagenet16-fast.shard2.h5"
    "$shards/imagenet32-fast32.shard0.h5" "$shards/imagenet32-fast32.shard1.h5")
fi
meta=$work/meta.h5
"$build/meta_train/meta_train" merge --out "$meta" "${metas[@]}" > "$work/merge.log" 2>&1  # written atomically
# NAME|FIT OPTIONS
variants=("reference (-MLL, pooled selection)|"
  "-MLL, within-subtask selection|--select-by within"
  "-MLL + 1 x rank loss, within-subtask selection|--rank-loss 1 --select-by within"
  "-MLL + 3 x rank loss, within-subtask selection|--rank-loss 3 --select-by within")
if [ "$study" = proxies ]; then
  best="--rank-loss 1 --select-by within"
  variants=("-MLL + 1 x rank loss, within (no proxies)|$best"
    "same + proxy input: params|$best --proxy-inputs params"
    "same + proxy inputs: synflow, naswot, jacov, params|$best --proxy-inputs synflow,naswot,jacov,params"
    "same + proxy inputs: all eight|$best --proxy-inputs synflow,snip,grad_norm,fisher,naswot,jacov,params,flops")
  # --quick: the size input, counted without a network (the others compute 6,466 cells' proxies: minutes).
  [ $quick = 1 ] && variants=("${variants[0]}" "${variants[1]}")
elif [ $quick = 1 ]; then
  variants=("${variants[0]}" "${variants[2]}")
fi
fit_one() {  # VARIANT_INDEX SEED
  # shellcheck disable=SC2086
  fit_and_rank "$work/v$1/seed$2" "$meta" "$epochs" "$2" "cifar10:$images" "${sources[@]}" \
    $([ $quick = 1 ] && echo --featurizer-epochs 1) ${variants[$1]#*|}
}
# One fit that reads data-dependent proxies first, alone: it computes the proxies of the meta-data's pairs and
# of every cell on the CIFAR-10 images into the cache, which then serves the fits that run side by side.
if [ "$study" = proxies ] && [ $quick = 0 ]; then fit_one 2 0; fi
run_fits "${#variants[@]}" "$seeds" "$jobs"
printf '%s\n' "${variants[@]}" > "$work/variants.txt"
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$table" "$work" "$seeds" "$epochs" "$out/$name.json" <<'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from fit_results import seed_results
from rank_stats import quantile, spearman
table_path, work, seeds, epochs, json_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}
variants = [line.rstrip("\n").split("|")[0] for line in open(f"{work}/variants.txt")]
def q(values):
    return f"{quantile(values, 0.5):.3f} [{quantile(values, 0.25):.3f}, {quantile(values, 0.75):.3f}]"
meta = json.load(open(f"{work}/v0/seed0/manifest.json"))["meta_dataset"]
print(f"{meta['results']} results, {meta['tasks']} subtasks; {seeds} seeds (each its own held-out split), "
      f"{epochs} epochs; median [quartiles] over seeds\n")
print("| fit | held-out within-subtask Spearman, kept epoch | same, last epoch | kept epoch | "
      "zero-shot Spearman on CIFAR-10 (15,625 cells) |")
print("| --- | --- | --- | --- | --- |")
rows = []
for v, name in enumerate(variants):
    kept, last, epoch, cifar = seed_results([f"{work}/v{v}/seed{seed}" for seed in range(seeds)], table)
    rows.append({"fit": name, "kept_within": kept, "last_within": last, "kept_epoch": epoch, "cifar10_spearman": cifar})
    print(f"| {name} | {q(kept)} | {q(last)} | {quantile(epoch, 0.5):.0f} | {q(cifar)} |")
json.dump({"seeds": seeds, "epochs": epochs, "meta_dataset": meta, "rows": rows}, open(json_path, "w"), indent=2)
PY
