#!/usr/bin/env python3
"""User priors (issue 30 item 1): each method without a prior, with a good one (bench/priors/convolutions.prior)
and with a misleading one (bench/priors/no_convolutions.prior), 20 seeds x 30 evaluations, on the NB201 CIFAR-10
table (../shared) and on our own Fashion-MNIST learning-curve oracle (bench/oracles; Hyperband there too, at the
same epoch budget). Reports the regret at the end and how many evaluations each seed took to reach the top of
the table (NB201: the top 0.1 %, 16 cells; the curve oracle's 256 cells: the top 1 %, 3 cells).

    python3 bench/priors_oracle.py --out bench/out [--seeds 20] [--budget 30] [--jobs 2]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor

from nb201_oracle import Nb201Oracle

PRIORS = {"none": None, "good": "bench/priors/convolutions.prior", "misleading": "bench/priors/no_convolutions.prior"}


def quartiles(values, digits=3):
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return f"{q[1]:.{digits}f} [{q[0]:.{digits}f}, {q[2]:.{digits}f}]"


def curves_table(path):
    """The curve oracle's value per cell as its searches see it: validation accuracy at the last epoch."""
    last = {}
    for row in csv.DictReader(open(path)):
        epoch = int(row["epoch"])
        if epoch >= last.get(row["arch"], (0, 0))[0]:
            last[row["arch"]] = (epoch, float(row["valid_acc"]))
    return {arch: value for arch, (epoch, value) in last.items()}


def reached(trials, threshold, budget, full_epochs):
    """Evaluations until a trial at the highest fidelity reaches `threshold` (budget + 1: never); with epochs
    recorded (the curve oracle), full-evaluation equivalents: the epochs spent so far / full_epochs."""
    full = max((t.get("fidelity_epochs", 0) for t in trials), default=0)
    spent = 0.0
    for t in trials:
        spent += t["epochs"] / full_epochs if "epochs" in t else 1
        if t["ok"] and t.get("fidelity_epochs", 0) == full and t["accuracy"] >= threshold:
            return spent
    return budget + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2 seeds x 8 evaluations, two methods")
    args = parser.parse_args()
    oracle = Nb201Oracle("priors_oracle")
    curves = "bench/oracles/fashion-mnist-tiny-curves.csv"
    oracles = {
        "NB201 CIFAR-10": (["--objective", f"table:{oracle.table_path}", "--dataset", f"cifar10:{oracle.images}"],
                           oracle.accuracy, 16, ["random", "evolution", "local", "bowl", "bananas", "tnas"]),
        "Fashion-MNIST curves": (["--objective", f"table-curves:{curves}", "--max-fidelity", "27", "--dataset",
                                  "fashion-mnist"], curves_table(curves), 3,
                                 ["random", "evolution", "local", "bowl", "tnas", "hyperband"]),
    }
    if args.quick:
        args.seeds, args.budget = 2, 8
        oracles = {name: (o[0], o[1], o[2], ["random", "bowl"]) for name, o in oracles.items()}
    work = os.path.join(args.out, "priors_oracle")

    def run(job):
        name, method, prior, seed = job
        objective = oracles[name][0]
        out = os.path.join(work, name.split()[0].lower(), f"{method}_{prior}_{seed}")
        command = [oracle.meta_test, "search", "--method", method, *objective, "--budget", str(args.budget),
                   "--seed", str(seed), "--threads", "1", "--final-preset", "none", "--out", out]
        if PRIORS[prior]:
            command += ["--prior", PRIORS[prior]]
        # Rerunning a finished run with the same settings evaluates nothing: the step resumes.
        subprocess.run(command, check=True, capture_output=True)
        return [json.loads(line) for line in open(os.path.join(out, "trials.jsonl"))]

    jobs = [(name, method, prior, seed) for name, o in oracles.items() for method in o[3] for prior in PRIORS
            for seed in range(args.seeds)]
    with ThreadPoolExecutor(args.jobs) as pool:
        trials = dict(zip(jobs, pool.map(run, jobs)))

    print(f"{args.seeds} seeds x {args.budget} evaluations (Hyperband: the epochs of {args.budget} full "
          "evaluations); regret in accuracy points at the end, median [quartiles]; evaluations to the top (on the "
          "curve oracle: epochs spent / 27): median [quartiles] over the seeds, "
          f"{args.budget + 1} = not reached\n")
    print("| oracle | method | prior | final regret | evaluations to the top | seeds reaching the top |")
    print("| --- | --- | --- | --- | --- | --- |")
    results = []
    for name, (objective, table, top_cells, methods) in oracles.items():
        values = sorted(table.values(), reverse=True)
        best, threshold = values[0], values[top_cells - 1]
        for method in methods:
            for prior in PRIORS:
                runs = [trials[(name, method, prior, seed)] for seed in range(args.seeds)]
                regrets, evaluations = [], []
                for run_trials in runs:
                    full = max(t.get("fidelity_epochs", 0) for t in run_trials)
                    answer = max((t["accuracy"] for t in run_trials if t["ok"] and t.get("fidelity_epochs", 0) == full))
                    regrets.append(best - table[next(t["arch"] for t in run_trials if t["ok"] and t["accuracy"] == answer
                                                     and t.get("fidelity_epochs", 0) == full)])
                    evaluations.append(reached(run_trials, threshold, args.budget, 27))
                hits = sum(e <= args.budget for e in evaluations)
                results.append({"oracle": name, "method": method, "prior": prior, "regrets": regrets,
                                "evaluations_to_top": evaluations})
                print(f"| {name} | {method} | {prior} | {quartiles(regrets)} | {quartiles(evaluations, 0)} | "
                      f"{hits}/{args.seeds} |")
    json.dump({"priors": PRIORS, "seeds": args.seeds, "budget": args.budget, "rows": results},
              open(os.path.join(args.out, "priors_oracle.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
