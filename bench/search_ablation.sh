#!/usr/bin/env bash
# What each change to the BO loop did, on the NB201 CIFAR-10 oracle (20 seeds x 30, the same seeds as
# table 1): tnas and bowl with the acquisition maximized over the neighbours of the best 1, 2 or 5 cells or
# over the whole pool, and tnas with the reference's model (the deep kernel alone), with a random warm start,
# with FSBO's adaptation (the deep kernel's MLP fine-tuned too) and with one D for the whole search.
#   bench/search_ablation.sh [--seeds N] --out DIR
set -euo pipefail
out=.; seeds=20
while [ $# -gt 0 ]; do case "$1" in --out) out=$2; shift ;; --seeds) seeds=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; shift; done
b=${TNAS_BUILD_DIR:-build}/bench
mkdir -p "$out/ablation"
variants=("parents 1 (default)|--mutation-parents 1" "parents 2|--mutation-parents 2" "parents 5|--mutation-parents 5"
          "whole pool|--acquisition-pool all" "deep kernel only (reference model)|--kernel deep"
          "random warm start|--warm-start-from random" "MLP fine-tuned too (FSBO)|--adapt mlp"
          "MLP fine-tuned too, deep kernel only|--adapt mlp --kernel deep" "one D for the whole search|--dataset-embedding fixed")
echo "| variant | method | median final regret | quartiles | reached optimum (seeds) | reached top 0.1% |"
echo "| --- | --- | --- | --- | --- | --- |"
rows="[]"
for i in "${!variants[@]}"; do
  label=${variants[$i]%%|*}; args=${variants[$i]#*|}
  methods=tnas,bowl
  [[ $args == *kernel* || $args == *warm-start-from* || $args == *adapt* || $args == *dataset-embedding* ]] && methods=tnas
  d="$out/ablation/v$i"; mkdir -p "$d"
  # shellcheck disable=SC2086
  "$b/search_quality" --seeds "$seeds" --budget 30 --methods "$methods" $args --out "$d" > "$d/table.md" 2> "$d/log"
  grep '^| [a-z]' "$d/table.md" | grep -v '^| method' | while IFS='|' read -r _ m med q opt _ top _; do
    echo "| $label |$m|$med|$q|$opt|$top|"
  done
done
python3 - "$out" "${#variants[@]}" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
json.dump({"variants": [json.load(open(f"{out}/ablation/v{i}/search_quality.json")) for i in range(n)]},
          open(f"{out}/search_ablation.json", "w"), indent=1)
PY
