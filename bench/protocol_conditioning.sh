#!/usr/bin/env bash
# A surrogate conditioned on the training protocol (issue 26 item 7): fitted with `--protocol-inputs` on the
# labels of two protocols on the same subtasks — our 16-px fast shards 0 and 1 (10 epochs; 60 subtasks x 16
# cells) and the fast-long sample of 12 of those subtasks (the same cells trained 40 epochs,
# imagenet16-fast-long.shard{0,1}) — then ranking all 15,625 cells of the NB201 CIFAR-10 table (200-epoch
# truth; CIFAR-10 subset images for the dataset encoder) for three stated target protocols: fast (10
# epochs), fast-long (40) and NAS-Bench-201's own (200 epochs, C=16, N=5, 5,000 images per class). Beside
# it: the same fit without the protocol input (both protocols' labels pooled) and params. Also how the two
# protocols' labels agree on the same cells (within-subtask Spearman), and how each ranks like params. Then the
# search: tnas with each seed-0 checkpoint as its prior on the CIFAR-10 table (20 seeds x 30 evaluations),
# the conditioned one told the table's protocol (200 epochs) or the fast one, beside params and NAS-BOWL.
#   bench/protocol_conditioning.sh --out DIR [--seeds N] [--epochs E] [--jobs J] [--search-seeds N]
set -euo pipefail
out=. seeds=3 epochs=30 jobs=2 search_seeds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --search-seeds) search_seeds=$2; shift ;;
    *) echo "protocol_conditioning.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
build=${TNAS_BUILD_DIR:-build}
shared=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
table=$shared/nb201/cifar10_test_acc_200ep.csv
images=$shared/cifar10/train_500pc.bin
shards=checkpoints/transfer-meta-data
inputs=("$shards/imagenet16-fast.shard0.h5" "$shards/imagenet16-fast.shard1.h5"
  "$shards/imagenet16-fast-long.shard0.h5" "$shards/imagenet16-fast-long.shard1.h5")
for f in "$table" "$images" "$shared/imagenet/imagenet16" "${inputs[@]}"; do
  [ -e "$f" ] || { echo "protocol_conditioning.sh: needs $f" >&2; exit 2; }
done
mt=$build/meta_train/meta_train
work=$out/protocol_conditioning
mkdir -p "$work"
[ -f "$work/two_protocols.h5" ] || "$mt" merge --out "$work/two_protocols.h5" "${inputs[@]}" > /dev/null
sources=(--source "imagenet16=imagenet16:$shared/imagenet/imagenet16?classes=121-1000"
  --source "imagenet16@fast-long=imagenet16:$shared/imagenet/imagenet16?classes=121-1000")
targets=("fast" "fast-long" "paper,images=5000")
source "$(dirname "$0")/fit_and_rank.sh"
fit_one() {  # VARIANT SEED: 0 = pooled labels, 1 = conditioned on the protocol
  local dir=$work/v$1/seed$2
  if [ "$1" = 0 ]; then
    rank_options=()
    fit_and_rank "$dir" "$work/two_protocols.h5" "$epochs" "$2" "cifar10:$images" "${sources[@]}"
    return
  fi
  rank_options=(--target-protocol "${targets[0]}")
  fit_and_rank "$dir" "$work/two_protocols.h5" "$epochs" "$2" "cifar10:$images" "${sources[@]}" --protocol-inputs
  rank_for_protocols "$dir" "cifar10:$images" "${targets[@]}"
}
run_fits 2 "$seeds" "$jobs"

# The labels of the subtasks both protocols trained: task, cell and validation accuracy of every result.
dump() { h5dump -m '%.17g' -d "$2" -y -w 0 "$1" | sed -n '/DATA {/,/}/p' | sed '1d;$d' | tr -d ' \n' | tr ',' ' '; }
for f in "${inputs[@]}"; do
  name=$(basename "$f" .h5)
  for d in task arch valid_acc params; do dump "$f" /results/$d > "$work/labels_${name}_$d.txt"; done
  h5dump -d /archs/string -y -w 0 "$f" | sed -n '/DATA {/,/}/p' | sed '1d;$d' | tr -d ' ' | tr ',' '\n' |
    grep -o '"[^"]*"' | tr -d '"' | sed 's/\\000//g' > "$work/labels_${name}_archs.txt"
  dump "$f" /tasks/seed > "$work/labels_${name}_task_seeds.txt"
done
TNAS_BENCH_DIR=$(cd "$(dirname "$0")" && pwd) python3 - "$table" "$work" "$seeds" "$epochs" "$out/protocol_conditioning.json" \
  "${targets[@]}" <<'PY'
import csv, json, os, sys
sys.path.insert(0, os.environ["TNAS_BENCH_DIR"])
from rank_stats import quantile, spearman
table_path, work, seeds, epochs, json_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
targets = sys.argv[6:]
table = {r["arch_str"]: float(r["test_acc"]) for r in csv.DictReader(open(table_path))}
best = max(table.values())

