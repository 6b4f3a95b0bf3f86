#!/bin/sh
# Kill anywhere (issue 27): collect, a sequential search, a parallel search's coordinator and fit are SIGKILLed at
# random moments (startup, training, proposals, and inside the atomic saves that follow every result) and
# rerun with the same command until they finish; each result must equal the uninterrupted run's: the same
# results for collect, the same trials in the same order for the sequential search, every trial exactly once
# for the parallel one (its finishing order is not deterministic), the same checkpoint files for fit.
#   tests/cli_kill_anywhere.sh META_TRAIN META_TEST WORKDIR [KILLS_PER_COMMAND]
# The kill moments come from TNAS_TEST_SEED (default 0), so a failing run can be repeated exactly.
set -eu
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
tests=$(cd "$(dirname "$0")" && pwd)
meta_train=$(absolute "$1") meta_test=$(absolute "$2") work=$3 kills_wanted=${4:-100}
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
fail() { echo "cli_kill_anywhere: $*" >&2; exit 1; }
seed=${TNAS_TEST_SEED:-0}
draw=0
# A delay in seconds, uniform in [0, MAX_MS] milliseconds, from the seed and a counter.
delay() {
  draw=$((draw + 1))
  awk -v seed="$seed" -v n="$draw" -v most="$1" 'BEGIN { srand(seed * 100003 + n); printf "%.3f", rand() * most / 1000 }'
}
now_ms() { date +%s%3N; }
began=$(now_ms)
# A line per finished command, so that a run stopped by CTest's timeout still says how far it got and where
# the time went.
progress() { echo "cli_kill_anywhere: $1: $landed kills landed in $round rounds (span now $span ms), $((($(now_ms) - began) / 1000)) s so far"; }

# run_with_kill COMMAND...: runs COMMAND in the background (output appended to $work/$name.log), SIGKILLs it
# after a random delay in [0, $span] ms and sets $status to its exit status (137: the kill landed).
run_with_kill() {
  "$@" >> "$work/$name.log" 2>&1 &
  pid=$!
  sleep "$(delay "$span")"
  kill -9 "$pid" 2> /dev/null || true
  status=0
  wait "$pid" 2> /dev/null || status=$?
}

# The commands exec their program, so that the background job's pid is the program's own.
# kill_until_done NAME SPAN_MS -- COMMAND...: runs COMMAND (which writes into its own output) again and again,
# each run SIGKILLed after a random delay in [0, SPAN_MS] ms, until a run finishes by itself. Adds the kills
# that landed while COMMAND ran (its status 137, not a run that had already ended) to $landed.
# The span is measured once, maybe while the machine was busier or quieter than now, so it adapts:
# - a first run that outlives its kill says the span is too long: it shrinks by a fifth, so that kills keep
#   landing when the load drops;
# - a round whose runs were killed $most_kills times says it may be too short for what every run must redo
#   (start-up, loading) when the load rises: the next run goes unkilled, so that a round always ends, and the
#   span grows by half.
most_kills=12
kill_until_done() {
  name=$1 span=$2
  shift 3
  first=1 kills=0
  while [ "$kills" -lt "$most_kills" ]; do
    run_with_kill "$@"
    [ "$status" -eq 137 ] && { landed=$((landed + 1)) kills=$((kills + 1)) first=0; continue; }
    [ "$status" -eq 0 ] && [ "$first" -eq 1 ] && [ "$span" -gt 100 ] && span=$((span * 4 / 5))
    [ "$status" -eq 0 ] && return 0
    tail -5 "$work/$name.log" >&2
    fail "$name: a run exited with status $status"
  done
  span=$((span * 3 / 2))
  run_to_end "$@"
}

