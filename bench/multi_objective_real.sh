#!/usr/bin/env bash
# Multi-objective search on real training: accuracy and fairness (the gap between the best and the worst class's
# validation accuracy: each class its own group) on Fashion-MNIST with the tiny preset, random, nsga2, parego and
# tnas-mo, 3 seeds x 20 evaluations; and the repeatability of the latency objective (inference ms per image at
# batch 1 and 64 on this CPU, 1 thread): the coefficient of variation over each trial's timed passes.
#   bench/multi_objective_real.sh [--quick] [--seeds N] [--budget B] [--methods M,...] --out DIR
set -euo pipefail
quick=0; out=.; seeds=3; budget=20; methods=random,nsga2,parego,tnas-mo; dataset=fashion-mnist; preset=tiny
while [ $# -gt 0 ]; do case "$1" in
  --quick) quick=1 ;; --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; --budget) budget=$2; shift ;;
  --methods) methods=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
[ $quick = 1 ] && { seeds=1; budget=7; preset=smoke; }
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_test/meta_test"
w="$out/mo_real_runs"
[ $quick = 1 ] && rm -rf "$w"  # a check of the pipeline, not a study to resume: runs of another build may differ
mkdir -p "$w"
start=$(date +%s)
run_one() {  # NAME METHOD SEED OBJECTIVES [extra...]
  local name=$1 m=$2 s=$3 objectives=$4; shift 4
  "$mt" search --method "$m" --objective train --dataset "$dataset" --preset "$preset" --objectives "$objectives" --budget "$budget" \
    --final-preset none --seed "$s" --threads 1 --out "$w/${name}_${m}_$s" "$@" > /dev/null 2> "$w/${name}_${m}_$s.log" ||
    { echo "multi_objective_real.sh: $name $m seed $s failed, see $w/${name}_${m}_$s.log" >&2; return 1; }
}
pids=()
for m in ${methods//,/ }; do
  for ((s = 0; s < seeds; s++)); do
    run_one fairness "$m" "$s" acc,fairness & pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  done
done
for p in "${pids[@]}"; do wait "$p"; done
# Latency alone, with nothing else on the cores: random cells, every trial timed.
run_one latency random 0 acc,latency,latency64 --reference-point 0,10,10

python3 - "$w" "$methods" "$seeds" "$out" $(( $(date +%s) - start )) "$dataset" "$preset" "$budget" <<'PY'
import json, statistics, sys
w, methods, seeds, out, seconds, dataset, preset, budget = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
print(f"{dataset}, {preset} preset, {budget} evaluations per search; objectives: validation accuracy (max) and fairness gap = best minus worst class's validation accuracy (min); hypervolume against (accuracy 0, gap 100).\n")
print("| method | hypervolume per seed | median | front (accuracy % / gap points) of each seed |")
print("| --- | --- | --- | --- |")
rows = {}
for m in methods:
    hv, fronts = [], []
    for s in range(seeds):
        p = json.load(open(f"{w}/fairness_{m}_{s}/summary.json"))["pareto"]
        hv.append(p["hypervolume"])
        fronts.append(" ".join(f"{f['acc']:.1f}/{f['fairness']:.1f}" for f in sorted(p["front"], key=lambda f: f["acc"])))
    rows[m] = {"hypervolume": hv, "fronts": fronts}
    print(f"| {m} | {', '.join(f'{v:.0f}' for v in hv)} | {statistics.median(hv):.0f} | " + " ; ".join(fronts) + " |")
cv1, cv64, ms1, ms64 = [], [], [], []
for l in open(f"{w}/latency_random_0/trials.jsonl"):
    t = json.loads(l)
    if not t["ok"]: continue
    lat = t["details"]["latency"]
    cv1.append(lat["cv_batch1"]); cv64.append(lat["cv_batch64"]); ms1.append(lat["ms_per_image_batch1"]); ms64.append(lat["ms_per_image_batch64"])
print(f"\nLatency repeatability ({len(cv1)} random cells, 1 thread, 30 timed passes at batch 1 and 10 at batch 64 after 3 untimed): "
      f"coefficient of variation median {statistics.median(cv1):.3f} (max {max(cv1):.3f}) at batch 1, {statistics.median(cv64):.3f} (max {max(cv64):.3f}) at batch 64; "
      f"latency {min(ms1):.3f}..{max(ms1):.3f} ms per image at batch 1, {min(ms64):.4f}..{max(ms64):.4f} at batch 64.")
json.dump({"fairness": rows, "latency": {"cv_batch1": cv1, "cv_batch64": cv64, "ms_batch1": ms1, "ms_batch64": ms64}, "seconds": seconds},
          open(f"{out}/multi_objective_real.json", "w"), indent=1)
PY
