#!/usr/bin/env bash
# Surrogate quality per meta-data source, with the constant-D ablation, meta-training throughput and the time
# to rebuild the default checkpoint. `meta_train fit` (seed 0, 2 threads) on:
#   imagenet16   checkpoints/imagenet16-fast.meta.h5, the default's own meta-data and settings (30 epochs)
#   mixed        that collection merged with MetaD2A's database imported with its ImageNet-32 images: two
#                sources under two protocols in one meta-dataset (12 epochs: ~100 s each with D)
#   metad2a      MetaD2A's database alone, constant D (no images needed), kept in DIR/fit_metad2a for
#                search_quality's tnas@metad2a peer
#   fashion      checkpoints/fashion-mnist-tiny.meta.h5 (the first default; no reference data needed), kept
#                in DIR/fit_with_d for search_quality's tnas@fashion-mnist peer
# each with the dataset embedding and with a constant one. Rows per source come from the best epoch's
# held-out metrics (manifest.json). Without the reference data (or with --quick) only `fashion` runs.
#   bench/surrogate_quality.sh [--quick] --out DIR
set -euo pipefail
quick=0; out=.
while [ $# -gt 0 ]; do case "$1" in --quick) quick=1 ;; --out) out=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_train/meta_train"
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
mkdir -p "$out/quality"
q="$out/quality"
common=(--seed 0 --lr 3e-4 --arch-hidden 128 --patience 3 --threads 2)
start=$(date +%s)

# fit NAME META EPOCHS [extra args]: writes $q/NAME/ (checkpoint), $q/NAME.log, $q/NAME.seconds (wall).
fit() {
  local name=$1 meta=$2 epochs=$3; shift 3
  rm -rf "${q:?}/$name"
  local t0; t0=$(date +%s.%N)
  "$mt" fit --meta "$meta" --out "$q/$name" --epochs "$epochs" "${common[@]}" "$@" 2> "$q/$name.log" >/dev/null
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$q/$name.seconds"
}

if [ $quick = 1 ]; then
  fit fashion_d checkpoints/fashion-mnist-tiny.meta.h5 1 --featurizer-epochs 1
  fit fashion_const checkpoints/fashion-mnist-tiny.meta.h5 1 --no-dataset-embedding
else
  fit fashion_d checkpoints/fashion-mnist-tiny.meta.h5 12
  fit fashion_const checkpoints/fashion-mnist-tiny.meta.h5 12 --no-dataset-embedding
fi
rm -rf "$out/fit_with_d" "$out/fit_metad2a"
cp -r "$q/fashion_d" "$out/fit_with_d"  # search_quality's tnas@fashion-mnist and meta_dataset_labels' tnas@tiny
if [ -f "$shared/metad2a/metad2a_meta_train_db.csv" ]; then
  "$mt" data import-metad2a --out "$q/metad2a.h5" >/dev/null
  fit metad2a_const "$q/metad2a.h5" "$([ $quick = 1 ] && echo 1 || echo 12)" --no-dataset-embedding
  cp -r "$q/metad2a_const" "$out/fit_metad2a"  # search_quality's tnas@metad2a peer
fi
if [ $quick = 0 ] && [ -f "$shared/imagenet/imagenet16/train_data_batch_1.npz" ] && [ -f "$shared/metad2a/metad2a_meta_train_db.csv" ]; then
  "$mt" data info checkpoints/imagenet16-fast.meta.h5 --json > "$q/imagenet16_info.json"
  fit imagenet16_d checkpoints/imagenet16-fast.meta.h5 30
  fit imagenet16_const checkpoints/imagenet16-fast.meta.h5 30 --no-dataset-embedding
  "$mt" data import-metad2a --images "imagenet32:$shared/imagenet/imagenet32" --out "$q/metad2a_images.h5" >/dev/null
  "$mt" merge --out "$q/mixed.h5" "$q/metad2a_images.h5" checkpoints/imagenet16-fast.meta.h5 >/dev/null
  "$mt" data info "$q/mixed.h5" --json > "$q/mixed_info.json"
  fit mixed_d "$q/mixed.h5" 12
  fit mixed_const "$q/mixed.h5" 12 --no-dataset-embedding
fi

python3 - "$q" "$out" $(( $(date +%s) - start )) <<'PY'
import json, os, re, sys
q, out, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [("imagenet16", "default's meta-data: 30 ImageNet16 subtasks x 12 cells, `fast` protocol"),
        ("mixed", "that + MetaD2A's database with its ImageNet-32 images (two sources, two protocols)"),
        ("metad2a", "MetaD2A's database alone (no images)"),
        ("fashion", "Fashion-MNIST `tiny` subtasks (the first default)")]
rows, table = {}, []
for meta, label in runs:
    for kind, dlabel in (("d", "dataset embedding"), ("const", "constant D")):
        name = f"{meta}_{kind}"
        if not os.path.exists(f"{q}/{name}/manifest.json"):
            continue
        m = json.load(open(f"{q}/{name}/manifest.json"))["metrics"]
        log = open(f"{q}/{name}.log").read()
        pairs = int(re.search(r"split: (\d+) training pairs", log).group(1))
        epochs = re.findall(r"^epoch (\d+)/\d+ .*\| (\d+)s$", log, re.M)
        wall = float(open(f"{q}/{name}.seconds").read())
        r = {"meta": meta, "embedding": kind, "best_epoch": m["epoch"], "metrics": m, "training_pairs": pairs,
             "triples_per_second": pairs * int(epochs[-1][0]) / max(1, int(epochs[-1][1])), "fit_seconds": wall}
        rows[name] = r
        per = m.get("sources") or {"(all)": {"task_spearman": m["task_spearman"], "task_spearman_within": m["task_spearman_within"],
                                             "pair_spearman": m["pair_spearman"]}}
        for src, s in sorted(per.items()):
            table.append(f"| {label} | {dlabel} | {src} | {m['epoch']} | {s['task_spearman']:.3f} | {s['task_spearman_within']:.3f} | "
                         f"{s['pair_spearman']:.3f} | {r['triples_per_second']:.0f} | {wall:.0f} |")
print("| meta-data | D | source | best epoch | held-out subtasks: Spearman | within-subtask Spearman | held-out pairs: Spearman | triples/s (incl. validation) | fit wall s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
print("\n".join(table))
if os.path.exists(f"{q}/imagenet16_info.json") and "imagenet16_d" in rows:
    info = json.load(open(f"{q}/imagenet16_info.json"))
    cpu = sum(s.get("collection_cpu_seconds", 0) for s in info["sources"])
    fit_s = rows["imagenet16_d"]["fit_seconds"]
    rows["rebuild"] = {"collection_cpu_seconds": cpu, "collection_seconds_2_cores": cpu / 2, "fit_seconds": fit_s}
    print(f"\nRebuilding the default (`scripts/make_default_checkpoint.sh`) on 2 cores: its collection recorded {cpu:.0f} CPU-s of "
          f"training ({info['results']} cells, one thread each), {cpu / 2 / 60:.1f} min as two parallel shards, plus this fit's "
          f"{fit_s / 60:.1f} min: about {(cpu / 2 + fit_s) / 60:.0f} min.")
json.dump({"rows": rows, "seconds": seconds}, open(f"{out}/surrogate_quality.json", "w"), indent=2)
PY
