#!/usr/bin/env bash
# Would the default be better meta-trained on the whole transfer meta-data? (issue 26 item 1: the rebuild.)
# Fits the best recipe of table 1l (-MLL + 1 x within-subtask rank loss, the epoch kept by the held-out
# within-subtask Spearman; 30 epochs, one thread, --arch-hidden 128) on
# checkpoints/transfer-meta-data/transfer.meta.h5 (4,864 results, 304 subtasks) once per seed, and compares each
# fit with the shipped default (360 results) on: the held-out within-subtask Spearman of its own split, the
# zero-shot Spearman over the 15,625 cells of the CIFAR-10 table, and tnas's search (20 seeds x 30) on the
# CIFAR-10 table and on our Fashion-MNIST learning-curve oracle (bench/oracles/, not in ../shared), with bowl
# and params as peers in the same runs. Fits and searches resume (complete ones are kept).
#   bench/default_rebuild.sh --out DIR [--fits N] [--seeds N] [--budget N] [--quick]
set -euo pipefail
out=. fits=3 seeds=20 budget=30 epochs=30 quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    --fits) fits=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --budget) budget=$2; shift ;;
    --quick) quick=1 fits=1 seeds=2 budget=8 epochs=1 ;;
    *) echo "default_rebuild.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")" && pwd)
build=${TNAS_BUILD_DIR:-build}
source "$here/fit_and_rank.sh"
fit_data default_rebuild.sh
work=$out/default_rebuild
mkdir -p "$work"
meta=checkpoints/transfer-meta-data/transfer.meta.h5
fit_one() {  # VARIANT(unused) SEED
  fit_and_rank "$work/seed$2" "$meta" "$epochs" "$2" "cifar10:$images" "${sources[@]}" \
    $([ $quick = 1 ] && echo --featurizer-epochs 1) --rank-loss 1 --select-by within
}
run_fits 1 "$fits" 1
# The shipped default's ranking, for the zero-shot column.
if [ ! -s "$work/default.rank.tsv" ] || [ "$work/default.rank.tsv" -ot checkpoints/default/manifest.json ]; then
  "$build/meta_test/meta_test" rank --checkpoint checkpoints/default --dataset "cifar10:$images" --top 0 --no-dedupe \
    --threads 1 > "$work/default.rank.tmp" 2> "$work/default.rank.log" && mv "$work/default.rank.tmp" "$work/default.rank.tsv"
fi
methods=tnas
for ((s = 0; s < fits; s++)); do methods+=",tnas@fit$s=$work/seed$s"; done
methods+=,bowl,params
for oracle in cifar10 fashion-mnist; do
  oracle_args=()
  [ "$oracle" = fashion-mnist ] &&
    oracle_args=(--objective "table-curves:$here/oracles/fashion-mnist-tiny-curves.csv" --dataset fashion-mnist)
  d=$work/search_$oracle
  mkdir -p "$d"
  settings="$methods --seeds $seeds --budget $budget"
  if [ -f "$d/search_quality.json" ] && [ "$(cat "$d/settings" 2> /dev/null)" = "$settings" ]; then continue; fi
  rm -f "$d/search_quality.json"
  "$build/bench/search_quality" --seeds "$seeds" --budget "$budget" --methods "$methods" "${oracle_args[@]}" \
    --threads 1 --out "$d" > "$d/table.md" 2> "$d/log" || { tail -3 "$d/log" >&2; exit 1; }
  echo "$settings" > "$d/settings"
done
TNAS_BENCH_DIR=$here python3 - "$table" "$work" "$fits" "$out/default_rebuild.json" <<'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import quantile, spearman
table_path, work, fits, json_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}
def zero_shot(path):
    pred = {r["cell"]: float(r["predicted_acc"]) for r in csv.DictReader(open(path), delimiter="\t")}
    keys = [k for k in pred if k in table]
    top = max(keys, key=lambda k: pred[k])
    return spearman([pred[k] for k in keys], [table[k] for k in keys]), max(table.values()) - table[top]
searches = {oracle: json.load(open(f"{work}/search_{oracle}/search_quality.json")) for oracle in ("cifar10", "fashion-mnist")}
def search_cells(method):
    cells = []
    for oracle in ("cifar10", "fashion-mnist"):
        r = next(row for row in searches[oracle]["rows"] if row["method"] == method)
        finals = r["final_regret"]
        cells.append(f"{quantile(finals, 0.5):.3f} [{quantile(finals, 0.25):.3f}, {quantile(finals, 0.75):.3f}], "
                     f"{len(r['evals_to_top_0_1pct'])}/{searches[oracle]['seeds']}")
    return cells
rows = []
default = json.load(open("checkpoints/default/manifest.json"))
entries = [("shipped default (360 results)", default, f"{work}/default.rank.tsv", "tnas")]
for s in range(fits):
    entries.append((f"fit {s} on transfer.meta.h5 (seed {s})", json.load(open(f"{work}/seed{s}/manifest.json")),
                    f"{work}/seed{s}.rank.tsv", f"tnas@fit{s}"))
meta = entries[-1][1]["meta_dataset"]
print(f"Candidates fitted on {meta['results']} results, {meta['tasks']} subtasks; searches: 20 seeds x 30 "
      "evaluations per oracle; regret median [quartiles], seeds within 0.1 % of the best cell\n")
print("| surrogate | kept epoch | held-out within-subtask Spearman (its own split) | zero-shot Spearman on CIFAR-10 | "
      "regret of its top-1 cell | CIFAR-10 table: tnas regret, seeds in the top 0.1 % | Fashion-MNIST curves: the same |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, manifest, rank, method in entries:
    rho, top_regret = zero_shot(rank)
    cells = search_cells(method)
    metrics = manifest["metrics"]
    print(f"| {name} | {metrics['epoch']} | {metrics['task_spearman_within']:.3f} | {rho:.3f} | {top_regret:.2f} | "
          f"{cells[0]} | {cells[1]} |")
    rows.append({"surrogate": name, "epoch": metrics["epoch"], "within": metrics["task_spearman_within"],
                 "zero_shot": rho, "top1_regret": top_regret, "searches": cells})
for peer in ("bowl", "params"):
    cells = search_cells(peer)
    print(f"| {peer} (peer, no meta-learning) | - | - | - | - | {cells[0]} | {cells[1]} |")
json.dump({"rows": rows}, open(json_path, "w"), indent=2)
PY
