#!/usr/bin/env python3
"""The talk's other objectives on real training (issue 30 item 3): calibration (expected calibration error, 15
bins), robustness (validation accuracy under noise, blur and contrast) and memory (weights + peak activations at
batch 1) of 20 random cells trained on Fashion-MNIST (Debian's dataset-fashion-mnist) with the tiny preset, and
an accuracy x calibration Pareto search, tnas-mo against random, 3 seeds at equal evaluations.

    python3 bench/objectives_real.py --out bench/out [--cells 20] [--seeds 3] [--budget 15] [--quick]
"""
import argparse
import json
import os
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor

from rank_stats import spearman


def hypervolume_2d(points, reference):
    """Accuracy (max) x calibration error (min) against (accuracy 0, ECE 100)."""
    front = []
    for acc, ece in sorted(points, key=lambda p: (-p[0], p[1])):
        if not front or ece < front[-1][1]:
            front.append((acc, ece))
    volume, previous_ece = 0.0, reference[1]
    for acc, ece in front:
        volume += (acc - reference[0]) * (previous_ece - ece)
        previous_ece = ece
    return volume, front


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--cells", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="3 cells, 1 seed x 6 evaluations, smoke preset")
    args = parser.parse_args()
    preset = "tiny"
    if args.quick:
        args.cells, args.seeds, args.budget, preset = 3, 1, 6, "smoke"
    meta_test = os.path.join(os.environ.get("TNAS_BUILD_DIR", "build"), "meta_test", "meta_test")
    work = os.path.join(args.out, "objectives_real")
    common = ["--objective", "train", "--dataset", "fashion-mnist", "--preset", preset, "--final-preset", "none",
              "--threads", "1", "--device", "cpu"]

    def search(name, extra):
        out = os.path.join(work, name)
        # Rerunning a finished run with the same settings evaluates nothing: the step resumes.
        subprocess.run([meta_test, "search", *common, *extra, "--out", out], check=True, capture_output=True)
        return [json.loads(line) for line in open(os.path.join(out, "trials.jsonl"))]

    jobs = [("cells", ["--method", "random", "--budget", str(args.cells), "--seed", "0", "--objectives",
                       "acc,calibration,robustness,memory", "--reference-point", "0,100,0,1000"])]
    for method in ("tnas-mo", "random"):
        for seed in range(args.seeds):
            jobs.append((f"pareto_{method}_{seed}", ["--method", method, "--budget", str(args.budget), "--seed",
                                                     str(seed), "--objectives", "acc,calibration"]))
    with ThreadPoolExecutor(2) as pool:
        results = dict(zip([name for name, _ in jobs], pool.map(lambda job: search(*job), jobs)))

    cells = [t for t in results["cells"] if t["ok"]]
    metric = lambda t, key: t["metrics"][key]
    print(f"Fashion-MNIST, {preset} preset, CPU, one thread. {len(cells)} random cells (seed 0): validation accuracy, "
          "expected calibration error (15 bins, %), robust accuracy (mean validation accuracy under Gaussian noise, "
          "a 3x3 blur and contrast 0.4), memory at batch 1 (weights + peak activation bytes of one inference pass); "
          "median [min, max] over the cells and Spearman with accuracy and with parameters\n")
    print("| metric | median [min, max] | Spearman with accuracy | Spearman with params |")
    print("| --- | --- | --- | --- |")
    accuracy = [t["accuracy"] for t in cells]
    params = [metric(t, "params") for t in cells]
    rows = {}
    for title, key in (("validation accuracy (%)", "accuracy"), ("calibration error (ECE, %)", "calibration_error"),
                       ("robust accuracy (%)", "robust_accuracy"), ("memory (MB)", "memory_mb")):
        values = [t["accuracy"] if key == "accuracy" else metric(t, key) for t in cells]
        rows[key] = values
        print(f"| {title} | {statistics.median(values):.3f} [{min(values):.3f}, {max(values):.3f}] | "
              f"{spearman(values, accuracy):.2f} | {spearman(values, params):.2f} |")
    weights = [t["details"]["memory"]["weight_bytes"] / 1e6 for t in cells]
    activations = [t["details"]["memory"]["peak_activation_bytes"] / 1e6 for t in cells]
    print(f"\nMemory split: weights {statistics.median(weights):.3f} MB [{min(weights):.3f}, {max(weights):.3f}], peak "
          f"activations {statistics.median(activations):.3f} MB [{min(activations):.3f}, {max(activations):.3f}].\n")
    print(f"Accuracy x calibration error, {args.seeds} seeds x {args.budget} evaluations: hypervolume against "
          "(accuracy 0, ECE 100), per seed, and the median\n")
    print("| method | hypervolume per seed | median | front size per seed |")
    print("| --- | --- | --- | --- |")
    pareto = {}
    for method in ("tnas-mo", "random"):
        volumes, sizes = [], []
        for seed in range(args.seeds):
            trials = [t for t in results[f"pareto_{method}_{seed}"] if t["ok"]]
            volume, front = hypervolume_2d([(t["accuracy"], metric(t, "calibration_error")) for t in trials], (0, 100))
            volumes.append(volume)
            sizes.append(len(front))
        pareto[method] = volumes
        print(f"| {method} | {', '.join(f'{v:.0f}' for v in volumes)} | {statistics.median(volumes):.0f} | "
              f"{', '.join(map(str, sizes))} |")
    json.dump({"preset": preset, "cells": rows, "weights_mb": weights, "activations_mb": activations,
               "pareto_hypervolumes": pareto}, open(os.path.join(args.out, "objectives_real.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
