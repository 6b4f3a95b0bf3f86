#!/usr/bin/env bash
# A search that does not get stuck, and seeds that explore (issue 26 item 4): tnas's warm start and widening
# variants next to the peers, on two oracles in one run, 20 seeds x 30 each:
#   - the NB201 CIFAR-10 table (200-epoch test accuracy; ../shared), images: the CIFAR-10 subset;
#   - our own Fashion-MNIST learning-curve oracle (bench/oracles/, 256 cells, the tiny protocol's validation
#     accuracy after 27 epochs), images: Fashion-MNIST — an oracle that is not in ../shared.
# Per oracle: median final regret [quartiles], seeds that reached the best cell, and the distinct final answers
# over the seeds (1: every seed ends on the same cell).
#   bench/search_exploration.sh [--seeds N] [--budget N] [--quick] --out DIR
set -euo pipefail
out=.; seeds=20; budget=30
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --budget) budget=$2; shift ;;
    --quick) seeds=2; budget=8 ;;
    *) echo "search_exploration: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")" && pwd)
build=${TNAS_BUILD_DIR:-build}
b=$build/bench
work="$out/search_exploration"
mkdir -p "$work"
# A row with no or few arguments measures the methods' defaults: they are part of what a finished row is
# kept for (meta_test search --help prints every default), so a changed default reruns the rows it touches.
defaults=$("$build/meta_test/meta_test" search --help | md5sum | cut -c1-12)
# label|method|search_quality arguments; the first row is the reference's setting, the second today's default.
variants=("warm start from the best 5, no widening, no size family (before issue 26)|tnas|--warm-start-top 1 --widen-below 0 --proxy-kernel none"
          "warm start drawn from the best 2, widen below 0.05 sd, size family behind 3 nats (default)|tnas|"
          "no widening|tnas|--widen-below 0"
          "warm start from the best 5|tnas|--warm-start-top 1"
          "widen below 0.1 sd|tnas|--widen-below 0.1"
          "200 random cells too when widening|tnas|--widen-sample 200"
          "warm start 2 edges apart, drawn from the best 3|tnas|--warm-start-distance 2 --warm-start-top 3"
          "gp widened below 0.05 sd (gp's default: no widening)|gp|--widen-below 0.05"
          "no size family (the default before this table's evidence rows)|tnas|--proxy-kernel none"
          "size family weighed like the others (no evidence asked)|tnas|--proxy-kernel-evidence 0"
          "size family behind 1 nat of evidence|tnas|--proxy-kernel-evidence 1"
          "size family behind 2 nats of evidence|tnas|--proxy-kernel-evidence 2"
          "size family behind 4 nats of evidence|tnas|--proxy-kernel-evidence 4"
          "size family behind 6 nats of evidence|tnas|--proxy-kernel-evidence 6"
          "warm start in turn from the prior's and parameter count's top 2|tnas|--warm-start-from zero-shot-and-params"
          "a warm start of 2 cells instead of 5|tnas|--warm-start 2"
          "a warm start of 3 cells instead of 5|tnas|--warm-start 3"
          "a warm start of 4 cells instead of 5|tnas|--warm-start 4")
peers=gp,bowl,random,evolution,local,params
oracles=(fashion-mnist)
[ -f "${TNAS_SHARED_DATA:-}/nb201/cifar10_test_acc_200ep.csv" ] && oracles=(cifar10 fashion-mnist)
for oracle in "${oracles[@]}"; do
  oracle_args=()
  [ "$oracle" = fashion-mnist ] &&
    oracle_args=(--objective "table-curves:$here/oracles/fashion-mnist-tiny-curves.csv" --dataset fashion-mnist)
  for i in "${!variants[@]}" peers; do
    if [ "$i" = peers ]; then
      methods=$peers args=""
    else
      rest=${variants[$i]#*|}
      methods=${rest%%|*} args=${rest#*|}
    fi
    d="$work/$oracle/$i"
    mkdir -p "$d"
    # Resumable: a row whose runs are complete with the same settings is not run again.
    settings="$methods $args --seeds $seeds --budget $budget | defaults $defaults"
    if [ -f "$d/search_quality.json" ] && [ "$(cat "$d/settings" 2> /dev/null)" = "$settings" ]; then
      echo "search_exploration: $oracle, ${methods}${args:+ $args}: done before" >&2
      continue
    fi
    rm -f "$d/search_quality.json"
    echo "search_exploration: $oracle, ${methods}${args:+ $args}" >&2
    # shellcheck disable=SC2086
    "$b/search_quality" --seeds "$seeds" --budget "$budget" --methods "$methods" "${oracle_args[@]}" $args \
      --threads 1 --out "$d" > "$d/table.md" 2> "$d/log" || { tail -3 "$d/log" >&2; exit 1; }
    echo "$settings" > "$d/settings"
  done
done
labels=()
for v in "${variants[@]}"; do rest=${v#*|}; labels+=("${v%%|*}|${rest%%|*}"); done
python3 - "$work" "$seeds" "$budget" "$peers" "${#variants[@]}" "${labels[@]}" "${oracles[@]}" << 'PY'
import json, os, sys
work, seeds, budget, peers, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5])
variants = [label.split("|") for label in sys.argv[6:6 + count]]  # (setting, method)
labels, oracles = [setting for setting, _ in variants], sys.argv[6 + count:]
method_of = dict(variants)

def quartiles(values):  # linear interpolation between order statistics, as bench::quantile
    v = sorted(values)
    def at(q):
        position = q * (len(v) - 1)
        low = int(position)
        high = min(len(v) - 1, low + 1)
        return v[low] + (position - low) * (v[high] - v[low])
    return at(0.5), at(0.25), at(0.75)

def cell(row):
    med, low, high = quartiles(row["final_regret"])
    top = row["evals_to_top_0_1pct"]
    top_text = f"{len(top)}/{seeds}" + (f", {quartiles(top)[0]:.0f}" if top else "")
    return (f"{med:.3f} [{low:.3f}, {high:.3f}]", f"{len(row['evals_to_optimum'])}/{seeds}", top_text,
            str(row["distinct_answers"]))

runs = {o: {} for o in oracles}
for o in oracles:
    for i in range(count):
        runs[o][labels[i]] = json.load(open(f"{work}/{o}/{i}/search_quality.json"))["rows"][0]
    for row in json.load(open(f"{work}/{o}/peers/search_quality.json"))["rows"]:
        runs[o][row["method"]] = row
head = "| method | setting |"
for o in oracles:
    head += (f" {o}: median regret [quartiles] | {o}: seeds at the best cell | {o}: seeds in the top 0.1 %,"
             f" median evaluations | {o}: distinct answers |")
print(f"{seeds} seeds x {budget} evaluations per row; regret in accuracy points against each oracle's best cell\n")
print(head)
print("| --- | --- |" + " --- | --- | --- | --- |" * len(oracles))
for name in labels + peers:
    line = f"| {method_of.get(name, name)} | {name if name in labels else 'as in table 1'} |"
    for o in oracles:
        line += " " + " | ".join(cell(runs[o][name])) + " |"
    print(line)
json.dump({"seeds": int(seeds), "budget": int(budget), "oracles": oracles,
           "machine": json.load(open(f"{work}/{oracles[0]}/0/search_quality.json"))["machine"],
           "rows": {o: runs[o] for o in oracles}}, open(f"{work}/../search_exploration.json", "w"), indent=1)
PY
