#!/usr/bin/env bash
# Real-training target: meta_test search on MNIST with the train objective (tiny preset), 3 seeds x 30
# evaluations for tnas and random; reports each run's best cell, its validation accuracy (what the search
# maximizes) and the test accuracy of that training run, and the per-step overhead of tnas.
#   bench/mnist_search.sh [--quick] --out DIR
set -euo pipefail
quick=0; out=.
while [ $# -gt 0 ]; do case "$1" in --quick) quick=1 ;; --out) out=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
build=${TNAS_BUILD_DIR:-build}
seeds=(0 1 2); budget=30
[ $quick = 1 ] && { seeds=(0); budget=6; }
for m in tnas random; do
  for s in "${seeds[@]}"; do
    "$build/meta_test/meta_test" search --dataset mnist --method $m --objective train --preset tiny --budget $budget \
      --seed "$s" --out "$out/mnist_runs/${m}_$s" --force > /dev/null 2> "$out/mnist_runs_${m}_$s.log"
  done
done
python3 - "$out" "$budget" "${seeds[@]}" <<'PY'
import json, statistics, sys
out, budget, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print("| method | seed | best cell | validation acc | test acc of that run | tnas overhead/step (ms, median) |")
print("| --- | --- | --- | --- | --- | --- |")
rows = []
for m in ("tnas", "random"):
    for s in seeds:
        d = f"{out}/mnist_runs/{m}_{s}"
        summ = json.load(open(f"{d}/summary.json"))
        trials = [json.loads(l) for l in open(f"{d}/trials.jsonl")]
        over = statistics.median(t["propose_seconds"] * 1000 for t in trials[5:]) if len(trials) > 5 else 0.0
        rows.append({"method": m, "seed": s, "best_arch": summ["best_arch"], "valid": summ["best_accuracy"],
                     "test": summ["best_details"]["test_acc"], "overhead_ms": over})
        print(f"| {m} | {s} | `{summ['best_arch']}` | {summ['best_accuracy']:.2f} | {summ['best_details']['test_acc']:.2f} | {over:.1f} |" if m == "tnas" else
              f"| {m} | {s} | `{summ['best_arch']}` | {summ['best_accuracy']:.2f} | {summ['best_details']['test_acc']:.2f} | - |")
for m in ("tnas", "random"):
    v = [r["test"] for r in rows if r["method"] == m]
    print(f"| {m} | mean | | {statistics.mean(r['valid'] for r in rows if r['method'] == m):.2f} | {statistics.mean(v):.2f} | |")
json.dump({"budget": budget, "rows": rows}, open(f"{out}/mnist_search.json", "w"), indent=2)
PY
