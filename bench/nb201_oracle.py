"""What the Python benchmarks that search the NB201 CIFAR-10 table share: where the reference data and
meta_test are, and the table itself."""
import csv
import os
import sys


class Nb201Oracle:
    """The 200-epoch CIFAR-10 table of ../shared/data (TNAS_SHARED_DATA), the CIFAR-10 subset's images for tnas's
    dataset encoder, and the meta_test of TNAS_BUILD_DIR (default build). Exits naming what is missing."""

    def __init__(self, program):
        shared = os.environ.get("TNAS_SHARED_DATA", os.path.join(os.path.dirname(os.getcwd()), "shared", "data"))
        self.table_path = os.path.join(shared, "nb201", "cifar10_test_acc_200ep.csv")
        self.images = os.path.join(shared, "cifar10", "train_500pc.bin")
        if not (os.path.exists(self.table_path) and os.path.exists(self.images)):
            sys.exit(f"{program}: needs {self.table_path} and {self.images} (set TNAS_SHARED_DATA)")
        self.meta_test = os.path.join(os.environ.get("TNAS_BUILD_DIR", "build"), "meta_test", "meta_test")
        self.accuracy = {row["arch_str"]: float(row["test_acc"]) for row in csv.DictReader(open(self.table_path))}
