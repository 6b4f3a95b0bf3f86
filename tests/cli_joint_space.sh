#!/bin/sh
# A user-defined joint space end to end on MNIST with the smoke preset (issue 30 item 4): one configuration
# trained with Adam / AdamW and label smoothing; local search and random search over the shipped conditional
# space; collect, fit and a tnas search whose surrogate reads the hyperparameters (inactive ones included); a
# user's file with a name the trainer does not know refused naming file and line before any training, and
# the same file searched through a command objective.
#   tests/cli_joint_space.sh META_TRAIN META_TEST WORKDIR
set -eu
meta_train=$1 meta_test=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_joint_space: $*" >&2; exit 1; }
cell='|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'

"$meta_test" evaluate --space joint:optimizers --dataset mnist --preset smoke --threads 1 \
  --arch "$cell;optimizer=adamw;learning_rate_adam=0.002;weight_decay=0.001;label_smoothing=0.1;activation=mish;batch_size=32" \
  > "$work/evaluate.json" 2> "$work/evaluate.err" || { cat "$work/evaluate.err" >&2; fail "evaluate"; }
grep -q '"optimizer":"AdamW (beta 0.9, 0.999)' "$work/evaluate.json" || { cat "$work/evaluate.json" >&2; fail "AdamW not in the recorded preset"; }
grep -q '"label_smoothing":0.1' "$work/evaluate.json" || fail "label smoothing not recorded"
grep -q '"batch_size":32' "$work/evaluate.json" || fail "batch size not recorded"
# An inactive hyperparameter named is refused by name.
if "$meta_test" evaluate --space joint:optimizers --dataset mnist --preset smoke --threads 1 \
  --arch "$cell;optimizer=adam;learning_rate_adam=0.002;momentum=0.9;weight_decay=0.001;label_smoothing=0;activation=relu;batch_size=32" \
  > /dev/null 2> "$work/inactive.err"; then fail "an inactive hyperparameter was accepted"; fi
grep -q "'momentum' is inactive" "$work/inactive.err" || { cat "$work/inactive.err" >&2; fail "inactive error"; }

for method in local random; do
  "$meta_test" search --space joint:optimizers --method $method --objective train --dataset mnist --preset smoke \
    --budget 4 --final-preset none --pool-size 200 --seed 1 --threads 1 --out "$work/$method" > "$work/$method.log" 2>&1 ||
    { cat "$work/$method.log" >&2; fail "$method search"; }
  [ "$(grep -c '"ok":true' "$work/$method/trials.jsonl")" = 4 ] || fail "$method: not 4 successful trials"
  [ "$(grep -c ';optimizer=' "$work/$method/trials.jsonl")" = 4 ] || fail "$method: a trial without its optimizer"
  grep -q '"space": "joint:optimizers"' "$work/$method/config.json" || fail "$method: config.json space"
done

"$meta_train" collect --space joint:optimizers --source mnist --tasks 8 --classes-per-task 3 --images-per-class 20 \
  --archs-per-task 3 --preset smoke --seed 1 --threads 1 --out "$work/joint.h5" > "$work/collect.log" 2>&1 ||
  { cat "$work/collect.log" >&2; fail "collect failed"; }
"$meta_train" fit --meta "$work/joint.h5" --out "$work/ck" --epochs 2 --batch 8 --arch-hidden 16 \
  --featurizer-epochs 1 --threads 1 > "$work/fit.log" 2>&1 || { cat "$work/fit.log" >&2; fail "fit failed"; }
grep -q '"search_space": "joint:optimizers"' "$work/ck/manifest.json" || fail "manifest space"
# optimizer one-hot 3, the two learning rates and momentum 1 each with an active flag, weight decay 1, label
# smoothing 1, activation one-hot 3, batch size 1
grep -q '"arch_numeric_features": 15' "$work/ck/manifest.json" || { grep numeric "$work/ck/manifest.json" >&2; fail "manifest numeric features"; }
"$meta_test" search --space joint:optimizers --method tnas --checkpoint "$work/ck" --objective train --dataset mnist \
  --preset smoke --budget 3 --final-preset none --pool-size 200 --seed 1 --threads 1 --out "$work/tnas" > "$work/tnas.log" 2>&1 ||
  { cat "$work/tnas.log" >&2; fail "tnas search"; }
[ "$(grep -c '"ok":true' "$work/tnas/trials.jsonl")" = 3 ] || fail "tnas: not 3 successful trials"

cat > "$work/mine.space" <<'SPACE'
architecture nb201
optimizer categorical {sgd, adam}
dropout real [0, 0.5] grid 3
SPACE
if "$meta_test" search --space "joint:$work/mine.space" --method random --objective train --dataset mnist --preset smoke \
  --budget 2 --final-preset none --threads 1 --out "$work/mine" > /dev/null 2> "$work/mine.err"; then
  fail "a hyperparameter the trainer does not know was accepted"
fi
grep -q "$work/mine.space:3: 'dropout' is no setting of the trainer" "$work/mine.err" || { cat "$work/mine.err" >&2; fail "unknown setting error"; }
[ ! -s "$work/mine/trials.jsonl" ] || fail "trials were run before the error"
"$meta_test" search --space "joint:$work/mine.space" --method random --budget 3 --seed 2 --threads 1 --out "$work/mine_command" \
  --objective 'command:printf "{\"accuracy\": %s}\n" $(printf %s {arch} | cksum | cut -c1-2)' > "$work/mine_command.log" 2>&1 ||
  { cat "$work/mine_command.log" >&2; fail "command objective on the user's file"; }
grep -q ';dropout=' "$work/mine_command/trials.jsonl" || fail "the command objective's trials lack dropout"
echo "cli_joint_space: ok"
