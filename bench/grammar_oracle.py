#!/usr/bin/env python3
"""The flat NB201 grammar on the NB201 CIFAR-10 table (issue 28): BOHNAS (the hierarchical WL kernel on the
grammar's derivation trees) against NAS-BOWL (the WL kernel on NB201's cell graphs) on the same 200-epoch table,
20 seeds x 30 evaluations, with random search and regularized evolution (on the grammar: its mutation
re-derives a subtree) beside them. The grammar's architectures `Cell(op, ..., op)` are looked up as the NB201
cells they write. Reports the regret at the end, the evaluations to the top 0.1 % (16 cells), the number of
distinct final answers and each method's proposal time at the last step.

    python3 bench/grammar_oracle.py --out bench/out [--seeds 20] [--budget 30] [--jobs 2]
"""
import argparse
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

from nb201_oracle import Nb201Oracle
from rank_stats import quartiles

GRAMMAR = "grammar:graphs/spaces/grammar/grammars/nb201_cell.grammar"
# (label, method, space, extra options): BOHNAS with the reference's candidates and with bowl's (the incumbent's
# one-edit neighbours), so that the kernel and the candidate set are measured apart; bowl on its
# isomorphism-deduplicated pool and on all 15,625 cells, as the grammar has them.
METHODS = [("bohnas", "bohnas", GRAMMAR, []),
           ("bohnas, neighbours", "bohnas", GRAMMAR, ["--bohnas-candidates", "neighbours"]),
           ("bowl", "bowl", "nb201", []), ("bowl, all 15,625 cells", "bowl", "nb201", ["--no-dedupe"]),
           ("evolution", "evolution", GRAMMAR, []), ("random", "random", "nb201", [])]
TOP_CELLS = 16  # the top 0.1 % of 15,625


def nb201_string(arch):
    """The NB201 string of a trial's architecture: an NB201 cell's own, or the cell a grammar's Cell(...) writes."""
    if not arch.startswith("Cell("):
        return arch
    ops = [name.strip() for name in arch[len("Cell("):-1].split(",")]
    return f"|{ops[0]}~0|+|{ops[1]}~0|{ops[2]}~1|+|{ops[3]}~0|{ops[4]}~1|{ops[5]}~2|"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2 seeds x 12 evaluations")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.budget = 2, 12
    oracle = Nb201Oracle("grammar_oracle")
    work = os.path.join(args.out, "grammar_oracle")

    def run(job):
        label, method, space, extra, seed = job
        tag = label.replace(", ", "_").replace(",", "").replace(" ", "_")
        out = os.path.join(work, f"{tag}_{space.split(':')[0]}_{seed}")
        command = [oracle.meta_test, "search", "--space", space, "--method", method, *extra, "--objective",
                   f"table:{oracle.table_path}", "--budget", str(args.budget), "--seed", str(seed), "--threads", "1",
                   "--final-preset", "none", "--out", out]
        # Rerunning a finished run with the same settings evaluates nothing: the step resumes.
        subprocess.run(command, check=True, capture_output=True)
        return [json.loads(line) for line in open(os.path.join(out, "trials.jsonl"))]

    jobs = [(label, method, space, tuple(extra), seed) for label, method, space, extra in METHODS
            for seed in range(args.seeds)]
    with ThreadPoolExecutor(args.jobs) as pool:
        trials = dict(zip(jobs, pool.map(run, jobs)))

    values = sorted(oracle.accuracy.values(), reverse=True)
    best, threshold = values[0], values[TOP_CELLS - 1]
    print(f"{args.seeds} seeds x {args.budget} evaluations on {oracle.table_path}; regret in accuracy points at the "
          f"end and evaluations to the top 0.1 % ({args.budget + 1} = not reached): median [quartiles] over the "
          "seeds; proposal time: the last step's in ms, median over the seeds (one thread)\n")
    print("| method | space | final regret | evaluations to the top 0.1 % | seeds reaching it | distinct answers "
          "| proposal at the last step (ms) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    rows = []
    for label, method, space, extra in METHODS:
        regrets, evaluations, answers, last_proposal = [], [], set(), []
        for seed in range(args.seeds):
            run_trials = [t for t in trials[(label, method, space, tuple(extra), seed)] if t["ok"]]
            accuracies = [oracle.accuracy[nb201_string(t["arch"])] for t in run_trials]
            answer = max(range(len(run_trials)), key=lambda i: run_trials[i]["accuracy"])
            answers.add(nb201_string(run_trials[answer]["arch"]))
            regrets.append(best - accuracies[answer])
            evaluations.append(next((i + 1 for i, a in enumerate(accuracies) if a >= threshold), args.budget + 1))
            last_proposal.append(1000 * run_trials[-1].get("propose_seconds", 0.0))
        hits = sum(e <= args.budget for e in evaluations)
        rows.append({"method": label, "space": space, "regrets": regrets, "evaluations_to_top": evaluations,
                     "distinct_answers": len(answers), "last_proposal_seconds": last_proposal})
        print(f"| {label} | {space.split('/')[-1]} | {quartiles(regrets, 3)} | {quartiles(evaluations, 0)} | "
              f"{hits}/{args.seeds} | {len(answers)} | {quartiles(last_proposal, 1)} |")
    json.dump({"seeds": args.seeds, "budget": args.budget, "table": oracle.table_path, "rows": rows},
              open(os.path.join(args.out, "grammar_oracle.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
