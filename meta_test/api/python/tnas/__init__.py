"""tnas from Python: the search of `meta_test search`, driven by your code.

    import tnas
    search = tnas.Search("runs/mine", method="bowl", budget=30)
    while (trial := search.ask()) is not None:
        search.tell(trial, accuracy=train_and_validate(trial.config))
    print(search.best())

or, with a function that evaluates one configuration:

    best = tnas.optimize(lambda trial: train_and_validate(trial.config), "runs/mine", method="bowl")

It is the same machinery as the command line (include/tnas/ask_tell.h): the same options and errors, the
run directory and its lock, resume after a crash (a trial asked and never told is asked again), several asks
before a tell. Errors in the settings raise tnas.Error (a ValueError) with meta_test's one-line message.
tnas.Surrogate predicts with a meta-learned checkpoint (as `meta_test rank`), tnas.Space handles
configurations (parse, sample, mutate, neighbours, params, FLOPs, isomorphism key).
"""
import json
import math
import os

from ._tnas import Error, Space, Trial
from ._tnas import AskTellSearch as _AskTellSearch
from ._tnas import PretrainedSurrogate as _PretrainedSurrogate

__all__ = ["Error", "Space", "Trial", "Search", "Surrogate", "optimize", "read_trials", "trials_dataframe"]


class Search:
    """An ask/tell search on run directory `out` (reopened: it resumes).

    Keyword arguments are meta_test search's options: space, method, objective ("external": you evaluate;
    a "table:FILE[:COLUMN]" makes the table's rows the pool), objectives ("acc", or e.g. "acc,params"),
    checkpoint, dataset (the target's images for tnas's dataset encoder), budget, seed, threads (0: the
    process's thread setting is left as it is), force, and
    options: any other option as on the command line, e.g. ["--warm-start", "3"].
    """

    def __init__(self, out, space="nb201", method="tnas", objective="external", objectives="acc",
                 checkpoint="checkpoints/default", dataset="", budget=30, seed=0, threads=0, force=False,
                 options=()):
        self._search = _AskTellSearch(os.fspath(out), space, method, objective, objectives,
                                      os.fspath(checkpoint), dataset, int(budget), int(seed), int(threads),
                                      bool(force), [str(o) for o in options])

    def ask(self):
        """The next Trial, or None when none can be asked now (see done())."""
        return self._search.ask()

    def tell(self, trial, accuracy=None, metrics=None, seconds=None, epochs=0, error=None):
        """Records a trial's result: its accuracy (percent, maximized) and any other metrics, or error=REASON
        for a failed one. `trial` is a Trial or its number; seconds defaults to the time since the ask."""
        number = trial.number if isinstance(trial, Trial) else int(trial)
        values = {k: float(v) for k, v in (metrics or {}).items()}
        if accuracy is not None:
            values["accuracy"] = float(accuracy)
        ok = error is None
        if ok and "accuracy" not in values:
            raise Error(f"tell: trial {number}: give its accuracy (or error=REASON for a failed trial)")
        self._search.tell(number, ok, values, -1.0 if seconds is None else float(seconds), int(epochs),
                          "" if ok else str(error))

    def done(self):
        """True once no more trials will be asked (budget spent or pool exhausted)."""
        return self._search.done()

    def pending(self):
        """Trials asked and not yet told."""
        return self._search.pending()

    def trials(self):
        """Every told trial as a dict (its trials.jsonl record), in the order they were told."""
        return [json.loads(line) for line in self._search.trial_lines()]

    def best(self):
        """The incumbent's record (a dict), or None before any successful trial."""
        line = self._search.best_line()
        return None if line is None else json.loads(line)

    def pareto(self):
        """Multi-objective searches: the records of the non-dominated trials."""
        return [json.loads(line) for line in self._search.pareto_lines()]

    def finish(self):
        """Writes the plots and the final summary; returns summary.json as a dict."""
        return json.loads(self._search.finish())

    @property
    def run_directory(self):
        return self._search.run_directory

    def dataframe(self):
        """The told trials as a pandas DataFrame (pandas must be installed)."""
        return trials_dataframe(self.trials())


class Surrogate:
    """A meta-learned surrogate (a meta_train fit checkpoint, e.g. checkpoints/default): its zero-shot
    predictions of accuracy (percent) on a dataset whose images condition it, as `meta_test rank` prints them.
    """

    def __init__(self, checkpoint="checkpoints/default"):
        self._surrogate = _PretrainedSurrogate(os.fspath(checkpoint))

    @property
    def space(self):
        return self._surrogate.space

    def predict(self, configs, dataset="", seed=0, protocol=""):
        """Means and standard deviations (two numpy arrays) for the given configurations, in their order."""
        _, means, sds = self._surrogate.predict(list(configs), dataset, int(seed), protocol)
        return _arrays(means, sds)

    def rank(self, dataset="", seed=0, protocol="", dedupe=True, pool_size=20000):
        """The space's configurations best predicted first: (configs, means, sds)."""
        configs, means, sds = self._surrogate.rank(dataset, int(seed), protocol, bool(dedupe), int(pool_size))
        return (configs, *_arrays(means, sds))


def _arrays(*columns):
    try:
        import numpy
    except ImportError:  # numpy is optional: lists then
        return columns
    return tuple(numpy.asarray(column, dtype=float) for column in columns)


def optimize(evaluate, out, **options):
    """Runs a search to its end, calling evaluate(trial) for each trial; returns the summary (a dict).

    evaluate returns the accuracy (a number) or a dict of metrics with "accuracy". An exception in it is
    recorded as that trial's failure (its message the reason) and the search goes on. Ctrl-C (or any
    BaseException) stops the search and propagates: the trial in progress stays asked, so the same call
    resumes the run and evaluates it again.
    """
    search = Search(out, **options)
    while True:
        trial = search.ask()
        if trial is None:
            break
        try:
            value = evaluate(trial)
        except Exception as error:  # the trial failed; KeyboardInterrupt and SystemExit are not caught
            search.tell(trial, error=f"{type(error).__name__}: {error}".splitlines()[0])
            continue
        if isinstance(value, dict):
            search.tell(trial, metrics=value)
        else:
            number = float(value)
            if not math.isfinite(number):
                search.tell(trial, error=f"evaluate returned {value!r}")
            else:
                search.tell(trial, accuracy=number)
    return search.finish()


def read_trials(run_dir):
    """The trials of any run directory (meta_test search's or this module's) as a list of dicts; a torn last
    line (a search killed while appending) is left out."""
    trials = []
    path = os.path.join(os.fspath(run_dir), "trials.jsonl")
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                trials.append(json.loads(line))
            except json.JSONDecodeError:
                break  # only the last line can be torn
    return trials


def trials_dataframe(trials):
    """A list of trial dicts (or a run directory) as a pandas DataFrame, one column per field."""
    import pandas  # only this function needs it

    if isinstance(trials, (str, os.PathLike)):
        trials = read_trials(trials)
    return pandas.json_normalize(trials)
