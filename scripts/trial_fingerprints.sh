#!/usr/bin/env bash
# Fingerprints of what searches decide, for refactors that must not change behaviour: runs one small search per
# method and objective kind (table, curve table, command, train; sequential and parallel; single- and
# multi-objective) and prints, per search, the md5 of its trials' decisive fields (configuration, fidelity,
# values, proposal, outcome; without times, workers and other measurements of the machine). Parallel searches
# are compared as sets, with simulated evaluation times so that which trial finishes first, and hence what
# the next proposal knows, is set by the durations rather than by the scheduler. Same build settings and
# --threads, same fingerprints, except parallel-tnas: where two simulated trials end within its proposal time
# (tens of ms on a loaded machine), its last proposal may know one result more or less; two values are seen.
#   scripts/trial_fingerprints.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
work=${2:-$(mktemp -d)}
shared=${TNAS_SHARED_DATA:-$(cd "$here/.." && pwd)/shared/data}
table="$shared/nb201/cifar10_test_acc_200ep.csv"
[ -f "$table" ] || { echo "trial_fingerprints: $table is missing (set TNAS_SHARED_DATA)" >&2; exit 1; }
curves="$here/bench/oracles/fashion-mnist-tiny-curves.csv"
meta_test="$build/meta_test/meta_test"
rm -rf "$work" && mkdir -p "$work"

fingerprint() {  # RUN_DIR [sorted]
  python3 - "$1" "${2:-}" <<'PY'
import hashlib, json, re, sys
drop = re.compile(r'seconds|time|worker|pid|latency|host|device|started|finished|wall|date')
def clean(value):
    if isinstance(value, dict):
        return {k: clean(v) for k, v in sorted(value.items()) if not drop.search(k)}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value
lines = [json.dumps(clean(json.loads(l)), sort_keys=True) for l in open(sys.argv[1] + '/trials.jsonl') if l.strip()]
if sys.argv[2] == 'sorted':
    # sort_keys puts "trial" last, after a comma, in most records: drop it wherever it stands
    lines = sorted(re.sub(r'(, )?"trial": \d+(, )?', '', l) for l in lines)
print(hashlib.md5('\n'.join(lines).encode()).hexdigest(), len(lines))
PY
}

run() {  # NAME [sorted] -- search options...
  local name=$1 mode=$2
  shift 3
  "$meta_test" search --out "$work/$name" --threads 1 "$@" > "$work/$name.log" 2>&1 ||
    { echo "$name: search failed, see $work/$name.log" >&2; tail -3 "$work/$name.log" >&2; exit 1; }
  printf '%-28s %s\n' "$name" "$(fingerprint "$work/$name" "$mode")"
}

for method in random evolution local params bowl gp tnas; do
  run "table-$method" "" -- --method $method --objective "table:$table" --budget 12 --seed 3 --dataset cifar10:"$shared/cifar10/train_500pc.bin"
done
for method in sh hyperband bohb tnas-hb; do
  run "curves-$method" "" -- --method $method --objective "table-curves:$curves" --budget 6 --seed 3 --dataset fashion-mnist
done
for method in random nsga2 parego tnas-mo; do
  run "mo-$method" "" -- --method $method --objective "table:$table" --objectives acc,params --budget 12 --seed 3 --dataset cifar10:"$shared/cifar10/train_500pc.bin"
done
run "command-local" "" -- --method local --objective 'command:printf "{\"accuracy\": %s}\n" $(printf %s {arch} | cksum | cut -c1-2)' --budget 8 --seed 3
for method in random tnas; do
  run "train-$method" "" -- --method $method --objective train --dataset mnist --preset smoke --final-preset none --budget 3 --seed 3
  run "parallel-$method" sorted -- --method $method --objective "table:$table" --workers 2 --simulated-seconds 0.3 --budget 8 --seed 3 --dataset cifar10:"$shared/cifar10/train_500pc.bin"
done
