#!/usr/bin/env python3
"""A command objective over the NB201 CIFAR-10 table with a measured metric the search cannot know in advance:
prints {"accuracy": the table's 200-epoch test accuracy, "latency_ms": a synthetic latency} for one cell.
The latency is 0.2 ms plus, per edge, 1.0 for a 3x3 convolution, 0.35 for a 1x1, 0.15 for average pooling and
0.02 for a skip connection (a cost model of our own, not a measurement), so that a --constraint on it is
measured per trial (bench/constraints_oracle.py, issue 30 item 2).

    nb201_latency.py TABLE.csv CELL
"""
import csv
import json
import sys

COST = {"nor_conv_3x3": 1.0, "nor_conv_1x1": 0.35, "avg_pool_3x3": 0.15, "skip_connect": 0.02, "none": 0.0}


def latency(cell):
    ops = [token.split("~")[0] for token in cell.replace("+", "").split("|") if token]
    return 0.2 + sum(COST[op] for op in ops)


def main():
    table_path, cell = sys.argv[1], sys.argv[2]
    for row in csv.DictReader(open(table_path)):
        if row["arch_str"] == cell:
            print(json.dumps({"accuracy": float(row["test_acc"]), "latency_ms": latency(cell)}))
            return
    sys.exit(f"nb201_latency: {cell} is not in {table_path}")


if __name__ == "__main__":
    main()
