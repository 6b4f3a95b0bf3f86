#!/usr/bin/env python3
"""The Python ask/tell path against the command line on the same searches (issue 29): per method and seed,
`meta_test search` on the NB201 CIFAR-10 table and the same search through `tnas.Search` (ask, look the cell up,
tell), one thread each. Reports the CLI's proposal time per trial (what it records as propose_seconds) and its
wall time per trial (the whole command over its trials), the Python path's time per ask/tell pair and per trial,
that both made the same trials, and how far a second Python thread got during the Python searches relative to
its pace alone just before (the GIL is released while tnas computes).

    PYTHONPATH=build/python python3 bench/ask_tell_overhead.py --out bench/out [--seeds 5] [--budget 30]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

import tnas
from nb201_oracle import Nb201Oracle


def quartiles(values):
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return f"{q[1]:.1f} [{q[0]:.1f}, {q[2]:.1f}]"


class Counter:
    """A Python thread counting as fast as it can: its pace says whether it got the interpreter."""

    def __init__(self):
        self.count, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self):
        while not self._stop.is_set():
            self.count += 1

    def __enter__(self):
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()
        self.rate = self.count / (time.perf_counter() - self._start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=30)
    parser.add_argument("--methods", default="random,bowl,tnas")
    parser.add_argument("--quick", action="store_true", help="2 seeds x 8 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.budget = 2, 8
    oracle = Nb201Oracle("ask_tell_overhead")
    table, images, meta_test, values = oracle.table_path, oracle.images, oracle.meta_test, oracle.accuracy
    work = os.path.join(args.out, "ask_tell_overhead")
    os.makedirs(work, exist_ok=True)

    rows, results = [], []
    for method in args.methods.split(","):
        cli_propose, cli_trial, api_pair, api_trial, same, paces = [], [], [], [], 0, []
        for seed in range(1, args.seeds + 1):
            options = ["--warm-start", "5"]
            common = dict(method=method, objective=f"table:{table}", budget=args.budget, seed=seed, threads=1,
                          dataset=f"cifar10:{images}", options=options)
            cli_dir, api_dir = (os.path.join(work, f"{method}_{seed}_{kind}") for kind in ("cli", "api"))
            for folder in (cli_dir, api_dir):  # afresh: a finished run would only be reopened
                shutil.rmtree(folder, ignore_errors=True)
            start = time.perf_counter()
            subprocess.run([meta_test, "search", "--method", method, "--objective", f"table:{table}", "--budget",
                            str(args.budget), "--seed", str(seed), "--threads", "1", "--dataset",
                            f"cifar10:{images}", "--out", cli_dir] + options,
                           check=True, capture_output=True)
            cli_seconds = time.perf_counter() - start
            cli_trials = tnas.read_trials(cli_dir)
            cli_propose += [1000 * t["propose_seconds"] for t in cli_trials]
            cli_trial.append(1000 * cli_seconds / len(cli_trials))
            with Counter() as alone:  # its pace with the interpreter to itself, just before
                time.sleep(0.5)
            with Counter() as counter:
                start = time.perf_counter()
                search = tnas.Search(api_dir, **common)
                pairs = []
                while True:
                    asked = time.perf_counter()
                    trial = search.ask()
                    if trial is None:
                        break
                    accuracy = values[trial.config]  # the evaluation, not timed as overhead
                    told = time.perf_counter()
                    search.tell(trial, accuracy=accuracy, seconds=0)
                    pairs.append(1000 * ((told - asked) + (time.perf_counter() - told)))
                search.finish()
                api_seconds = time.perf_counter() - start
            paces.append(counter.rate / alone.rate)
            api_pair += pairs
            api_trial.append(1000 * api_seconds / len(pairs))
            api_trials = search.trials()
            same += [t["arch"] for t in api_trials] == [t["arch"] for t in cli_trials]
            del search
        row = {"method": method, "seeds": args.seeds, "budget": args.budget,
               "cli_propose_ms": statistics.median(cli_propose), "cli_trial_ms": statistics.median(cli_trial),
               "api_pair_ms": statistics.median(api_pair), "api_trial_ms": statistics.median(api_trial),
               "same_trials": same, "thread_pace": statistics.median(paces)}
        results.append(row)
        rows.append(f"| {method} | {quartiles(cli_propose)} | {quartiles(cli_trial)} | {quartiles(api_pair)} | "
                    f"{quartiles(api_trial)} | {same}/{args.seeds} | {100 * row['thread_pace']:.0f} % |")
    print(f"{args.seeds} seeds x {args.budget} trials per method, one thread; times in ms, median [quartiles]\n")
    print("| method | CLI: proposal per trial | CLI: wall per trial (whole command) | Python: ask + tell per trial "
          "| Python: wall per trial (open to finish) | same trials as the CLI | a second Python thread's pace "
          "during the search |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    json.dump({"rows": results}, open(os.path.join(args.out, "ask_tell_overhead.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
