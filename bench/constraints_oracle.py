#!/usr/bin/env python3
"""Constrained search on the NB201 CIFAR-10 table (issue 30): each method with `--constraint params<=P`, P the
median parameter count of the 15,625 cells, beside the same method unconstrained, 20 seeds x 30 evaluations.
Reports whether every answer is feasible, the constrained regret against the best feasible cell, and the
unconstrained regret against the best cell. Then a measured constraint (the search cannot know it in advance):
`latency<=L` on a command objective that prints the table's accuracy and a synthetic latency
(bench/oracles/nb201_latency.py), L its median over the cells; bowl, gp and tnas with the feasibility model
(P(feasible) from a WL-kernel GP on the measured slacks weighs EI) and without it (--no-feasibility-model).

    PYTHONPATH=build/python python3 bench/constraints_oracle.py --out bench/out [--seeds 20] [--budget 30]
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys

import tnas
from nb201_oracle import Nb201Oracle


def quartiles(values):
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return f"{q[1]:.3f} [{q[0]:.3f}, {q[2]:.3f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=30)
    parser.add_argument("--methods", default="tnas,bowl,gp,random,evolution,local,params")
    parser.add_argument("--measured-methods", default="bowl,gp,tnas")
    parser.add_argument("--quick", action="store_true", help="2 seeds x 8 evaluations, three methods")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.budget, args.methods, args.measured_methods = 2, 8, "tnas,bowl,random", "bowl"
    oracle = Nb201Oracle("constraints_oracle")
    table_path, images, meta_test, table = oracle.table_path, oracle.images, oracle.meta_test, oracle.accuracy
    space = tnas.Space("nb201")
    params = {cell: space.params(cell) for cell in table}
    bound = int(statistics.median(params.values()))
    best = max(table.values())
    best_feasible = max(acc for cell, acc in table.items() if params[cell] <= bound)
    work = os.path.join(args.out, "constraints_oracle")

    rows, results = [], []
    for method in args.methods.split(","):
        row = {"method": method}
        for kind, extra in (("constrained", ["--constraint", f"params<={bound}"]), ("unconstrained", [])):
            regrets, feasible = [], 0
            for seed in range(args.seeds):
                out = os.path.join(work, f"{method}_{kind}_{seed}")
                # Rerunning a finished run with the same settings evaluates nothing: the step resumes.
                subprocess.run([meta_test, "search", "--method", method, "--objective", f"table:{table_path}",
                                "--dataset", f"cifar10:{images}", "--budget", str(args.budget), "--seed",
                                str(seed), "--threads", "1", "--out", out] + extra, check=True, capture_output=True)
                answer = json.load(open(os.path.join(out, "summary.json")))["best_arch"]
                feasible += params[answer] <= bound
                regrets.append((best_feasible if kind == "constrained" else best) - table[answer])
            row[kind] = {"median_regret": statistics.median(regrets), "feasible_answers": feasible}
            row[kind + "_cell"] = quartiles(regrets)
        results.append(row)
        rows.append(f"| {method} | {row['constrained']['feasible_answers']}/{args.seeds} | {row['constrained_cell']} | "
                    f"{row['unconstrained']['feasible_answers']}/{args.seeds} | {row['unconstrained_cell']} |")
    feasible_cells = sum(p <= bound for p in params.values())
    print(f"Bound: params <= {bound:,} (the median of the 15,625 cells; {feasible_cells:,} satisfy it); best feasible "
          f"cell {best_feasible:.3f} %, best cell {best:.3f} %. {args.seeds} seeds x {args.budget} evaluations; regret "
          f"in accuracy points, median [quartiles]\n")
    print("| method | constrained: feasible answers | constrained: regret against the best feasible cell "
          "| unconstrained: answers within the bound | unconstrained: regret against the best cell |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    measured = measured_constraint(args, oracle, work)
    json.dump({"bound": bound, "best_feasible": best_feasible, "best": best, "rows": results, "measured": measured},
              open(os.path.join(args.out, "constraints_oracle.json"), "w"), indent=2)


def measured_constraint(args, oracle, work):
    """latency<=median through a command objective, each BO method with and without the feasibility model."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracles"))
    from nb201_latency import latency
    table = oracle.accuracy
    latencies = {cell: latency(cell) for cell in table}
    bound = statistics.median(latencies.values())
    best_feasible = max(acc for cell, acc in table.items() if latencies[cell] <= bound)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracles", "nb201_latency.py")
    command = f"command:python3 {shlex.quote(script)} {shlex.quote(oracle.table_path)} {{arch}}"
    methods = [m for m in args.measured_methods.split(",") if m]
    rows = []
    print(f"\nMeasured constraint latency_ms <= {bound:.2f} (the median of the cells' synthetic latency; "
          f"{sum(l <= bound for l in latencies.values()):,} satisfy it); best feasible cell {best_feasible:.3f} %. "
          f"{args.seeds} seeds x {args.budget} evaluations; median [quartiles]\n")
    print("| method | feasibility model | infeasible trials per search | regret against the best feasible cell |")
    print("| --- | --- | --- | --- |")
    for method in methods:
        for model in (True, False):
            infeasible, regrets = [], []
            for seed in range(args.seeds):
                out = os.path.join(work, f"measured_{method}_{'model' if model else 'plain'}_{seed}")
                extra = [] if model else ["--no-feasibility-model"]
                subprocess.run([oracle.meta_test, "search", "--method", method, "--objective", command,
                                "--dataset", f"cifar10:{oracle.images}", "--budget", str(args.budget), "--seed",
                                str(seed), "--threads", "1", "--constraint", f"latency<={bound}", "--out", out]
                               + extra, check=True, capture_output=True)
                summary = json.load(open(os.path.join(out, "summary.json")))
                infeasible.append(summary["infeasible_trials"])
                regrets.append(best_feasible - table[summary["best_arch"]])
            rows.append({"method": method, "feasibility_model": model, "infeasible_trials": infeasible,
                         "regret": regrets})
            print(f"| {method} | {'on' if model else 'off'} | {quartiles(infeasible)} | {quartiles(regrets)} |")
    return {"bound": bound, "best_feasible": best_feasible, "rows": rows}


if __name__ == "__main__":
    main()
