#!/bin/sh
# Zero-cost proxies as surrogate inputs (issue 26 item 2), end to end on MNIST with the smoke preset: fit
# computes each (cell, subtask) pair's proxies on the subtask's images and records them in the manifest,
# export takes them as an input, a search and rank with a checkpoint that reads the cells' sizes use them,
# and bad proxy lists are refused naming the problem.
#   tests/cli_proxy_inputs.sh META_TRAIN META_TEST WORKDIR
set -eu
meta_train=$1 meta_test=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_proxy_inputs: $*" >&2; exit 1; }

"$meta_train" collect --source mnist --tasks 8 --classes-per-task 3 --images-per-class 20 --archs-per-task 3 \
  --preset smoke --seed 1 --threads 1 --out "$work/meta.h5" > "$work/collect.log" 2>&1 ||
  { cat "$work/collect.log" >&2; fail "collect failed"; }

fit() {  # OUT PROXIES
  "$meta_train" fit --meta "$work/meta.h5" --out "$work/$1" --epochs 2 --batch 8 --arch-hidden 16 \
    --featurizer-epochs 1 --threads 1 --proxy-inputs "$2" > "$work/$1.log" 2>&1 ||
    { cat "$work/$1.log" >&2; fail "fit $1 failed"; }
}
fit ck naswot,params
grep -q 'zero-cost proxies: 24/24 pairs' "$work/ck.log" || { cat "$work/ck.log" >&2; fail "fit did not compute the 24 pairs' proxies"; }
tr -d ' \n' < "$work/ck/manifest.json" | grep -q '"proxy_inputs":\["naswot","params"\]' || fail "manifest proxy_inputs"
"$meta_train" export --checkpoint "$work/ck" --out "$work/surrogate.pt" | grep -q 'wrote' || fail "export"
[ -s "$work/surrogate.pt" ] || fail "export wrote nothing"
# The same fit again (its pairs' proxies now from the cache) writes the same weights.
fit again naswot,params
cmp -s "$work/ck/weights.pt" "$work/again/weights.pt" || fail "a refit from the cached proxies differs"

fit sizes params
"$meta_test" rank --checkpoint "$work/sizes" --dataset mnist --top 3 --threads 1 > "$work/rank.tsv" 2> "$work/rank.err" ||
  { cat "$work/rank.err" >&2; fail "rank"; }
[ "$(grep -c '^[123]	' "$work/rank.tsv")" = 3 ] || { cat "$work/rank.tsv" >&2; fail "rank output"; }
"$meta_test" search --method tnas --checkpoint "$work/sizes" --dataset mnist --preset smoke --budget 3 \
  --final-preset smoke --warm-start 2 --threads 1 --out "$work/search" > "$work/search.log" 2>&1 ||
  { cat "$work/search.log" >&2; fail "search failed"; }
[ "$(grep -c '"ok":true' "$work/search/trials.jsonl")" = 3 ] || fail "search trials"

if "$meta_train" fit --meta "$work/meta.h5" --out "$work/bad" --proxy-inputs naswot,vibes > /dev/null 2> "$work/bad.err"; then
  fail "an unknown proxy was accepted"
fi
grep -q "unknown zero-cost proxy 'vibes' (known: synflow, snip" "$work/bad.err" || { cat "$work/bad.err" >&2; fail "unknown proxy message"; }
if "$meta_train" fit --meta "$work/meta.h5" --out "$work/bad2" --proxy-inputs naswot --no-dataset-embedding > /dev/null 2> "$work/bad2.err"; then
  fail "proxy inputs without images were accepted"
fi
grep -q -- '--proxy-inputs needs the subtasks. images' "$work/bad2.err" || { cat "$work/bad2.err" >&2; fail "no-images message"; }
echo "cli_proxy_inputs: ok"