# run_to_end COMMAND...: one run left to finish; one that has not after $hang_seconds is a hang, not a slow
# machine (every command here finishes in seconds).
hang_seconds=300
run_to_end() {
  "$@" >> "$work/$name.log" 2>&1 &
  pid=$!
  (sleep "$hang_seconds" && kill -9 "$pid") > /dev/null 2>&1 &
  watchdog=$!
  status=0
  wait "$pid" 2> /dev/null || status=$?
  kill "$watchdog" 2> /dev/null || true
  [ "$status" -eq 137 ] && fail "$name: a run left to finish had not after $hang_seconds s (log: $work/$name.log)"
  [ "$status" -eq 0 ] || { tail -5 "$work/$name.log" >&2; fail "$name: the run after the kills exited with status $status"; }
}

# kill_once NAME SPAN_MS -- COMMAND...: one run SIGKILLed after a random delay in [0, SPAN_MS] ms, then one run
# left to finish. For a command whose early work is not saved (fit's image loading and featurizer), where
# killing every rerun could go on without end; adds the kill to $landed when it landed while COMMAND ran.
# A run that outlives its kill shrinks the span by a fifth, as in kill_until_done (a reference run that paid
# for a cold disk cache made the span so long that 60 rounds of fit landed fewer than 5 kills).
kill_once() {
  name=$1 span=$2
  shift 3
  run_with_kill "$@"
  [ "$status" -eq 137 ] && landed=$((landed + 1))
  [ "$status" -eq 0 ] || [ "$status" -eq 137 ] || { tail -5 "$work/$name.log" >&2; fail "$name: a run exited with status $status"; }
  [ "$status" -eq 0 ] && [ "$span" -gt 100 ] && span=$((span * 4 / 5))
  [ "$status" -eq 0 ] && return 0
  run_to_end "$@"
}

# Decisive fields of a run's trials (no times, no workers), in order or sorted.
trials_of() {
  python3 - "$1" "$2" << 'PY'
import json, sys
rows = []
for line in open(sys.argv[1] + "/trials.jsonl"):
    t = json.loads(line)
    rows.append(json.dumps({k: t.get(k) for k in ("trial", "arch", "ok", "accuracy")}, sort_keys=True))
print("\n".join(sorted(rows) if sys.argv[2] == "sorted" else rows))
PY
}

# Rounds of one fresh output each, until kills_wanted kills have landed; each run's kill falls anywhere in an
# uninterrupted run's time, so a round ends when a run outlives its kill (the rest of the work was short).

# 1. collect: 8 subtasks x 2 cells of MNIST, smoke preset.
collect() { exec "$meta_train" collect --source mnist --tasks 8 --classes-per-task 2 --images-per-class 20 --archs-per-task 2 \
  --preset smoke --seed 7 --threads 1 --out "$1"; }
start=$(now_ms)
(collect "$work/collect-reference.h5") > "$work/collect-reference.log" 2>&1 || fail "collect reference"
span=$(($(now_ms) - start))
summary() { "$meta_train" data info "$1" --json | tr -d ' \n' | grep -o '"results":[0-9]*\|"valid_acc":{[^}]*}\|"test_acc":{[^}]*}' | sort; }
landed=0 round=0
while [ "$landed" -lt "$kills_wanted" ]; do
  round=$((round + 1))
  kill_until_done collect "$span" -- collect "$work/collect-$round.h5"
  [ "$(summary "$work/collect-$round.h5")" = "$(summary "$work/collect-reference.h5")" ] ||
    fail "collect round $round: the resumed collection differs from the uninterrupted one"
  ls "$work" | grep -q "collect-$round.h5.tmp" && fail "collect round $round: a .tmp was left"
done
progress collect
collect_kills=$landed collect_rounds=$round collect_span=$span

# A whole NB201 table of made-up accuracies, so that searches need nothing from ../shared.
table="$work/table.csv"
python3 "$tests/made_up_nb201_table.py" "$table"

# 2. A sequential search: regularized evolution, each lookup taking up to 40 ms (simulated).
search() { exec "$meta_test" search --method evolution --objective "table:$table" --budget 40 --simulated-seconds 0.04 --seed 5 \
  --threads 1 --out "$1"; }
