#!/usr/bin/env python3
"""Search NAS-Bench-201 cells for Fashion-MNIST with tnas, training each proposed cell yourself in PyTorch.

tnas proposes (here with its meta-learned surrogate, conditioned on Fashion-MNIST's images), this script trains
the cell and tells tnas the validation accuracy. Copy it and put your own data, network and training in
`train_cell`. Rerunning the same command resumes the search.

    PYTHONPATH=build/python python3 examples/python_pytorch.py --out runs/pytorch-example

Needs Debian's python3-torch and python3-numpy (scripts/setup.sh installs them) and the tnas module
(`export PYTHONPATH=$PWD/build/python`).
"""
import argparse
import gzip
import os
import sys

import numpy
import torch
from torch import nn

import tnas

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
FASHION_MNIST = os.environ.get("TNAS_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    """An IDX file (gzip) as a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return numpy.frombuffer(data, dtype=numpy.uint8, offset=4 + 4 * dims).reshape(shape)


def load_fashion_mnist(images_per_class, seed):
    """A class-balanced draw of the training images, split 80/20 into training and validation."""
    images = read_idx(os.path.join(FASHION_MNIST, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION_MNIST, "train-labels-idx1-ubyte.gz"))
    rng = numpy.random.default_rng(seed)
    chosen = numpy.concatenate([rng.permutation(numpy.flatnonzero(labels == c))[:images_per_class]
                                for c in range(10)])
    chosen = rng.permutation(chosen)
    x = torch.tensor(images[chosen], dtype=torch.float32).unsqueeze(1) / 255.0
    y = torch.tensor(labels[chosen], dtype=torch.long)
    cut = int(0.8 * len(chosen))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


class ReLUConvBN(nn.Sequential):
    def __init__(self, channels, kernel):
        super().__init__(nn.ReLU(), nn.Conv2d(channels, channels, kernel, padding=kernel // 2, bias=False),
                         nn.BatchNorm2d(channels))


def make_op(name, channels):
    if name == "nor_conv_3x3":
        return ReLUConvBN(channels, 3)
    if name == "nor_conv_1x1":
        return ReLUConvBN(channels, 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1)
    return nn.Identity()  # skip_connect; "none" edges are left out of the cell


class Cell(nn.Module):
    """A NAS-Bench-201 cell: node i sums op(node j) over the edges j -> i of the cell string."""

    def __init__(self, config, channels):
        super().__init__()
        self.edges = []  # (target node, source node, op index)
        ops = []
        for target, group in enumerate(config.strip("|").split("|+|"), start=1):
            for token in group.split("|"):
                name, source = token.split("~")
                if name != "none":
                    self.edges.append((target, int(source), len(ops)))
                    ops.append(make_op(name, channels))
        self.ops = nn.ModuleList(ops)

    def forward(self, x):
        nodes = [x, 0, 0, 0]
        for target, source, op in self.edges:
            nodes[target] = nodes[target] + self.ops[op](nodes[source])
        return nodes[3] if torch.is_tensor(nodes[3]) else torch.zeros_like(x)


def make_network(config, channels=16, classes=10):
    return nn.Sequential(nn.Conv2d(1, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels),
                         Cell(config, channels), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(channels, classes))


def train_cell(config, data, epochs, seed):
    """Trains the cell's network; returns its validation accuracy in percent."""
    torch.manual_seed(seed)
    (x, y), (x_valid, y_valid) = data
    network = make_network(config)
    optimizer = torch.optim.SGD(network.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4, nesterov=True)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * ((len(x) + 63) // 64))
    for _ in range(epochs):
        network.train()
        for batch in torch.randperm(len(x)).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(network(x[batch]), y[batch]).backward()
            optimizer.step()
            schedule.step()
    network.eval()
    with torch.no_grad():
        return 100.0 * (network(x_valid).argmax(1) == y_valid).float().mean().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the run directory (rerun: resumes)")
    parser.add_argument("--method", default="tnas", help="a meta_test search method (default: tnas)")
    parser.add_argument("--budget", type=int, default=20, help="cells to train")
    parser.add_argument("--epochs", type=int, default=4, help="training epochs per cell")
    parser.add_argument("--images-per-class", type=int, default=300, help="Fashion-MNIST images per class")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads of PyTorch and tnas")
    parser.add_argument("--checkpoint", default="checkpoints/default", help="tnas's meta-learned surrogate")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = load_fashion_mnist(args.images_per_class, args.seed)
    search = tnas.Search(args.out, method=args.method, budget=args.budget, seed=args.seed, threads=args.threads,
                         checkpoint=args.checkpoint, dataset="fashion-mnist")
    while (trial := search.ask()) is not None:
        accuracy = train_cell(trial.config, data, args.epochs, trial.seed)
        search.tell(trial, accuracy=accuracy)
        best = search.best()
        print(f"[{trial.number:2d}/{args.budget}] {accuracy:6.2f}%  {trial.config} | best {best['accuracy']:.2f}%",
              flush=True)
    summary = search.finish()
    print(f"best cell: {summary['best_arch']}\nvalidation accuracy: {summary['best_accuracy']:.2f}% "
          f"(trial {summary['best_trial']} of {summary['evaluations']}; run directory {args.out})")


if __name__ == "__main__":
    try:
        main()
    except tnas.Error as error:
        sys.exit(f"python_pytorch.py: error: {error}")
