#!/usr/bin/env bash
# Multi-objective search on the NAS-Bench-201 CIFAR-10 oracle: accuracy x parameters and accuracy x FLOPs
# (exact from the cost model), random, nsga2, parego and tnas-mo with the same seeds. The true front is computed
# from the table over the search pool (one cell per isomorphism class, the smallest id, as `meta_test search`
# draws it); each run's hypervolume after 30 and 100 evaluations is reported as a ratio to the true front's,
# against the searches' own reference point (accuracy 0, the pool's largest size).
#   bench/multi_objective_oracle.sh [--quick] [--seeds N] [--budget B] [--methods M,...] --out DIR
set -euo pipefail
quick=0; out=.; seeds=20; budget=100; methods=random,nsga2,parego,tnas-mo; pairs=params,flops
while [ $# -gt 0 ]; do case "$1" in
  --quick) quick=1 ;; --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; --budget) budget=$2; shift ;;
  --methods) methods=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
[ $quick = 1 ] && { seeds=2; budget=12; pairs=params; }
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_test/meta_test"
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
table="$shared/nb201/cifar10_test_acc_200ep.csv"
images="cifar10:$shared/cifar10/train_500pc.bin"
[ -f "$table" ] || { echo "multi_objective_oracle.sh: $table is absent" >&2; exit 1; }
w="$out/multi_objective"
rm -rf "$w" && mkdir -p "$w"
start=$(date +%s)
# Every cell's size and canonical form (the pool's representative of its isomorphism class).
tail -n +2 "$table" | cut -d, -f2 | "$mt" arch --format json --threads 1 > "$w/cells.jsonl"
run_one() {  # PAIR METHOD SEED
  "$mt" search --method "$2" --objective "table:$table" --objectives "acc,$1" --budget "$budget" --seed "$3" --dataset "$images" \
    --out "$w/$1_$2_$3" --threads 1 > /dev/null 2> "$w/$1_$2_$3.log" || { echo "multi_objective_oracle.sh: $1 $2 seed $3 failed, see $w/$1_$2_$3.log" >&2; return 1; }
}
pids=()
for p in ${pairs//,/ }; do
  for m in ${methods//,/ }; do
    for ((s = 0; s < seeds; s++)); do
      run_one "$p" "$m" "$s" & pids+=($!)
      if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    done
  done
done
for p in "${pids[@]}"; do wait "$p"; done

python3 - "$w" "$table" "$methods" "$pairs" "$seeds" "$budget" "$out" $(( $(date +%s) - start )) <<'PY'
import csv, json, statistics, sys
w, table, methods, pairs, seeds, budget, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(","), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], int(sys.argv[8])
acc = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table))}
size = {}
for line in open(f"{w}/cells.jsonl"):
    c = json.loads(line)
    size[c["canonical"]] = {"params": c["params"], "flops": c["flops_m"] * 1e6}

def hv2(points, ref):  # maximize acc, minimize size; points (acc, size)
    pts = sorted((p for p in points if p[0] > ref[0] and p[1] < ref[1]), key=lambda p: (-p[0], p[1]))
    total, best = 0.0, ref[1]
    for a, s in pts:
        if s < best: total += (a - ref[0]) * (best - s); best = s
    return total

def front(points):
    return [p for p in points if not any(q[0] >= p[0] and q[1] <= p[1] and q != p for q in points)]

def q(v):
    qs = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return f"{qs[1]:.4f} [{qs[0]:.4f}, {qs[2]:.4f}]"

marks = [m for m in (30, 100) if m <= budget] or [budget]
print(f"Hypervolume of each search's front as a fraction of the true front's (reference point: accuracy 0, the pool's largest size), median [quartiles] over {seeds} seeds, after {' and '.join(map(str, marks))} evaluations.\n")
print("| objectives | true front (cells) | method | " + " | ".join(f"HV ratio @ {m}" for m in marks) + " | front size @ end (median) | proposal ms (median) |")
print("| --- | --- | --- | " + " | ".join("---" for _ in marks) + " | --- | --- |")
result = {"seeds": seeds, "budget": budget, "pairs": {}, "seconds": seconds}
for pair in pairs:
    pool = [(acc[c], size[c][pair], c) for c in size]
    ref = (0.0, max(p[1] for p in pool))
    true_front = front([(a, s) for a, s, _ in pool])
    true_hv = hv2(true_front, ref)
    with open(f"{w}/true_front_{pair}.dat", "w") as f:
        for a, s in sorted(true_front): f.write(f"{a} {s}\n")
    result["pairs"][pair] = {"true_hypervolume": true_hv, "true_front": len(true_front), "methods": {}}
    for m in methods:
        ratios = {k: [] for k in marks}; fronts = []; propose = []
        for s in range(seeds):
            d = f"{w}/{pair}_{m}_{s}"
            config = json.load(open(f"{d}/config.json"))
            assert abs(config["reference_point"][1] - ref[1]) < 1e-6 * ref[1] + 1, (config["reference_point"], ref)
            rows = list(csv.DictReader(open(f"{d}/trajectory.csv")))
            for k in marks: ratios[k].append(float(rows[min(k, len(rows)) - 1]["hypervolume"]) / true_hv)
            fronts.append(len(json.load(open(f"{d}/summary.json"))["pareto"]["front"]))
            propose += [json.loads(l)["propose_seconds"] * 1000 for l in open(f"{d}/trials.jsonl")]
        result["pairs"][pair]["methods"][m] = {str(k): ratios[k] for k in marks}
        print(f"| acc x {pair} | {len(true_front)} | {m} | " + " | ".join(q(ratios[k]) for k in marks) +
              f" | {statistics.median(fronts):.0f} | {statistics.median(propose):.1f} |")
        if m == "tnas-mo":  # the median run's front, for the plot
            order = sorted(range(seeds), key=lambda s: ratios[marks[-1]][s])
            median_run = order[len(order) // 2]
            result["pairs"][pair]["plotted_run"] = f"{pair}_{m}_{median_run}"
json.dump(result, open(f"{out}/multi_objective_oracle.json", "w"), indent=1)
PY
if command -v gnuplot > /dev/null; then
  run=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['pairs']['params'].get('plotted_run', ''))" "$out/multi_objective_oracle.json")
  if [ -n "$run" ]; then
    python3 - "$w/$run" > "$w/run_front.dat" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1] + "/pareto.csv")): print(r["acc"], r["params"])
PY
    python3 -c "
import json, sys
for l in open(sys.argv[1] + '/trials.jsonl'):
    t = json.loads(l)
    if t['ok']: print(t['objectives']['acc'], t['objectives']['params'])" "$w/$run" > "$w/run_trials.dat"
    gnuplot -e "set terminal pngcairo noenhanced size 900,550; set output '$out/multi_objective.png'; set clip two; set xlabel 'CIFAR-10 test accuracy (%, NB201 200 epochs)'; set ylabel 'parameters'; set xrange [80:95]; set grid; set key top left; plot '$w/true_front_params.dat' with fsteps lw 2 lc rgb '#000000' title 'true front', '$w/run_trials.dat' with points pt 7 ps 0.5 lc rgb '#999999' title 'tnas-mo trials ($run)', '$w/run_front.dat' with points pt 7 ps 1.2 lc rgb '#c00000' title 'its front'"
  fi
fi
