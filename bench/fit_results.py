"""What the benchmarks that compare fits (fit_ranking.sh, label_images.sh) read back from one fit of
fit_and_rank.sh: its kept epoch's held-out within-subtask Spearman, the last epoch's, the kept epoch, and the
checkpoint's zero-shot Spearman against a table of cells."""
import csv
import json

from rank_stats import spearman


def seed_results(fit_dirs, table):
    """fit_result of each seed's fit, as lists: kept, last, kept epoch, zero-shot."""
    fits = [fit_result(d, table) for d in fit_dirs]
    return tuple([fit[key] for fit in fits] for key in ("kept_within", "last_within", "kept_epoch", "zero_shot"))


def fit_result(fit_dir, table):
    """fit_dir: the fit's folder (its log is fit_dir.log, its ranking fit_dir.rank.tsv); table: cell -> truth."""
    manifest = json.load(open(f"{fit_dir}/manifest.json"))
    log = [line for line in open(f"{fit_dir}.log") if line.startswith("epoch ")]
    predicted = {r["cell"]: float(r["predicted_acc"])
                 for r in csv.DictReader(open(f"{fit_dir}.rank.tsv"), delimiter="\t")}
    cells = [cell for cell in predicted if cell in table]
    return {"kept_within": manifest["metrics"]["task_spearman_within"],
            "last_within": float(log[-1].split("within-subtask ")[1].split(")")[0]),
            "kept_epoch": manifest["metrics"]["epoch"],
            "zero_shot": spearman([predicted[c] for c in cells], [table[c] for c in cells])}
