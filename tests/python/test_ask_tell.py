"""The Python module (import tnas): ask/tell round trip, the trials of the command line, resume after the
Python process is killed, exceptions in the objective, batch asks, errors, the GIL released while tnas works.

Run by ctest (tests/CMakeLists.txt) with PYTHONPATH=build/python and TNAS_META_TEST_EXE set."""
import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

import tnas

META_TEST = os.environ["TNAS_META_TEST_EXE"]
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def made_up_accuracy(config):
    """A landscape with a known trend: 3x3 convolutions help, pooling a little."""
    ops = [token.split("~")[0] for token in config.strip("|").replace("|+|", "|").split("|")]
    return 50 + 6 * ops.count("nor_conv_3x3") + 2 * ops.count("avg_pool_3x3") + 0.01 * len(config)


@pytest.fixture()
def table(tmp_path):
    """The made-up landscape as a whole NB201 table (arch_str,acc), for searches that look cells up."""
    import itertools

    path = tmp_path / "table.csv"
    with open(path, "w") as out:
        out.write("arch_str,acc\n")
        for choice in itertools.product(OPS, repeat=6):
            cell = "|%s~0|+|%s~0|%s~1|+|%s~0|%s~1|%s~2|" % choice
            out.write(f"{cell},{made_up_accuracy(cell):.4f}\n")
    return path


def lookup(table_path):
    values = {}
    with open(table_path) as rows:
        next(rows)
        for row in rows:
            cell, value = row.strip().split(",")
            values[cell] = float(value)
    return values


def test_ask_tell_round_trip(tmp_path):
    search = tnas.Search(tmp_path / "run", method="random", budget=6, seed=1, threads=1)
    told = {}
    while (trial := search.ask()) is not None:
        told[trial.number] = made_up_accuracy(trial.config)
        search.tell(trial, accuracy=told[trial.number], metrics={"loss": 0.5})
    assert search.done()
    trials = search.trials()
    assert [t["trial"] for t in trials] == [1, 2, 3, 4, 5, 6]
    assert [t["accuracy"] for t in trials] == [told[n] for n in range(1, 7)]
    assert trials[0]["metrics"] == {"accuracy": told[1], "loss": 0.5}
    assert search.best()["accuracy"] == max(told.values())
    summary = search.finish()
    assert summary["evaluations"] == 6 and summary["best_accuracy"] == max(told.values())
    assert tnas.read_trials(tmp_path / "run") == trials  # the run directory says the same


def test_the_same_trials_as_the_command_line(tmp_path, table):
    values = lookup(table)
    for method in ["bowl", "evolution", "local"]:
        cli = tmp_path / (method + "_cli")
        subprocess.run([META_TEST, "search", "--method", method, "--objective", f"table:{table}:acc",
                        "--budget", "10", "--seed", "3", "--warm-start", "3", "--threads", "1", "--out", cli],
                       check=True, capture_output=True)
        api = tmp_path / (method + "_api")
        search = tnas.Search(api, method=method, objective=f"table:{table}:acc", budget=10, seed=3, threads=1,
                             options=["--warm-start", "3"])
        while (trial := search.ask()) is not None:
            search.tell(trial, accuracy=values[trial.config])
        def decisions(trials):
            return [(t["trial"], t["arch"], t["accuracy"], t.get("proposal")) for t in trials]
        assert decisions(search.trials()) == decisions(tnas.read_trials(cli)), method


