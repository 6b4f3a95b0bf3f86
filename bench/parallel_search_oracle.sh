#!/usr/bin/env bash
# Parallel search on two oracles with a simulated evaluation time: the same seeds and number of trials with
# one worker (the sequential loop) and with --workers W, for tnas with each way of accounting for the running
# evaluations (--pending believer, fantasies, none) and for random search. Every lookup takes
# --simulated-seconds S for the pool's largest network, others in proportion to their FLOPs, so that trials
# finish in a realistic order. Reports the final regret at equal trials (median [quartiles]) and the
# wall-clock time per search. Oracles: nb201 (the NAS-Bench-201 CIFAR-10 table, test accuracy; tnas reads
# the CIFAR-10 subset's images) and curves (our Fashion-MNIST learning-curve table, bench/oracles/: validation
# accuracy after 27 epochs of its 256 cells; tnas reads Fashion-MNIST).
# --report-only rewrites the table from the runs already in DIR/parallel_search.
#   bench/parallel_search_oracle.sh [--quick] [--seeds N] [--budget B] [--workers W] [--simulated-seconds S] [--oracles nb201,curves] [--report-only] --out DIR
set -euo pipefail
quick=0; out=.; seeds=20; budget=30; workers=4; simulated=1; oracles=nb201,curves; report_only=0
while [ $# -gt 0 ]; do case "$1" in
  --quick) quick=1 ;; --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; --budget) budget=$2; shift ;;
  --workers) workers=$2; shift ;; --simulated-seconds) simulated=$2; shift ;; --oracles) oracles=$2; shift ;; --report-only) report_only=1 ;;
  *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
[ $quick = 1 ] && { seeds=2; budget=8; simulated=0.2; }
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_test/meta_test"
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
curves=bench/oracles/fashion-mnist-tiny-curves.csv
w="$out/parallel_search"
[ $report_only = 1 ] || { rm -rf "$w" && mkdir -p "$w"; }
start=$(date +%s)
# Runs: LABEL METHOD WORKERS PENDING
runs=("tnas_w1 tnas 1 believer" "tnas_w${workers}_believer tnas $workers believer" "tnas_w${workers}_fantasies tnas $workers fantasies"
      "tnas_w${workers}_none tnas $workers none" "random_w1 random 1 none" "random_w${workers} random $workers none")
oracle_args() {  # ORACLE: the search's objective and the images tnas reads
  case $1 in
    nb201) echo "--objective table:$shared/nb201/cifar10_test_acc_200ep.csv --dataset cifar10:$shared/cifar10/train_500pc.bin" ;;
    curves) echo "--objective table-curves:$curves --max-fidelity 27 --dataset fashion-mnist" ;;
    *) echo "parallel_search_oracle.sh: unknown oracle $1" >&2; return 1 ;;
  esac
}
[[ ",$oracles," != *,nb201,* ]] || [ -f "$shared/nb201/cifar10_test_acc_200ep.csv" ] || { echo "parallel_search_oracle.sh: $shared/nb201 is absent (--oracles curves runs without it)" >&2; exit 1; }
run_one() {  # ORACLE LABEL METHOD WORKERS PENDING SEED
  local d="$w/$1_$2_$6" t0; t0=$(date +%s.%N)
  "$mt" search --method "$3" $(oracle_args "$1") --budget "$budget" --seed "$6" --workers "$4" --pending "$5" --final-preset none \
    --simulated-seconds "$simulated" --threads 1 --out "$d" > /dev/null 2> "$d.log" || { echo "parallel_search_oracle.sh: $1 $2 seed $6 failed, see $d.log" >&2; return 1; }
  awk -v end="$(date +%s.%N)" -v start="$t0" 'BEGIN { print end - start }' > "$d/wall_seconds"
}
pids=()
[ $report_only = 1 ] || for o in ${oracles//,/ }; do
  for ((s = 0; s < seeds; s++)); do
    for r in "${runs[@]}"; do
      run_one "$o" $r "$s" & pids+=($!)
      if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    done
  done
done
for p in "${pids[@]}"; do wait "$p"; done

python3 - "$w" "$shared/nb201/cifar10_test_acc_200ep.csv" "$curves" "$oracles" "$seeds" "$budget" "$workers" "$simulated" "$out" $(( $(date +%s) - start )) "${runs[@]}" <<'PY'
import csv, json, statistics, sys
w, table, curves, oracles, seeds, budget, workers, simulated, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8]), sys.argv[9], int(sys.argv[10])
runs = [r.split() for r in sys.argv[11:]]

def q(v, fmt="{:.3f}"):
    qs = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return (fmt + " [" + fmt + ", " + fmt + "]").format(qs[1], qs[0], qs[2])

def optimum(oracle):
    if oracle == "nb201": return max(float(r["test_acc"]) for r in csv.DictReader(open(table)))
    return max(float(r["valid_acc"]) for r in csv.DictReader(open(curves)) if r["epoch"] == "27")

names = {"nb201": "NAS-Bench-201 CIFAR-10 test accuracy", "curves": "Fashion-MNIST learning-curve oracle, validation accuracy at 27 epochs, 256 cells"}
print(f"Regret = the oracle's best minus the incumbent's accuracy after {budget} finished trials (and after half of them); median [quartiles] over {seeds} seeds. "
      f"Every lookup takes {simulated:g} s x (the cell's FLOPs / the pool's largest). Wall = the whole search, start-up included; speed-up against the same method with 1 worker.\n")
print("| oracle | method | workers | pending | final regret | reached the best (seeds) | regret after half the trials | trials (all seeds) | duplicates | wall s per search | speed-up |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
result = {"seeds": seeds, "budget": budget, "workers": workers, "simulated_seconds": simulated, "seconds": seconds, "oracles": {}}
for oracle in oracles:
    best = optimum(oracle)
    result["oracles"][oracle] = {"optimum": best, "runs": {}}
    wall_one = {}
    for label, method, nw, pending in runs:
        finals, halves, walls, trials, dups = [], [], [], 0, 0
        for s in range(seeds):
            d = f"{w}/{oracle}_{label}_{s}"
            rows = list(csv.DictReader(open(f"{d}/trajectory.csv")))
            inc = [float(r["incumbent"]) for r in rows]
            finals.append(best - inc[-1]); halves.append(best - inc[len(inc) // 2 - 1])
            recs = [json.loads(l) for l in open(f"{d}/trials.jsonl")]
            trials += len(recs)
            dups += len(recs) - len({r["arch"] for r in recs})
            walls.append(float(open(f"{d}/wall_seconds").read()))
        wall = statistics.median(walls)
        if nw == "1": wall_one[method] = wall
        speed = f"{wall_one[method] / wall:.2f}x" if method in wall_one and nw != "1" else "-"
        reached = sum(r < 1e-9 for r in finals)
        print(f"| {oracle} | {method} | {nw} | {pending if nw != '1' and method != 'random' else '-'} | {q(finals)} | {reached}/{seeds} | {q(halves)} | {trials} | {dups} | {wall:.1f} | {speed} |")
        result["oracles"][oracle]["runs"][label] = {"final_regret": finals, "half_regret": halves, "wall_seconds": walls, "trials": trials, "duplicates": dups}
print("\nOracles: " + "; ".join(f"{o}: {names[o]}" for o in oracles) + ".")
json.dump(result, open(f"{out}/parallel_search_oracle.json", "w"), indent=1)
PY