def q(values):
    return f"{quantile(values, 0.5):.3f} [{quantile(values, 0.25):.3f}, {quantile(values, 0.75):.3f}]"

def ranking(path):
    ranked = list(csv.DictReader(open(path), delimiter="\t"))
    keys = [r["cell"] for r in ranked if r["cell"] in table]
    pred = {r["cell"]: float(r["predicted_acc"]) for r in ranked}
    size = {r["cell"]: float(r["params_m"]) for r in ranked}
    return (spearman([pred[k] for k in keys], [table[k] for k in keys]),
            best - table[max(keys, key=lambda k: pred[k])],
            spearman([size[k] for k in keys], [table[k] for k in keys]))

variants = [("both protocols' labels pooled, no protocol input", 0, ".rank.tsv")]
variants += [(f"conditioned on the protocol, ranked for {t}", 1, ".rank.tsv" if i == 0 else f".target{i}.rank.tsv")
             for i, t in enumerate(targets)]
results = json.load(open(f"{work}/v1/seed0/manifest.json"))["meta_dataset"]["results"]
print(f"{results} results (two protocols); {seeds} seeds, {epochs} epochs each; median [quartiles] over seeds\n")
print("| fit, target protocol | zero-shot Spearman on CIFAR-10 (15,625 cells, 200-epoch truth) | regret of the top-1 cell | params (same cells) |")
print("| --- | --- | --- | --- |")
rows = []
for name, v, suffix in variants:
    measured = [ranking(f"{work}/v{v}/seed{s}{suffix}") for s in range(seeds)]
    rho, regret, params = [m[0] for m in measured], [m[1] for m in measured], [m[2] for m in measured]
    rows.append({"fit": name, "spearman": rho, "top1_regret": regret})
    print(f"| {name} | {q(rho)} | {q(regret)} | {quantile(params, 0.5):.3f} |")

# Label agreement on the subtasks both protocols trained (same task seed and cell).
def labels(name):
    column = lambda c: open(f"{work}/labels_{name}_{c}.txt").read().split()
    archs = open(f"{work}/labels_{name}_archs.txt").read().split()
    seeds_of_task = column("task_seeds")
    return {(seeds_of_task[int(t)], archs[int(a)]): (float(acc), float(p))
            for t, a, acc, p in zip(column("task"), column("arch"), column("valid_acc"), column("params"))}
fast, long = {}, {}
for shard in (0, 1):
    fast.update(labels(f"imagenet16-fast.shard{shard}"))
    long.update(labels(f"imagenet16-fast-long.shard{shard}"))
shared_tasks = sorted({task for task, _ in long})
agree, fast_params, long_params, gain = [], [], [], []
for task in shared_tasks:
    cells = [c for (t, c) in long if t == task and (t, c) in fast]
    if len(cells) < 3:
        continue
    f = [fast[(task, c)][0] for c in cells]
    l = [long[(task, c)][0] for c in cells]
    p = [long[(task, c)][1] for c in cells]
    agree.append(spearman(f, l))
    fast_params.append(spearman(f, p))
    long_params.append(spearman(l, p))
    gain.append(sum(l) / len(l) - sum(f) / len(f))
print(f"\nThe same cells on the {len(agree)} subtasks both protocols trained (median [quartiles] over subtasks): "
      f"Spearman of the 10-epoch and 40-epoch validation accuracies {q(agree)}; "
      f"Spearman with params: 10 epochs {q(fast_params)}, 40 epochs {q(long_params)}; "
      f"mean accuracy gain from 40 epochs {quantile(gain, 0.5):.1f} points.")
json.dump({"seeds": seeds, "epochs": epochs, "rows": rows,
           "labels": {"subtasks": len(agree), "fast_vs_long": agree, "fast_vs_params": fast_params,
                      "long_vs_params": long_params}}, open(json_path, "w"), indent=2)
PY

# The search with each prior: one search_quality run per stated protocol (a row whose runs are complete is
# kept: search_quality resumes nothing, so a finished run's table is reused).
search() {  # NAME TARGET_PROTOCOL METHODS
  local dir=$work/search_$1
  if [ ! -s "$dir/table.md" ]; then
    mkdir -p "$dir"
    "$build/bench/search_quality" --seeds "$search_seeds" --budget 30 --methods "$3" --target-protocol "$2" \
      --dataset "cifar10:$images" --threads 1 --out "$dir" > "$dir/table.tmp" 2> "$dir/log" ||
      { tail -3 "$dir/log" >&2; exit 1; }
    mv "$dir/table.tmp" "$dir/table.md"
  fi
  echo
  echo "Search on the CIFAR-10 table, $search_seeds seeds x 30 evaluations; tnas's target protocol: $2"
  echo
  cat "$dir/table.md"
}
search for_200_epochs "paper,images=5000" \
  "params,bowl,tnas@pooled=$work/v0/seed0,tnas@conditioned=$work/v1/seed0"
search for_fast "fast" "tnas@conditioned=$work/v1/seed0"
