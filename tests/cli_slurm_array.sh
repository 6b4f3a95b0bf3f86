#!/bin/sh
# collect --slurm-array: the scripts it writes (an array of shards with --requeue, a merge), run here without
# Slurm task by task (one SIGKILLed after its first pair and rerun: it resumes), give the same results as one
# unsharded collection; submission goes through sbatch (a stand-in that records its arguments: the merge depends
# on the array); without sbatch it refuses by name. tests/slurm_cluster.sh runs it through a real Slurm.
#   tests/cli_slurm_array.sh META_TRAIN WORKDIR
set -eu
meta_train=$1 work=$2
rm -rf "$work" && mkdir -p "$work/bin"
fail() { echo "cli_slurm_array: $*" >&2; exit 1; }
design="--source mnist --tasks 4 --classes-per-task 2 --images-per-class 30 --archs-per-task 2 --preset tiny --seed 3 --threads 1"

# Only written: two array tasks, requeued on preemption, each its own shard.
"$meta_train" collect $design --out "$work/md.h5" --slurm-array 2 --sbatch-args '--time=00:10:00' --print-sbatch 2> "$work/print.log"
grep -q '^#SBATCH --array=0-1$' "$work/md.h5.sbatch" || fail "no array line"
grep -q '^#SBATCH --requeue$' "$work/md.h5.sbatch" || fail "not requeued"
grep -q '^#SBATCH --time=00:10:00$' "$work/md.h5.sbatch" || fail "sbatch args lost"
grep -q -- '--shard "${SLURM_ARRAY_TASK_ID}/2"' "$work/md.h5.sbatch" || fail "no shard per task"
grep -q 'afterok' "$work/print.log" || fail "no submission advice"

# Without Slurm: each task, then the merge. Task 0 twice (a rerun resumes: nothing trained again).
SLURM_ARRAY_TASK_ID=0 bash "$work/md.h5.sbatch" > /dev/null 2>&1 || fail "task 0"
SLURM_ARRAY_TASK_ID=0 bash "$work/md.h5.sbatch" 2>&1 | grep -q 'trained 0 pairs' || fail "a rerun task trained again"
# Task 1 SIGKILLed after its first pair (a node lost mid-task), then run again: it resumes.
SLURM_ARRAY_TASK_ID=1 bash "$work/md.h5.sbatch" > "$work/task1.log" 2>&1 &
task=$!
for i in $(seq 600); do grep -q '^\[1/' "$work/task1.log" && break; sleep 0.05; done
kill -9 "$task" 2> /dev/null || true
wait "$task" 2> /dev/null || true
SLURM_ARRAY_TASK_ID=1 bash "$work/md.h5.sbatch" > "$work/task1b.log" 2>&1 || fail "task 1 after the kill"
grep -q '[1-3] already in' "$work/task1b.log" || fail "task 1 did not resume after the kill: $(grep 'already in' "$work/task1b.log")"
bash "$work/md.h5.merge.sbatch" > /dev/null || fail "merge"
"$meta_train" collect $design --out "$work/whole.h5" > /dev/null 2>&1 || fail "unsharded collection"
# The same pairs with the same accuracies (results, tasks, cells, accuracy statistics).
summary() { "$meta_train" data info "$1" --json | tr -d ' \n' | grep -o '"results":[0-9]*\|"tasks":[0-9]*\|"valid_acc":{[^}]*}' | sort; }
summary "$work/md.h5" > "$work/sharded.txt"
summary "$work/whole.h5" > "$work/whole.txt"
grep -q '"results":8' "$work/sharded.txt" || { cat "$work/sharded.txt" >&2; fail "merged shards"; }
cmp -s "$work/sharded.txt" "$work/whole.txt" || fail "shards and the whole differ: $(cat "$work/sharded.txt") / $(cat "$work/whole.txt")"

# Submission through sbatch: the array first, then the merge after it.
cat > "$work/bin/sbatch" <<'SB'
#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls"
n=$(wc -l < "$(dirname "$0")/calls")
echo "$((4200 + n))"
SB
chmod +x "$work/bin/sbatch"
PATH="$work/bin:$PATH" "$meta_train" collect $design --out "$work/sub.h5" --slurm-array 3 2> "$work/submit.log" || { cat "$work/submit.log" >&2; fail "submit"; }
[ "$(wc -l < "$work/bin/calls")" = 2 ] || fail "expected 2 sbatch calls"
head -1 "$work/bin/calls" | grep -q -- "--parsable $work/sub.h5.sbatch" || fail "array submission: $(head -1 "$work/bin/calls")"
tail -1 "$work/bin/calls" | grep -q -- "--dependency=afterok:4201 $work/sub.h5.merge.sbatch" || fail "merge submission: $(tail -1 "$work/bin/calls")"
grep -q 'submitted job array 4201' "$work/submit.log" || fail "no job ids said"

# No sbatch: refused by name, nothing submitted.
if PATH=/nonexistent "$meta_train" collect $design --out "$work/none.h5" --slurm-array 2 2> "$work/none.log"; then fail "submitted without sbatch"; fi
grep -q 'sbatch is not on PATH' "$work/none.log" || fail "unclear error: $(cat "$work/none.log")"
echo "cli_slurm_array: ok"
