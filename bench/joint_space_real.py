#!/usr/bin/env python3
"""A joint search over a conditional space on real training (issue 30 item 4): the shipped joint:optimizers
space (the NB201 cell with SGD / Adam / AdamW, each with its own learning rates, weight decay, label smoothing,
activation and batch size) against the cell alone at the preset's hyperparameters (nb201), the same methods,
seeds and evaluations, on MNIST and Fashion-MNIST (the embedded data; neither is in ../shared) with the tiny
preset.

    python3 bench/joint_space_real.py --out bench/out [--seeds 3] [--budget 20] [--methods random,local,gp] [--quick]
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor


def quartiles(values):
    if len(values) == 1:
        return f"{values[0]:.2f} [{values[0]:.2f}, {values[0]:.2f}]"
    q = statistics.quantiles(values, n=4, method="inclusive")
    return f"{q[1]:.2f} [{q[0]:.2f}, {q[2]:.2f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=20)
    parser.add_argument("--methods", default="random,local,gp")
    parser.add_argument("--targets", default="mnist,fashion-mnist")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="one seed x 4 evaluations, smoke preset, MNIST")
    args = parser.parse_args()
    preset = "tiny"
    if args.quick:
        args.seeds, args.budget, args.targets, preset = 1, 4, "mnist", "smoke"
    meta_test = os.path.join(os.environ.get("TNAS_BUILD_DIR", "build"), "meta_test", "meta_test")
    work = os.path.join(args.out, "joint_space_real")
    spaces = ("nb201", "joint:optimizers")
    methods, targets = args.methods.split(","), args.targets.split(",")

    def search(job):
        target, space, method, seed = job
        out = os.path.join(work, f"{target}_{space.replace(':', '-')}_{method}_{seed}")
        # Rerunning a finished run with the same settings trains nothing again: the step resumes.
        subprocess.run([meta_test, "search", "--objective", "train", "--dataset", target, "--preset", preset,
                        "--final-preset", "none", "--threads", "1", "--device", "cpu", "--space", space,
                        "--method", method, "--budget", str(args.budget), "--seed", str(seed), "--out", out],
                       check=True, capture_output=True)
        summary = json.load(open(os.path.join(out, "summary.json")))
        trials = [json.loads(line) for line in open(os.path.join(out, "trials.jsonl"))]
        seconds = sum(t.get("details", {}).get("seconds", 0.0) for t in trials)
        return summary, seconds

    jobs = [(t, s, m, seed) for t in targets for s in spaces for m in methods for seed in range(args.seeds)]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = dict(zip(jobs, pool.map(search, jobs)))

    print(f"{preset} preset, CPU, one thread per run; {args.seeds} seeds x {args.budget} evaluations per row; "
          "best validation accuracy of the search and the test accuracy of that trial (%), median [quartiles] "
          "over seeds; training seconds per evaluation (mean)\n")
    print("| target | space | method | best validation acc | its test acc | s / evaluation | answers' optimizers |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    rows = []
    for target in targets:
        for space in spaces:
            for method in methods:
                runs = [results[(target, space, method, seed)] for seed in range(args.seeds)]
                valid = [summary["best_accuracy"] for summary, _ in runs]
                test = [summary["best_details"]["test_acc"] for summary, _ in runs]
                per_eval = statistics.mean(seconds for _, seconds in runs) / args.budget
                answers = [summary["best_arch"] for summary, _ in runs]
                optimizers = collections.Counter(
                    a.split("optimizer=")[1].split(";")[0] if "optimizer=" in a else "sgd (preset)" for a in answers)
                chosen = ", ".join(f"{name} {count}" for name, count in sorted(optimizers.items()))
                print(f"| {target} | {space} | {method} | {quartiles(valid)} | {quartiles(test)} | {per_eval:.1f} | "
                      f"{chosen} |")
                rows.append({"target": target, "space": space, "method": method, "valid": valid, "test": test,
                             "answers": answers, "seconds_per_evaluation": per_eval})
    json.dump({"preset": preset, "seeds": args.seeds, "budget": args.budget, "rows": rows},
              open(os.path.join(args.out, "joint_space_real.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
