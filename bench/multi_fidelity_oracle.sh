#!/usr/bin/env bash
# Multi-fidelity search on our learning-curve oracle: regret against cumulative training cost (anytime) for
# single-fidelity (random, tnas: every trial the full max epochs) and multi-fidelity methods (sh, hyperband,
# bohb, tnas-hb: Hyperband's brackets, min 1 epoch, eta 3), equal budget in epochs (--budget full
# evaluations' worth), each method with the same seeds.
#   bench/multi_fidelity_oracle.sh [--quick] [--seeds N] [--budget B] [--methods M,...] [--table FILE] --out DIR
# tnas-hb:rung is tnas-hb with --mf-model rung (its GP on one fidelity, BOHB's rule) next to the default
# (every configuration at the most epochs it reached).
# The oracle (--table, default bench/oracles/fashion-mnist-tiny-curves.csv): cells x epochs -> validation and test
# accuracy and each epoch's training seconds, from `meta_train collect --curves`. A search maximizes the
# validation accuracy at the epochs it trains; its incumbent (the best at the highest fidelity it reached, as
# `meta_test search` reports) is scored by what that objective is after all epochs (its validation accuracy
# at the last epoch) against the table's best cell, and, beside it, by its test accuracy after all epochs.
# --report-only: only the tables, from the runs already in DIR.
set -euo pipefail
quick=0; report_only=0; out=.; seeds=20; budget=30; methods=random,sh,hyperband,bohb,tnas,tnas-hb,tnas-hb:rung
table=bench/oracles/fashion-mnist-tiny-curves.csv
while [ $# -gt 0 ]; do case "$1" in
  --quick) quick=1 ;; --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; --budget) budget=$2; shift ;;
  --methods) methods=$2; shift ;; --table) table=$2; shift ;; --report-only) report_only=1 ;;
  *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
