#!/usr/bin/env bash
# Wall-clock speed-up of a parallel search on real training: MNIST with the tiny preset (the README's main
# job's objective), the same number of trials with one worker (the sequential loop, all cores for LibTorch)
# and with --workers W (each worker a share of the cores), for random search (which proposes the same cells
# either way, so both train exactly the same networks) and tnas. Run it on a quiet machine: it measures time.
#   bench/parallel_search_real.sh [--quick] [--seeds N] [--budget B] [--workers W] --out DIR
set -euo pipefail
quick=0; out=.; seeds=3; budget=12; workers=2
while [ $# -gt 0 ]; do case "$1" in
  --quick) quick=1 ;; --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; --budget) budget=$2; shift ;;
  --workers) workers=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
[ $quick = 1 ] && { seeds=1; budget=4; }
build=${TNAS_BUILD_DIR:-build}
mt="$build/meta_test/meta_test"
w="$out/parallel_search_real"
rm -rf "$w" && mkdir -p "$w"
start=$(date +%s)
cores=$(nproc)
run_one() {  # METHOD WORKERS SEED
  local d="$w/$1_w$2_$3" t0; t0=$(date +%s.%N)
  "$mt" search --method "$1" --dataset mnist --preset tiny --final-preset none --budget "$budget" --seed "$3" --workers "$2" \
    --threads "$(( cores / $2 > 0 ? cores / $2 : 1 ))" --out "$d" > /dev/null 2> "$d.log" || { echo "parallel_search_real.sh: $1 w$2 seed $3 failed, see $d.log" >&2; return 1; }
  awk -v end="$(date +%s.%N)" -v start="$t0" 'BEGIN { print end - start }' > "$d/wall_seconds"
}
# One search at a time (it measures time), the two worker counts alternating.
for ((s = 0; s < seeds; s++)); do
  for m in random tnas; do run_one "$m" 1 "$s"; run_one "$m" "$workers" "$s"; done
done

python3 - "$w" "$seeds" "$budget" "$workers" "$cores" "$out" $(( $(date +%s) - start )) <<'PY'
import json, statistics, sys
w, seeds, budget, workers, cores, out, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], int(sys.argv[7])
print(f"MNIST, tiny preset, {budget} trials per search, {seeds} seed(s); one worker uses {cores} threads, each of {workers} workers {max(1, cores // workers)}. "
      f"Wall = the whole search (start-up, every trial, no final training); CPU-seconds of training = the trials' own seconds summed.\n")
print("| method | workers | wall s (median) | speed-up | trials | trial seconds summed (median) | best validation accuracy (median) | same cells as 1 worker |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
result = {"budget": budget, "seeds": seeds, "workers": workers, "cores": cores, "seconds": seconds, "runs": {}}
for m in ("random", "tnas"):
    walls = {}
    for nw in (1, workers):
        wall, summed, best, trials, same = [], [], [], 0, []
        for s in range(seeds):
            d = f"{w}/{m}_w{nw}_{s}"
            recs = [json.loads(l) for l in open(f"{d}/trials.jsonl")]
            trials += len(recs)
            wall.append(float(open(f"{d}/wall_seconds").read()))
            summed.append(sum(r["seconds"] for r in recs))
            best.append(max(r.get("accuracy", 0) for r in recs))
            one = {json.loads(l)["arch"] for l in open(f"{w}/{m}_w1_{s}/trials.jsonl")}
            same.append({r["arch"] for r in recs} == one)
        walls[nw] = statistics.median(wall)
        speed = f"{walls[1] / walls[nw]:.2f}x" if nw != 1 else "-"
        print(f"| {m} | {nw} | {walls[nw]:.1f} | {speed} | {trials} | {statistics.median(summed):.1f} | {statistics.median(best):.2f} | "
              f"{'-' if nw == 1 else f'{sum(same)}/{seeds}'} |")
        result["runs"][f"{m}_w{nw}"] = {"wall_seconds": wall, "trial_seconds": summed, "best": best, "same_cells": same}
json.dump(result, open(f"{out}/parallel_search_real.json", "w"), indent=1)
PY