start=$(now_ms)
(search "$work/search-reference") > "$work/search-reference.log" 2>&1 || fail "search reference"
span=$(($(now_ms) - start))
trials_of "$work/search-reference" in-order > "$work/search-reference.txt"
landed=0 round=0
while [ "$landed" -lt "$kills_wanted" ]; do
  round=$((round + 1))
  kill_until_done search "$span" -- search "$work/search-$round"
  trials_of "$work/search-$round" in-order > "$work/search-$round.txt"
  cmp -s "$work/search-$round.txt" "$work/search-reference.txt" ||
    fail "search round $round: the resumed trials differ from the uninterrupted ones"
done
progress search
search_kills=$landed search_rounds=$round search_span=$span

# 3. A parallel search: its coordinator killed (its workers finish what they hold and leave); every trial
#    recorded once, none lost.
parallel() { exec "$meta_test" search --method random --objective "table:$table" --budget 24 --workers 2 --simulated-seconds 0.1 \
  --seed 5 --threads 1 --out "$1"; }
start=$(now_ms)
(parallel "$work/parallel-reference") > "$work/parallel-reference.log" 2>&1 || fail "parallel reference"
span=$(($(now_ms) - start))
landed=0 round=0
while [ "$landed" -lt "$kills_wanted" ]; do
  round=$((round + 1))
  kill_until_done parallel "$span" -- parallel "$work/parallel-$round"
  python3 - "$work/parallel-$round" 24 << 'PY' || fail "parallel round $round: trials lost or duplicated"
import json, sys
trials = [json.loads(l) for l in open(sys.argv[1] + "/trials.jsonl")]
numbers = sorted(t["trial"] for t in trials)
archs = [t["arch"] for t in trials]
assert numbers == list(range(1, int(sys.argv[2]) + 1)), numbers
assert len(set(archs)) == len(archs), "an architecture twice"
assert all(t["ok"] for t in trials)
PY
done
progress parallel
parallel_kills=$landed parallel_rounds=$round parallel_span=$span

# 4. fit: a tiny surrogate on a smoke collection, killed anywhere (featurizer training, epochs, the
#    checkpoint's atomic writes), once per round, then resumed to the end; every resumed fit must write the
#    uninterrupted one's files bit for bit. Fewer kills than the others: one fit takes seconds.
"$meta_train" collect --source mnist --tasks 12 --classes-per-task 2 --images-per-class 20 --archs-per-task 3 \
  --preset smoke --seed 7 --threads 1 --out "$work/fit-data.h5" > "$work/fit-data.log" 2>&1 || fail "fit's collection"
fit() { exec "$meta_train" fit --meta "$work/fit-data.h5" --epochs 3 --batch 8 --featurizer-epochs 1 --arch-hidden 16 \
  --no-feature-cache --threads 1 --out "$1"; }
files_of() { python3 -c "import json, sys; print(json.load(open(sys.argv[1] + '/manifest.json'))['files'])" "$1"; }
start=$(now_ms)
(fit "$work/fit-reference") > "$work/fit-reference.log" 2>&1 || fail "fit reference"
span=$(($(now_ms) - start))
fit_wanted=$(( kills_wanted / 5 > 5 ? kills_wanted / 5 : 5 ))
landed=0 round=0
while [ "$landed" -lt "$fit_wanted" ]; do
  round=$((round + 1))
  kill_once fit "$span" -- fit "$work/fit-$round"
  [ "$(files_of "$work/fit-$round")" = "$(files_of "$work/fit-reference")" ] ||
    fail "fit round $round: the resumed checkpoint's files differ from the uninterrupted one's"
done
progress fit
fit_kills=$landed fit_rounds=$round fit_span=$span

echo "cli_kill_anywhere: kills drawn within the last span of $collect_span / $search_span / $parallel_span / $fit_span ms; SIGKILLs that landed while running (seed $seed): collect $collect_kills in $collect_rounds runs," \
  "search $search_kills in $search_rounds, parallel search coordinator $parallel_kills in $parallel_rounds, fit $fit_kills in $fit_rounds;" \
  "lost 0, duplicated 0, every resumed result equal to the uninterrupted one"
