#!/bin/sh
# The training protocol as a surrogate input (issue 26 item 7), end to end on MNIST: two collections of the
# same subtasks under two presets merge into one meta-dataset whose second source is named after its preset;
# fit --protocol-inputs reads each label's protocol; export takes the protocol as an input; rank and search
# state the target's (a search's train objective by default), the prediction depends on it, and a missing or
# malformed protocol is refused naming the option.
#   tests/cli_protocol_inputs.sh META_TRAIN META_TEST WORKDIR
set -eu
meta_train=$1 meta_test=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_protocol_inputs: $*" >&2; exit 1; }

for preset in smoke tiny; do
  "$meta_train" collect --source mnist --tasks 6 --classes-per-task 3 --images-per-class 20 --archs-per-task 3 \
    --preset "$preset" --seed 1 --threads 1 --out "$work/$preset.h5" > "$work/collect_$preset.log" 2>&1 ||
    { cat "$work/collect_$preset.log" >&2; fail "collect $preset failed"; }
done
"$meta_train" merge --out "$work/meta.h5" "$work/smoke.h5" "$work/tiny.h5" > /dev/null
"$meta_train" data info "$work/meta.h5" > "$work/info.txt"
grep -q 'mnist@tiny' "$work/info.txt" || { cat "$work/info.txt" >&2; fail "the tiny collection's source is not mnist@tiny"; }

"$meta_train" fit --meta "$work/meta.h5" --out "$work/ck" --epochs 2 --batch 8 --arch-hidden 16 \
  --featurizer-epochs 1 --threads 1 --protocol-inputs > "$work/fit.log" 2>&1 ||
  { cat "$work/fit.log" >&2; fail "fit failed"; }
tr -d ' \n' < "$work/ck/manifest.json" | grep -q '"protocol_inputs":true' || fail "manifest protocol_inputs"
"$meta_train" export --checkpoint "$work/ck" --out "$work/surrogate.pt" | grep -q 'wrote' || fail "export"

rank() {  # PROTOCOL OUT
  "$meta_test" rank --checkpoint "$work/ck" --dataset mnist --top 0 --threads 1 --target-protocol "$1" \
    > "$work/$2" 2> "$work/$2.err" || { cat "$work/$2.err" >&2; fail "rank --target-protocol $1"; }
}
rank smoke rank_smoke.tsv
rank paper,images=5000 rank_paper.tsv
[ "$(wc -l < "$work/rank_smoke.tsv")" -gt 1000 ] || fail "rank listed too few cells"
cmp -s "$work/rank_smoke.tsv" "$work/rank_paper.tsv" && fail "the prediction does not depend on the protocol"

if "$meta_test" rank --checkpoint "$work/ck" --dataset mnist --top 3 --threads 1 > /dev/null 2> "$work/none.err"; then
  fail "rank without a target protocol was accepted"
fi
grep -q "give the target's with --target-protocol" "$work/none.err" || { cat "$work/none.err" >&2; fail "missing-protocol message"; }
if "$meta_test" rank --checkpoint "$work/ck" --dataset mnist --top 3 --target-protocol paper > /dev/null 2> "$work/paper.err"; then
  fail "a protocol without its image count was accepted"
fi
grep -q -- "--target-protocol: 'paper' trains on every image: add images=PER_CLASS" "$work/paper.err" ||
  { cat "$work/paper.err" >&2; fail "image-count message"; }

# A search with the train objective states its preset's protocol by default, and records it.
"$meta_test" search --method tnas --checkpoint "$work/ck" --dataset mnist --preset smoke --budget 2 \
  --final-preset smoke --warm-start 2 --threads 1 --out "$work/search" > "$work/search.log" 2>&1 ||
  { cat "$work/search.log" >&2; fail "search failed"; }
[ "$(grep -c '"ok":true' "$work/search/trials.jsonl")" = 2 ] || fail "search trials"
tr -d ' \n' < "$work/search/config.json" | grep -q '"target_protocol":"epochs=1,resolution=8,channels=4,cells=1,images=20"' ||
  { cat "$work/search/config.json" >&2; fail "config.json target_protocol"; }

if "$meta_train" fit --meta "$work/meta.h5" --out "$work/bad" --protocol-inputs --source-protocol imagenet=fast \
  > /dev/null 2> "$work/bad.err"; then
  fail "a protocol for an unknown source was accepted"
fi
grep -q -- "--source-protocol imagenet: $work/meta.h5 has no source of that name" "$work/bad.err" ||
  { cat "$work/bad.err" >&2; fail "unknown-source message"; }
echo "cli_protocol_inputs: ok"
