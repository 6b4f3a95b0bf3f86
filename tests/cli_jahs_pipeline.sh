#!/bin/sh
# Every command on the JAHS space, end to end on MNIST with the smoke preset: collect trains configurations
# with their own hyperparameters, fit meta-learns a surrogate that reads them beside the cell graph, rank and
# search use it, export writes it; a JAHS checkpoint is refused by an NB201 search.
#   tests/cli_jahs_pipeline.sh META_TRAIN META_TEST WORKDIR
set -eu
meta_train=$1 meta_test=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_jahs_pipeline: $*" >&2; exit 1; }

"$meta_train" collect --space jahs --source mnist --tasks 12 --classes-per-task 3 --images-per-class 20 \
  --archs-per-task 3 --preset smoke --seed 1 --threads 1 --out "$work/jahs.h5" > "$work/collect.log" 2>&1 ||
  { cat "$work/collect.log" >&2; fail "collect failed"; }
"$meta_train" data info "$work/jahs.h5" > "$work/info.txt"
grep -q '36 results, 12 tasks, 36 cells (jahs;' "$work/info.txt" || { cat "$work/info.txt" >&2; fail "data info"; }
# The same command again: everything is already there.
"$meta_train" collect --space jahs --source mnist --tasks 12 --classes-per-task 3 --images-per-class 20 \
  --archs-per-task 3 --preset smoke --seed 1 --threads 1 --out "$work/jahs.h5" 2>&1 | grep -q '36 already in' || fail "resume"

"$meta_train" fit --meta "$work/jahs.h5" --out "$work/ck" --epochs 2 --batch 8 --arch-hidden 16 \
  --featurizer-epochs 1 --threads 1 > "$work/fit.log" 2>&1 || { cat "$work/fit.log" >&2; fail "fit failed"; }
grep -q '"search_space": "jahs"' "$work/ck/manifest.json" || fail "manifest space"
grep -q '"arch_numeric_features": 6' "$work/ck/manifest.json" || fail "manifest numeric features"

"$meta_test" rank --checkpoint "$work/ck" --dataset mnist --pool-size 300 --top 3 --threads 1 > "$work/rank.tsv" 2> "$work/rank.err"
[ "$(grep -c ';activation=.*;lr=.*;wd=.*;trivial_augment=' "$work/rank.tsv")" = 3 ] || { cat "$work/rank.tsv" >&2; fail "rank"; }
grep -q '3 of 300 jahs configurations shown' "$work/rank.err" || fail "rank summary"

"$meta_train" export --checkpoint "$work/ck" --out "$work/surrogate.pt" | grep -q 'wrote' || fail "export"
[ -s "$work/surrogate.pt" ] || fail "export wrote nothing"

"$meta_test" search --space jahs --method tnas --checkpoint "$work/ck" --dataset mnist --preset smoke --budget 3 \
  --final-preset smoke --warm-start 2 --pool-size 300 --threads 1 --out "$work/search" > "$work/search.log" 2>&1 ||
  { cat "$work/search.log" >&2; fail "search failed"; }
[ "$(grep -c '"ok":true' "$work/search/trials.jsonl")" = 3 ] || fail "search trials"
grep -q ';trivial_augment=' "$work/search/summary.json" || fail "search summary"
grep -q '"preset": "smoke"' "$work/search/final.json" || fail "final training"
grep -q '^answer: test accuracy' "$work/search.log" || fail "the answer line"

# The checkpoint is for jahs: an NB201 search with it stops, naming the file and both spaces.
if "$meta_test" search --method tnas --checkpoint "$work/ck" --dataset mnist --preset smoke --budget 1 \
     --threads 1 --out "$work/wrong" > /dev/null 2> "$work/wrong.err"; then fail "an nb201 search used a jahs checkpoint"; fi
grep -q 'checkpoint is for search space "jahs", not .nb201.' "$work/wrong.err" || { cat "$work/wrong.err" >&2; fail "wrong space message"; }
echo "cli_jahs_pipeline: ok"