def test_resume_after_the_python_process_is_killed(tmp_path):
    out = tmp_path / "run"
    script = textwrap.dedent(f"""
        import os, signal, tnas
        search = tnas.Search({str(out)!r}, method="local", budget=8, seed=2, threads=1)
        for k in range(3):
            trial = search.ask()
            print(trial.number, trial.config, flush=True)
            if k < 2:
                search.tell(trial, accuracy=50 + k)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=dict(os.environ))
    assert child.returncode == -signal.SIGKILL
    asked = [line.split() for line in child.stdout.splitlines()]
    assert len(asked) == 3
    search = tnas.Search(out, method="local", budget=8, seed=2, threads=1)
    assert len(search.trials()) == 2
    again = search.ask()
    assert (str(again.number), again.config) == (asked[2][0], asked[2][1])
    search.tell(again, accuracy=55)
    while (trial := search.ask()) is not None:
        search.tell(trial, accuracy=made_up_accuracy(trial.config))
    assert len(search.trials()) == 8


def test_an_exception_in_the_objective_is_a_failed_trial(tmp_path):
    calls = []

    def evaluate(trial):
        calls.append(trial.number)
        if trial.number == 2:
            raise ValueError("CUDA out of memory\nwith a traceback")
        return {"accuracy": made_up_accuracy(trial.config), "params_m": 0.1 * trial.number}

    summary = tnas.optimize(evaluate, tmp_path / "run", method="random", budget=4, threads=1)
    assert calls == [1, 2, 3, 4]
    trials = tnas.read_trials(tmp_path / "run")
    assert [t["ok"] for t in trials] == [True, False, True, True]
    assert trials[1]["error"] == "ValueError: CUDA out of memory"
    assert summary["failed_trials"] == 1 and summary["evaluations"] == 4


def test_ctrl_c_leaves_a_resumable_run(tmp_path):
    def interrupted(trial):
        if trial.number == 3:
            raise KeyboardInterrupt
        return made_up_accuracy(trial.config)

    with pytest.raises(KeyboardInterrupt):
        tnas.optimize(interrupted, tmp_path / "run", method="random", budget=5, threads=1)
    seen = []
    summary = tnas.optimize(lambda trial: seen.append(trial.number) or made_up_accuracy(trial.config),
                            tmp_path / "run", method="random", budget=5, threads=1)
    assert seen == [3, 4, 5]  # trial 3 was asked and never told: asked again
    assert summary["evaluations"] == 5


def test_several_asks_before_a_tell(tmp_path, table):
    search = tnas.Search(tmp_path / "run", method="bowl", objective=f"table:{table}:acc", budget=8, threads=1,
                         options=["--warm-start", "2"])
    batch = [search.ask() for _ in range(3)]
    assert [t.number for t in batch] == [1, 2, 3]
    assert len({t.config for t in batch}) == 3
    assert [t.number for t in search.pending()] == [1, 2, 3]
    for trial in reversed(batch):
        search.tell(trial, accuracy=made_up_accuracy(trial.config))
    assert search.pending() == []
    assert [t["trial"] for t in search.trials()] == [3, 2, 1]


def test_a_wrong_argument_is_the_command_lines_message(tmp_path):
    with pytest.raises(tnas.Error) as error:
        tnas.Search(tmp_path / "run", method="no-such-method")
    cli = subprocess.run([META_TEST, "search", "--method", "no-such-method", "--objective", "command:echo {arch}",
                          "--out", tmp_path / "cli"], capture_output=True, text=True)
    assert cli.returncode != 0
    assert cli.stderr == f"meta_test search: error: {error.value}\n"  # the same one-line message
    assert str(error.value).startswith("unknown --method 'no-such-method'")
    search = tnas.Search(tmp_path / "ok", method="random", budget=2, threads=1)
    trial = search.ask()
    with pytest.raises(tnas.Error, match="tell: trial 9 was not asked"):
        search.tell(9, accuracy=1)
    with pytest.raises(tnas.Error, match="give its accuracy"):
        search.tell(trial)
    with pytest.raises(tnas.Error, match="is locked|pid"):
        tnas.Search(tmp_path / "ok", method="random", budget=2, threads=1)


def test_the_gil_is_released_while_tnas_proposes(tmp_path, table):
    # gp's first model-based proposal embeds the whole pool with its deep kernel (seconds on a CPU): a Python
    # thread keeps counting meanwhile.
    search = tnas.Search(tmp_path / "run", method="gp", objective=f"table:{table}:acc", budget=3, threads=1,
                         options=["--warm-start", "1"])
    first = search.ask()
    search.tell(first, accuracy=made_up_accuracy(first.config))
    counted = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counted[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    before = counted[0]
    search.ask()
    during = counted[0] - before
    stop.set()
    counter.join()
    assert during > 1000, during


def test_the_surrogate_predicts_what_rank_prints():
    rank = subprocess.run([META_TEST, "rank", "--checkpoint", "checkpoints/default", "--dataset", "fashion-mnist",
                           "--seed", "4", "--top", "15", "--threads", "1"], check=True, capture_output=True,
                          text=True)
    rows = [line.split("\t") for line in rank.stdout.splitlines()[1:]]
    surrogate = tnas.Surrogate("checkpoints/default")
    assert surrogate.space == "nb201"
    configs, means, sds = surrogate.rank(dataset="fashion-mnist", seed=4)
    assert len(configs) == 6466  # one per isomorphism class
    assert configs[:15] == [row[4] for row in rows]
    assert [f"{m:.2f}" for m in means[:15]] == [row[1] for row in rows]
    assert [f"{s:.2f}" for s in sds[:15]] == [row[2] for row in rows]
    again, again_sd = surrogate.predict(configs[:15], dataset="fashion-mnist", seed=4)
    # (float32 embeddings in batches of another size: equal to about 1e-7)
    assert list(again) == pytest.approx(list(means[:15]), rel=1e-5)
    assert list(again_sd) == pytest.approx(list(sds[:15]), rel=1e-4)
    with pytest.raises(tnas.Error, match="missing --dataset"):
        surrogate.rank()


def test_the_space_parses_samples_and_mutates_configurations():
    space = tnas.Space("nb201")
    assert space.size() == 15625
    cell = "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|"
    assert space.parse(cell) == cell
    with pytest.raises(tnas.Error, match="conv_9x9"):
        space.parse(cell.replace("nor_conv_1x1", "conv_9x9"))
    assert space.sample(5, seed=7) == space.sample(5, seed=7)
    assert len(set(space.sample(50, seed=7))) > 40
    assert len(space.neighbours(cell)) == 24  # 6 edges x 4 other operations
    assert space.mutate(cell, seed=1) in space.neighbours(cell)
    assert space.params(cell) > space.params(cell.replace("nor_conv_3x3", "none"))
    # node 1 gets nothing (none), so what its outgoing edges do does not matter: the same function
    silent = "|none~0|+|skip_connect~0|nor_conv_3x3~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|"
    twin = "|none~0|+|skip_connect~0|avg_pool_3x3~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_3x3~2|"
    assert space.isomorphism_key(silent) == space.isomorphism_key(twin)
    assert space.isomorphism_key(silent) != space.isomorphism_key(cell)
    with pytest.raises(tnas.Error):
        tnas.Space("no-such-space")


def test_the_pytorch_example_searches_at_a_tiny_size(tmp_path):
    example = [sys.executable, "examples/python_pytorch.py", "--out", str(tmp_path / "run"), "--budget", "3",
               "--epochs", "1", "--images-per-class", "20"]
    first = subprocess.run(example, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("%  |") == 3 and "best cell: |" in first.stdout
    trials = tnas.read_trials(tmp_path / "run")
    assert [t["ok"] for t in trials] == [True, True, True]
    assert all(0 <= t["accuracy"] <= 100 for t in trials)
    again = subprocess.run(example, capture_output=True, text=True)  # resumes: trains nothing again
    assert again.returncode == 0 and again.stdout.count("%  |") == 0
    bad = subprocess.run(example[:2] + ["--out", str(tmp_path / "bad"), "--method", "nope"], capture_output=True,
                         text=True)
    assert bad.returncode == 1 and bad.stderr.startswith("python_pytorch.py: error: unknown --method 'nope'")


def test_a_larger_budget_extends_a_finished_search(tmp_path):
    search = tnas.Search(tmp_path / "run", method="local", budget=4, seed=3, threads=1)
    while (trial := search.ask()) is not None:
        search.tell(trial, accuracy=made_up_accuracy(trial.config))
    first = [t["arch"] for t in search.trials()]
    del search
    search = tnas.Search(tmp_path / "run", method="local", budget=7, seed=3, threads=1)
    numbers = []
    while (trial := search.ask()) is not None:
        numbers.append(trial.number)
        search.tell(trial, accuracy=made_up_accuracy(trial.config))
    assert numbers == [5, 6, 7]
    assert [t["arch"] for t in search.trials()][:4] == first


def test_trials_as_a_dataframe(tmp_path):
    pandas = pytest.importorskip("pandas", reason="pandas is not installed (python3-pandas)")
    tnas.optimize(lambda trial: made_up_accuracy(trial.config), tmp_path / "run", method="random", budget=3,
                  threads=1)
    frame = tnas.trials_dataframe(tmp_path / "run")
    assert isinstance(frame, pandas.DataFrame) and list(frame["trial"]) == [1, 2, 3]