[ $quick = 1 ] && { seeds=2; budget=4; }
[ -f "$table" ] || { echo "multi_fidelity_oracle.sh: no learning-curve table $table (meta_train collect --curves)" >&2; exit 1; }
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_test/meta_test"
w="$out/multi_fidelity"
start=$(date +%s)
if [ $report_only = 0 ]; then
rm -rf "$w" && mkdir -p "$w"
# The oracle's dataset: what tnas's dataset encoder reads (recorded in the table's settings).
dataset=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1] + '.json'))['settings']['source'])" "$table")
run_one() {  # METHOD[:MF_MODEL] SEED (tnas-hb:rung = tnas-hb --mf-model rung)
  mkdir -p "$w/$1"
  local method=${1%%:*} model=highest
  [[ "$1" == *:* ]] && model=${1#*:}
  "$mt" search --method "$method" --mf-model "$model" --objective "table-curves:$table" --budget "$budget" --seed "$2" --out "$w/$1/$2" \
    --threads 1 --dataset "$dataset" --final-preset none > "$w/$1/$2.log" 2>&1 || { echo "multi_fidelity_oracle.sh: $1 seed $2 failed, see $w/$1/$2.log" >&2; return 1; }
}
pids=()
for m in ${methods//,/ }; do
  for s in $(seq 0 $((seeds - 1))); do
    run_one "$m" "$s" & pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi  # two at a time
  done
done
for p in "${pids[@]}"; do wait "$p"; done
fi

TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$w" "$table" "$methods" "$seeds" "$budget" "$out" $(( $(date +%s) - start )) <<'PY'
import csv, json, os, statistics, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import spearman
w, table, methods, seeds, budget, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], int(sys.argv[7])
curves = {}
for row in csv.DictReader(open(table)):
    curves.setdefault(row["arch"], {})[int(row["epoch"])] = (float(row["valid_acc"]), float(row["test_acc"]), float(row["seconds"]))
E = max(max(c) for c in curves.values())
final_valid = {a: c[E][0] for a, c in curves.items()}
final_test = {a: c[E][1] for a, c in curves.items()}
best_valid, best_test = max(final_valid.values()), max(final_test.values())
full = statistics.mean(sum(c[e][2] for e in c) for c in curves.values())  # seconds of one full evaluation, mean
marks = [m for m in (1, 2, 3, 5, 10, 20, 30, 50, 100) if m <= budget]

def trajectory(run):
    """(cumulative cost seconds, validation regret, test regret) of the incumbent after every trial."""
    cost, key, inc, points = 0.0, None, None, []
    for line in open(f"{run}/trials.jsonl"):
        t = json.loads(line)
        cost += t.get("cost_seconds", t["seconds"])
        if t["ok"]:
            k = (t.get("fidelity_epochs", 0) or E, t["accuracy"])
            if key is None or k > key: key, inc = k, t["arch"]
        points.append((cost, best_valid - final_valid[inc] if inc else None, best_test - final_test[inc] if inc else None))
    return points

def regret_at(points, budget_seconds, which=1):
    r = None
    for p in points:
        if p[0] > budget_seconds: break
        r = p[which]
    return r

def q(values):
    v = sorted(x for x in values if x is not None)
    if not v: return "-"
    qs = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return f"{qs[1]:.2f} [{qs[0]:.2f}, {qs[2]:.2f}]" + ("" if len(v) == len(values) else f" ({len(values) - len(v)} none yet)")

print(f"Regret of each search's incumbent in validation accuracy after all {E} epochs (what the searches maximize), in points against the "
      f"table's best cell ({best_valid:.2f} %), median [quartiles] over {seeds} seeds, after a cumulative training cost of k full evaluations "
      f"(1 = {full:.1f} s, the mean cost of training one cell for {E} epochs); budget {budget} full evaluations' worth of epochs. Last column: the "
      f"same incumbents' test-accuracy regret at the end (best test cell {best_test:.2f} %; 24 validation images per class make validation a noisy "
      f"guide to test).\n")
print("| method | " + " | ".join(f"k = {m}" for m in marks) + f" | test regret at k = {marks[-1]} | trials (median) | epochs per trial (median) |")
print("| --- | " + " | ".join("---" for _ in marks) + " | --- | --- | --- |")
rows = {}
for m in methods:
    runs = [trajectory(f"{w}/{m}/{s}") for s in range(seeds)]
    at = {k: [regret_at(p, k * full) for p in runs] for k in marks}
    test_end = [regret_at(p, marks[-1] * full, 2) for p in runs]
    trials = [len(p) for p in runs]
    eps = [json.loads(line).get("epochs", 0) for s in range(seeds) for line in open(f"{w}/{m}/{s}/trials.jsonl")]
    rows[m] = {"validation_regret_at": {str(k): at[k] for k in marks}, "test_regret_end": test_end, "trials": trials}
    print(f"| {m} | " + " | ".join(q(at[k]) for k in marks) + f" | {q(test_end)} | {statistics.median(trials):.0f} | {statistics.median(eps):.0f} |")
    with open(f"{w}/{m}.curve.csv", "w") as f:  # median validation regret against cost, for the plot
        for i in range(0, 201):
            k = budget * i / 200
            vals = [x for x in (regret_at(p, k * full) for p in runs) if x is not None]
            if len(vals) == len(runs): f.write(f"{k:.3f},{statistics.median(vals):.4f}\n")
archs = sorted(curves)
fidelity = {e: spearman([curves[a][e][0] for a in archs], [final_valid[a] for a in archs]) for e in (1, 3, 9) if e < E}
noise = spearman([final_valid[a] for a in archs], [final_test[a] for a in archs])
print(f"\nHow well a short run ranks the cells (Spearman over the table's {len(archs)} cells, validation accuracy at epoch e against epoch {E}): "
      + ", ".join(f"e = {e}: {r:.3f}" for e, r in fidelity.items()) + f"; validation against test accuracy at epoch {E}: {noise:.3f}.")
json.dump({"table": table, "epochs": E, "rank_fidelity": fidelity, "valid_test_spearman": noise, "best_valid": best_valid, "best_test": best_test, "full_evaluation_seconds": full, "seeds": seeds,
           "budget": budget, "rows": rows, "seconds": seconds}, open(f"{out}/multi_fidelity_oracle.json", "w"), indent=1)
PY
if command -v gnuplot > /dev/null; then
  plot=""
  for m in ${methods//,/ }; do plot+="'$w/$m.curve.csv' using 1:(\$2+0.01) with lines lw 2 title '$m', "; done
  gnuplot -e "set terminal pngcairo size 900,550; set output '$out/multi_fidelity.png'; set datafile separator ','; set logscale y; set xlabel 'cumulative training cost (full evaluations)'; set ylabel 'median regret + 0.01 (validation %, after all epochs)'; set grid; plot ${plot%, }"
fi
