#!/usr/bin/env python3
"""Real training on the hierarchical NAS-Bench-201 space (issue 28): BOHNAS, tnas with the surrogate meta-trained
on hierarchical architectures (checkpoints/hnb201, its WL family the hierarchical kernel), regularized evolution
and random search on hnb201, and the best NB201 cell found at the same protocol and budget (random search and NAS-BOWL on
nb201), the same seeds and evaluations, on the shipped CIFAR-10 subset and on a 20-class imagenet16 subtask
(classes 1-20, held out from the default's meta-training), with the hierarchical preset (tiny with gradient
clipping).

    python3 bench/hierarchical_real.py --out bench/out [--seeds 3] [--budget 15] [--targets cifar10,imagenet16] [--quick]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def quartiles(values):
    if len(values) == 1:
        return f"{values[0]:.2f} [{values[0]:.2f}, {values[0]:.2f}]"
    q = statistics.quantiles(values, n=4, method="inclusive")
    return f"{q[1]:.2f} [{q[0]:.2f}, {q[2]:.2f}]"


def target_specs(names, shared):
    specs = {}
    for name in names:
        if name == "cifar10":
            path = os.path.join(shared, "cifar10", "train_500pc.bin")
            if os.path.exists(path):
                specs[name] = f"cifar10:{path}"
                continue
        elif name == "imagenet16":
            path = os.path.join(shared, "imagenet", "imagenet16")
            if os.path.exists(os.path.join(path, "train_data_batch_1.npz")):
                specs[name] = f"imagenet16:{path}?classes=1-20"
                continue
        elif name in ("mnist", "fashion-mnist"):
            specs[name] = name
            continue
        else:
            sys.exit(f"hierarchical_real: unknown target {name}")
        print(f"hierarchical_real: {path} absent, target {name} skipped", file=sys.stderr)
    return specs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=15)
    parser.add_argument("--targets", default="cifar10,imagenet16")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="one seed x 3 evaluations, smoke preset, MNIST")
    args = parser.parse_args()
    preset = "hierarchical"
    if args.quick:
        args.seeds, args.budget, args.targets, preset = 1, 3, "mnist", "smoke"
    meta_test = os.path.join(os.environ.get("TNAS_BUILD_DIR", "build"), "meta_test", "meta_test")
    shared = os.environ.get("TNAS_SHARED_DATA", os.path.join(os.path.dirname(os.getcwd()), "shared", "data"))
    specs = target_specs(args.targets.split(","), shared)
    work = os.path.join(args.out, "hierarchical_real")
    rows = [("hnb201", "bohnas"), ("hnb201", "tnas"), ("hnb201", "evolution"), ("hnb201", "random"),
            ("nb201", "bowl"), ("nb201", "random")]
    # tnas scores a drawn pool (a grammar space cannot be enumerated): 5,000 derivations, embedded once per run
    # (21-62 s on one thread of this machine, under load).
    tnas_args = ["--checkpoint", os.path.join("checkpoints", "hnb201"), "--pool-size",
                 "500" if args.quick else "5000"]

    def search(job):
        target, space, method, seed = job
        out = os.path.join(work, f"{target}_{space}_{method}_{seed}")
        # Rerunning a finished run with the same settings trains nothing again: the step resumes.
        subprocess.run([meta_test, "search", "--objective", "train", "--dataset", specs[target], "--preset", preset,
                        "--final-preset", "none", "--threads", "1", "--device", "cpu", "--space", space,
                        "--method", method, "--budget", str(args.budget), "--seed", str(seed), "--out", out]
                       + (tnas_args if method == "tnas" else []),
                       check=True, capture_output=True)
        summary = json.load(open(os.path.join(out, "summary.json")))
        trials = [json.loads(line) for line in open(os.path.join(out, "trials.jsonl"))]
        seconds = [t.get("details", {}).get("seconds", 0.0) for t in trials if t.get("ok")]
        accuracies = [t["accuracy"] for t in trials if t.get("ok")]
        return summary, seconds, accuracies

    jobs = [(t, s, m, seed) for t in specs for s, m in rows for seed in range(args.seeds)]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = dict(zip(jobs, pool.map(search, jobs)))

    print(f"{preset} preset, CPU, one thread per run, {args.jobs} runs at a time; {args.seeds} seeds x "
          f"{args.budget} evaluations per row; best validation accuracy of the search and the test accuracy of "
          "that trial (%), median [quartiles] over seeds; the median validation accuracy of all its trials; "
          "training seconds per evaluation (mean)\n")
    print("| target | space | method | best validation acc | its test acc | median trial acc | s / evaluation | "
          "answer's params (M) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    records = []
    for target in specs:
        for space, method in rows:
            runs = [results[(target, space, method, seed)] for seed in range(args.seeds)]
            valid = [summary["best_accuracy"] for summary, _, _ in runs]
            test = [summary["best_details"]["test_acc"] for summary, _, _ in runs]
            every = [a for _, _, accuracies in runs for a in accuracies]
            per_eval = statistics.mean(s for _, seconds, _ in runs for s in seconds)
            params = [summary["best_details"]["params_m"] for summary, _, _ in runs]
            print(f"| {target} | {space} | {method} | {quartiles(valid)} | {quartiles(test)} | "
                  f"{statistics.median(every):.2f} | {per_eval:.1f} | {statistics.median(params):.3f} |")
            records.append({"target": target, "space": space, "method": method, "valid": valid, "test": test,
                            "answers": [summary["best_arch"] for summary, _, _ in runs],
                            "seconds_per_evaluation": per_eval, "params_m": params})
    json.dump({"preset": preset, "seeds": args.seeds, "budget": args.budget, "rows": records},
              open(os.path.join(args.out, "hierarchical_real.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
