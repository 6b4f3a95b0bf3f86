#!/bin/sh
# Grammar architectures trained for real (issue 28 item 3), on MNIST with the smoke preset: one hierarchical
# NB201 architecture evaluated (its params and FLOPs the closed form's); random search, evolution, BOHNAS,
# Hyperband and an accuracy x params search on hnb201 with the train objective; a collection of training
# results on hnb201, a surrogate fitted on them and tnas with it; the flat NB201 grammar's cell trained like the same NB201 cell; a grammar
# whose terminals the network builder does not know refused by file and line before any training.
#   tests/cli_grammar_training.sh META_TRAIN META_TEST WORKDIR SOURCE_DIR
set -eu
meta_train=$1 meta_test=$2 work=$3 source=$4
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_grammar_training: $*" >&2; exit 1; }
empty='Cell(id, zero, id, avg_pool, id, zero)'
block='Cell(Sequential3(relu, conv3x3, batch), zero, id, Sequential3(mish, dconv3x3, layer), id, Sequential3(hardswish, conv1x1, instance))'
c="Sequential2($block, $empty)"
arch="Sequential3(Sequential3($c, $c, Sequential2($empty, down)), Sequential3($c, $c, Residual2($empty, down, down)), Sequential3($c, $c, $block))"

"$meta_test" evaluate --space hnb201 --arch "$arch" --dataset mnist --preset smoke --threads 1 \
  > "$work/evaluate.json" 2> "$work/evaluate.err" || { cat "$work/evaluate.err" >&2; fail "evaluate"; }
python3 - "$work/evaluate.json" "$arch" <<'PY' || fail "evaluate's record"
import json, sys
record = json.loads(open(sys.argv[1]).read())
assert record["arch"] == sys.argv[2], record["arch"]
# smoke: C=4, 8 px, 10 classes. Stem 3*4*9+8 = 116; reductions 4->8: 288+576+32+32 = 928, 8->16 (twice:
# the residual downsamples on both branches): 2*(1152+2304+128+64) = 7296; head 2*16+16*10+10 = 202; conv
# blocks: stage 1 (C=4) 2 cells: conv3x3 144+8, dconv 36+8, conv1x1 16+8 = 220 each; stage 2 (C=8) 2 cells:
# 576+16 + 72+16 + 64+16 = 760 each; stage 3 (C=16) 3 cells: 2304+32 + 144+32 + 256+32 = 2800 each.
expected = 116 + 928 + 7296 + 202 + 2 * 220 + 2 * 760 + 3 * 2800
assert round(record["params_m"] * 1e6) == expected, (record["params_m"], expected)
assert 0 <= record["valid_acc"] <= 100
PY

for method in random evolution bohnas hyperband; do
  "$meta_test" search --space hnb201 --method $method --objective train --dataset mnist --preset smoke \
    --budget 4 --final-preset none --pool-size 50 --seed 1 --threads 1 --out "$work/$method" > "$work/$method.log" 2>&1 ||
    { cat "$work/$method.log" >&2; fail "$method search"; }
  [ "$(grep -c '"ok":true' "$work/$method/trials.jsonl")" -ge 4 ] || fail "$method: fewer than 4 successful trials"
  grep -q '"arch":"Sequential' "$work/$method/trials.jsonl" || fail "$method: no hierarchical architecture trained"
done
"$meta_test" search --space hnb201 --method random --objectives acc,params --objective train --dataset mnist \
  --preset smoke --budget 3 --final-preset none --pool-size 50 --seed 2 --threads 1 --out "$work/pareto" > "$work/pareto.log" 2>&1 ||
  { cat "$work/pareto.log" >&2; fail "accuracy x params search"; }
grep -q '"params":' "$work/pareto/trials.jsonl" || fail "pareto: no params recorded"

# Transfer onto the grammar space: collect, fit a surrogate on hierarchical architectures, tnas with it.
"$meta_train" collect --space hnb201 --source mnist --tasks 10 --classes-per-task 3 --images-per-class 20 \
  --archs-per-task 4 --arch-sampling uniform --preset smoke --seed 1 --threads 1 --out "$work/hnb201.h5" > "$work/collect.log" 2>&1 ||
  { cat "$work/collect.log" >&2; fail "collect on hnb201"; }
"$meta_train" fit --meta "$work/hnb201.h5" --out "$work/ck" --epochs 1 --batch 4 --arch-hidden 16 \
  --featurizer-epochs 1 --threads 1 > "$work/fit.log" 2>&1 || { cat "$work/fit.log" >&2; fail "fit on hnb201"; }
grep -q '"search_space": "hnb201"' "$work/ck/manifest.json" || fail "manifest space"
"$meta_test" search --space hnb201 --method tnas --checkpoint "$work/ck" --objective train --dataset mnist \
  --preset smoke --budget 2 --pool-size 20 --final-preset none --seed 1 --threads 1 --out "$work/tnas" > "$work/tnas.log" 2>&1 ||
  { cat "$work/tnas.log" >&2; fail "tnas on hnb201"; }
[ "$(grep -c '"ok":true' "$work/tnas/trials.jsonl")" = 2 ] || fail "tnas: not 2 successful trials"

# The flat NB201 grammar's architecture is NB201's network: the same parameters as the NB201 cell.
"$meta_test" evaluate --space "grammar:$source/graphs/spaces/grammar/grammars/nb201_cell.grammar" \
  --arch 'Cell(nor_conv_3x3, skip_connect, nor_conv_1x1, avg_pool_3x3, none, nor_conv_3x3)' --dataset mnist \
  --preset smoke --threads 1 > "$work/flat.json" 2> "$work/flat.err" || { cat "$work/flat.err" >&2; fail "flat grammar"; }
"$meta_test" evaluate --arch '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|' \
  --dataset mnist --preset smoke --threads 1 > "$work/cell.json" 2> /dev/null || fail "the NB201 cell"
python3 - "$work/flat.json" "$work/cell.json" <<'PY' || fail "the flat grammar's network is not NB201's"
import json, sys
flat, cell = (json.loads(open(path).read()) for path in sys.argv[1:3])
assert flat["params_m"] == cell["params_m"] and flat["flops_m"] == cell["flops_m"], (flat, cell)
PY

# The activation functions train as the activation of NB201's best cell; a terminal the builder does not know
# is refused before any trial, naming the grammar's file and line.
"$meta_test" search --space "grammar:$source/graphs/spaces/grammar/grammars/activation_functions.grammar" \
  --method random --objective train --dataset mnist --preset smoke --budget 2 --final-preset none --threads 1 \
  --out "$work/functions" > /dev/null 2> "$work/functions.err" || { cat "$work/functions.err" >&2; fail "activation functions"; }
[ "$(grep -c '"ok":true' "$work/functions/trials.jsonl")" = 2 ] || fail "the activation functions' trials"
printf 'S ::= Sequential2(A, A)\nA ::= id | warp\n' > "$work/warp.grammar"
if "$meta_test" search --space "grammar:$work/warp.grammar" \
  --method random --objective train --dataset mnist --preset smoke --budget 2 --final-preset none --threads 1 \
  --out "$work/warp" > /dev/null 2> "$work/warp.err"; then
  fail "a grammar the network builder cannot build was trained"
fi
grep -q "warp.grammar:2: unknown terminal 'warp'" "$work/warp.err" || { cat "$work/warp.err" >&2; fail "unknown terminal error"; }
[ ! -s "$work/warp/trials.jsonl" ] || fail "trials were run before the error"
echo "cli_grammar_training: ok"
