#!/bin/sh
# Values a hostile or careless user gives (issue 27): shell metacharacters through every option that reaches a
# generated script or a started program run nothing; absurd sizes and unknown names are refused with one line;
# a full disk is one line naming the file, leaves no temporary file, and a rerun with room resumes.
#   tests/cli_hostile_input.sh META_TRAIN META_TEST WORKDIR [DISK_FULL_SHIM]
# The full disk is a small tmpfs where this user may mount one, else (CI without root) DISK_FULL_SHIM
# (tests/disk_full_shim.cpp) preloaded to make writes under the folder fail with ENOSPC past a byte budget;
# TNAS_TEST_DISK_FULL_SHIM_ONLY=1 takes the shim even where a tmpfs could be mounted (to check the shim).
set -eu
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
tests=$(cd "$(dirname "$0")" && pwd)
meta_train=$(absolute "$1") meta_test=$(absolute "$2") work=$3 shim=""
[ -z "${4:-}" ] || shim=$(absolute "$4")
checkpoint=$(cd "$(dirname "$0")/../checkpoints/default" && pwd)
# A run killed while its tmpfs was mounted (the EXIT trap never ran) leaves the mount: unmount it first, or
# the next run could not clear its folder.
if [ -d "$work/disk" ] && grep -q " $(cd "$work/disk" && pwd) " /proc/mounts 2> /dev/null; then
  umount "$work/disk" 2> /dev/null || { echo "cli_hostile_input: $work/disk is still mounted (umount it)" >&2; exit 1; }
fi
rm -rf "$work" && mkdir -p "$work/bin"
work=$(cd "$work" && pwd)
cd "$work"
# A whole NB201 table of made-up accuracies, so that a table search needs nothing from ../shared.
table="$work/table.csv"
python3 "$tests/made_up_nb201_table.py" "$table"
# TNAS_TEST_KEEP_GOING=1 reports every failed check and fails at the end, instead of stopping at the first: how
# an older build is shown to fail each check (issue 27's "a test that failed before").
failures=0
fail() {
  echo "cli_hostile_input: FAILED: $*" >&2
  [ -n "${TNAS_TEST_KEEP_GOING:-}" ] || exit 1
  failures=$((failures + 1))
}
pwned="$work/PWNED"
# (The file is removed after a report, so that with TNAS_TEST_KEEP_GOING each later case is judged on its own.)
no_pwned() { [ ! -e "$pwned" ] || { fail "$1: a value ran as shell code ($pwned exists)" && rm -f "$pwned"; }; }
refused() {  # PATTERN COMMAND...: exits 1 with one line holding PATTERN
  pattern=$1
  shift
  if "$@" > "$work/out.txt" 2> "$work/err.txt" < /dev/null; then fail "accepted: $*" && return 0; fi
  grep -q -- "$pattern" "$work/err.txt" || { fail "unclear error for $*: $(head -c 300 "$work/err.txt")" && return 0; }
  [ "$(wc -l < "$work/err.txt")" -le 2 ] || fail "more than one line for $*: $(cat "$work/err.txt")"
}
tried=0
design="--source mnist --tasks 2 --classes-per-task 2 --images-per-class 20 --archs-per-task 1 --preset smoke --seed 3 --threads 1"

# 1. The generated sbatch scripts: each metacharacter in --out is written quoted, and running the scripts (no
#    Slurm: task by task, then the merge) creates only the collection's own files.
for bad in 'semi;colon' 'dollar$(touch PWNED)x' 'back`touch PWNED`tick' "quote'single" 'two words' 'star*' 'amp&amp'; do
  dir="$work/out $bad"
  mkdir -p "$dir"
  (cd "$work" && "$meta_train" collect $design --out "$dir/md.h5" --slurm-array 2 --print-sbatch > /dev/null 2>&1) ||
    fail "scripts for --out '$bad' were not written"
  (cd "$work" && SLURM_ARRAY_TASK_ID=0 bash "$dir/md.h5.sbatch" > "$work/task.log" 2>&1 &&
    SLURM_ARRAY_TASK_ID=1 bash "$dir/md.h5.sbatch" >> "$work/task.log" 2>&1 && bash "$dir/md.h5.merge.sbatch" >> "$work/task.log" 2>&1) ||
    fail "the scripts for --out '$bad' failed: $(tail -2 "$work/task.log")"
  [ -f "$dir/md.h5" ] || fail "no merged collection at --out '$bad'"
  no_pwned "collect --out '$bad'"
  [ ! -e "$work/PWNED" ] && [ ! -e "$dir/PWNED" ] || { fail "--out '$bad' ran a command" && rm -f "$work/PWNED" "$dir/PWNED"; }
  tried=$((tried + 1))
done
# A newline cannot be written into a script line safely, nor a double quote into an #SBATCH line: refused.
refused 'control character' "$meta_train" collect $design --out "$work/new
line/md.h5" --slurm-array 2 --print-sbatch
mkdir -p "$work/quote\"double"
refused 'holds a double quote' "$meta_train" collect $design --out "$work/quote\"double/md.h5" --slurm-array 2 --print-sbatch
tried=$((tried + 2))
# --sbatch-args: split into words as a shell would, one #SBATCH line each, nothing run.
"$meta_train" collect $design --out "$work/args.h5" --slurm-array 2 --print-sbatch \
  --sbatch-args "--comment='two words' --partition=x;touch\$IFS$pwned --export=\$(touch\$IFS$pwned)" 2> /dev/null
grep -qx '#SBATCH "--comment=two words"' "$work/args.h5.sbatch" || fail "a quoted sbatch argument was split: $(grep SBATCH "$work/args.h5.sbatch")"
grep -qxF "#SBATCH --export=\$(touch\$IFS$pwned)" "$work/args.h5.sbatch" || fail "\$(...) in --sbatch-args changed"
(cd "$work" && SLURM_ARRAY_TASK_ID=0 bash "$work/args.h5.sbatch" > /dev/null 2>&1) || fail "the task with odd sbatch args failed"
no_pwned "collect --sbatch-args"
tried=$((tried + 3))

# 2. Submission through sbatch: an argument vector, each argument as given (a stand-in sbatch records one
#    argument a line and fails, so that the search ends).
cat > "$work/bin/sbatch" << 'SB'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done >> "$(dirname "$0")/calls"
echo "sbatch: error: stand-in" >&2
exit 1
SB
printf '#!/bin/sh\nexit 0\n' > "$work/bin/squeue"
printf '#!/bin/sh\nexit 0\n' > "$work/bin/scancel"
chmod +x "$work/bin/sbatch" "$work/bin/squeue" "$work/bin/scancel"
for bad in "--partition=x; touch $pwned #" "--comment=\$(touch $pwned)" "--comment=\`touch $pwned\`"; do
  : > "$work/bin/calls"
  refused 'sbatch' env PATH="$work/bin:$PATH" "$meta_test" search --method random --objective "table:$table" --budget 2 \
    --workers 2 --executor slurm --sbatch-args "$bad" --out "$work/slurm-search" --force
  no_pwned "search --sbatch-args '$bad'"
  tried=$((tried + 1))
done
# Split as a shell splits words, backticks and all kept as text.
grep -qxF -- "--comment=\`touch" "$work/bin/calls" && grep -qxF -- "$pwned\`" "$work/bin/calls" ||
  fail "sbatch did not get the arguments as given: $(cat "$work/bin/calls")"
: > "$work/bin/calls"
PATH="$work/bin:$PATH" "$meta_train" collect $design --out "$work/sub'; touch $pwned; '.h5" --slurm-array 2 > /dev/null 2>&1 || true
grep -qxF "$work/sub'; touch $pwned; '.h5.sbatch" "$work/bin/calls" || fail "the array script's path was not one argument: $(cat "$work/bin/calls")"
no_pwned "collect --slurm-array submission"
tried=$((tried + 1))

# A worker job that ends without ever writing its log (a bad partition, an account without time): after five
# in a row the search stops naming the log, instead of resubmitting a job every two seconds forever. (A
# stand-in sbatch that hands out job ids and runs nothing; squeue lists no job.)
mkdir -p "$work/silent-bin"
cat > "$work/silent-bin/sbatch" << 'SB'
#!/bin/sh
next="$(dirname "$0")/next"
id=$(cat "$next" 2> /dev/null || echo 100)
echo $((id + 1)) > "$next"
echo "$id"
SB
printf '#!/bin/sh\nexit 0\n' > "$work/silent-bin/squeue"
printf '#!/bin/sh\nexit 0\n' > "$work/silent-bin/scancel"
chmod +x "$work/silent-bin/sbatch" "$work/silent-bin/squeue" "$work/silent-bin/scancel"
if env PATH="$work/silent-bin:$PATH" timeout 120 "$meta_test" search --method random --objective "table:$table" --budget 2 \
  --workers 1 --executor slurm --out "$work/silent-slurm" > /dev/null 2> "$work/silent.err" < /dev/null; then
  fail "a search whose worker jobs never start succeeded"
fi
tail -1 "$work/silent.err" | grep -q 'error: 5 worker jobs in a row ended without starting (no log at .*slurm-10[0-9].log)' ||
  fail "worker jobs that never start: not stopped with a clear error: $(tail -1 "$work/silent.err")"

# 3. A run directory whose name holds quotes and \$(...): the search, its plot and its report run nothing.
run="$work/run'; system(\"touch PWNED\"); print '\$(touch PWNED)\`touch PWNED\`"
"$meta_test" search --method random --objective "table:$table" --budget 2 --out "$run" --threads 1 > /dev/null 2>&1 || fail "search in an odd folder"
"$meta_test" search --method random --objective "table:$table" --objectives acc,params --budget 3 --out "$run-mo" --threads 1 > /dev/null 2>&1 ||
  fail "multi-objective search in an odd folder"
no_pwned "search --out with quotes"
tried=$((tried + 2))

# 4. Sizes that would exhaust the machine, and names that would be silently ignored.
refused '--workers must be in 1..' "$meta_test" search --method random --objective "table:$table" --workers 10000 --out "$work/w"
refused '--slurm-array must be in 1..2 ' "$meta_train" collect $design --out "$work/a.h5" --slurm-array 1000000000 --print-sbatch
refused '--slurm-array must be in 1..2 ' "$meta_train" collect $design --out "$work/b.h5" --slurm-array 5 --print-sbatch
refused "'bogus' is not reported by the table objective" "$meta_test" search --method random --objective "table:$table" --objectives acc,bogus --out "$work/o1"
refused "'fairness' is not reported by the table objective" "$meta_test" search --method nsga2 --objective "table:$table" --objectives acc,fairness --out "$work/o2"
refused 'is not a finite number' "$meta_test" search --method nsga2 --objective "table:$table" --objectives acc,params --reference-point nan,1e6 --out "$work/o3"
refused 'is not a finite number' "$meta_test" search --method nsga2 --objective "table:$table" --objectives acc,params --reference-point 0,inf --out "$work/o4"
refused '--pending must be believer, fantasies or none' "$meta_test" search --method random --objective "table:$table" --pending bogus --out "$work/o5"
refused 'optimizes several objectives' "$meta_test" search --method nsga2 --objective "table:$table" --out "$work/o6"
# Resuming with another --threads is said (floating-point sums then run in another order), not silent.
"$meta_test" search --method random --objective "table:$table" --budget 2 --threads 1 --out "$work/threads" > /dev/null 2>&1 ||
  fail "search with --threads 1"
"$meta_test" search --method random --objective "table:$table" --budget 3 --threads 2 --out "$work/threads" > /dev/null 2> "$work/threads.err" ||
  fail "resuming with --threads 2: $(tail -1 "$work/threads.err")"
grep -q 'resuming with 2 threads where the run used 1' "$work/threads.err" || fail "resuming with another --threads was silent"
# A checkpoint whose manifest is a FIFO (it would block a reader forever) or holds an impossible label mean.
mkdir -p "$work/fifo-checkpoint" "$work/edited-checkpoint"
cp "$checkpoint"/* "$work/fifo-checkpoint/" && rm "$work/fifo-checkpoint/manifest.json" && mkfifo "$work/fifo-checkpoint/manifest.json"
refused 'manifest.json: not a regular file' timeout 60 "$meta_test" rank --checkpoint "$work/fifo-checkpoint" --dataset mnist --top 1
cp "$checkpoint"/* "$work/edited-checkpoint/"
python3 -c 'import json, sys; p = sys.argv[1]; m = json.load(open(p)); m["label_mean"] = 1e300; json.dump(m, open(p, "w"))' \
  "$work/edited-checkpoint/manifest.json"
refused 'label_mean must be an accuracy in 0..100' "$meta_test" rank --checkpoint "$work/edited-checkpoint" --dataset mnist --top 1
printf '0,low\n1,low\n2,low\n3,low\n4,low\n5,high\n6,high\n7,high\n8,high\n9,high\n' > "$work/groups.csv"
refused 'only the fairness objectives use groups' "$meta_test" search --method random --objective train --dataset mnist \
  --preset smoke --groups "$work/groups.csv" --out "$work/o7"
# A command printing 300 MB: the objective keeps a bounded tail of its output, not all of it (7ab698f: 1.04 GB).
loud="command:head -c 300000000 /dev/zero | tr '\\0' x; echo; echo '{\"accuracy\": 50}' # {arch}"
peak_kb=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$meta_test" search --method random --objective "$loud" \
  --budget 1 --threads 1 --out "$work/loud")
grep -q '"ok":true' "$work/loud/trials.jsonl" 2> /dev/null || fail "the command printing 300 MB was not recorded"
[ "$peak_kb" -lt 600000 ] || fail "a command printing 300 MB took $peak_kb KB"
mkdir -p "$work/groups-folder"
refused 'groups-folder: not a file of "class name,group" lines (--groups)' "$meta_test" search --method random \
  --objective train --dataset mnist --preset smoke --objectives acc,fairness --groups "$work/groups-folder" --out "$work/o8"
# A killed parallel search resumes with any --workers, 1 included, and ends with each trial once.
slow="command:sleep 0.4; echo '{\"accuracy\": 50}' # {arch}"
timeout -s KILL 3 "$meta_test" search --method random --objective "$slow" --budget 12 --workers 2 --threads 1 \
  --out "$work/killed-parallel" > /dev/null 2>&1 < /dev/null || true
"$meta_test" search --method random --objective "$slow" --budget 12 --workers 1 --threads 1 --out "$work/killed-parallel" \
  > /dev/null 2> "$work/killed-parallel.err" < /dev/null || fail "a killed parallel search resumed with --workers 1: $(tail -1 "$work/killed-parallel.err")"
[ "$(grep -c '"ok":true' "$work/killed-parallel/trials.jsonl" 2> /dev/null)" = 12 ] ||
  fail "the killed parallel search resumed with --workers 1 did not end with its 12 trials"
mkdir -p "$work/existing-folder"
refused 'is a folder' "$meta_train" data convert mnist "$work/existing-folder"
[ -z "$(ls "$work/existing-folder")" ] || fail "data convert left files in the folder"
printf 'not a meta-dataset' > "$work/not-meta.h5"
refused "not-meta.h5" "$meta_train" data export "$work/not-meta.h5" --out "$work/not-meta.csv"
[ ! -e "$work/not-meta.csv" ] || fail "data export of a bad file wrote its CSV"
refused 'is a folder' "$meta_train" data export "$work/not-meta.h5" --out "$work/existing-folder"

# 5. A full disk: one line naming the file, exit 1, no .tmp left; with room again, the same command resumes.
disk="$work/disk"
mkdir -p "$disk"
mode=""
if [ -z "${TNAS_TEST_DISK_FULL_SHIM_ONLY:-}" ] && mount -t tmpfs -o size=8m tmpfs "$disk" 2> /dev/null; then
  mode=tmpfs
  trap 'umount "$disk" 2> /dev/null || true' EXIT
elif [ -n "$shim" ] && [ -f "$shim" ]; then
  mode=shim
fi
room=""
# leave_room BYTES: the next commands run through on_disk find only BYTES free on $disk (until free_room).
leave_room() {
  room=$1
  [ $mode = tmpfs ] || return 0
  rm -f "$disk/filler"
  head -c $(( $(df -B1 --output=avail "$disk" | tail -1) - room )) /dev/zero > "$disk/filler"
}
free_room() { room=""; rm -f "$disk/filler"; }
on_disk() {
  if [ $mode = shim ] && [ -n "$room" ]; then
    (export LD_PRELOAD="$shim" TNAS_DISK_FULL_DIR="$disk" TNAS_DISK_FULL_BYTES="$room"; "$@")
  else
    "$@"
  fi
}
if [ -n "$mode" ]; then
  # collect: room for one 21 KB result file, not for it and its successor.
  leave_room 32768
  full="--source mnist --tasks 3 --classes-per-task 2 --images-per-class 20 --archs-per-task 2 --preset smoke --seed 4 --threads 1"
  if on_disk "$meta_train" collect $full --out "$disk/c.h5" > /dev/null 2> "$work/full.err"; then fail "collect on a full disk succeeded"; fi
  grep -q "$disk/c.h5.*No space left on device" "$work/full.err" || fail "full disk: unclear error: $(cat "$work/full.err")"
  [ "$(wc -l < "$work/full.err")" -le 3 ] || fail "full disk: more than one error line: $(cat "$work/full.err")"
  ls "$disk" | grep -q '\.tmp$' && fail "full disk: a .tmp was left: $(ls "$disk")"
  free_room
  "$meta_train" collect $full --out "$disk/c.h5" > "$work/full2.out" 2> "$work/full2.err" || fail "collect after freeing space: $(tail -1 "$work/full2.err")"
  grep -q ', 1 already in ' "$work/full2.err" || fail "the rerun did not resume from the result written before the disk filled: $(head -1 "$work/full2.err")"
  "$meta_train" collect $full --out "$work/whole.h5" > /dev/null 2>&1
  summary() { "$meta_train" data info "$1" --json | tr -d ' \n' | grep -o '"results":[0-9]*\|"valid_acc":{[^}]*}' | sort; }
  [ "$(summary "$disk/c.h5")" = "$(summary "$work/whole.h5")" ] || fail "full disk: the resumed collection differs from an uninterrupted one"
  # A search whose run directory fills the disk: one line naming a file of it, no .tmp; with room again the
  # same command resumes and ends with the uninterrupted search's trials.
  rm -rf "${disk:?}"/*
  leave_room 8192
  run_search() { "$meta_test" search --method evolution --objective "table:$table" --budget 30 --seed 2 --threads 1 --out "$1"; }
  if on_disk run_search "$disk/run" > /dev/null 2> "$work/full-search.err"; then fail "a search on a full disk succeeded"; fi
  grep -q "$disk/run/.*No space left on device" "$work/full-search.err" || fail "full disk search: unclear error: $(cat "$work/full-search.err")"
  ls "$disk/run" | grep -q '\.tmp$' && fail "full disk search: a .tmp was left: $(ls "$disk/run")"
  free_room
  run_search "$disk/run" > /dev/null 2> "$work/full-search2.err" || fail "search after freeing space: $(tail -1 "$work/full-search2.err")"
  run_search "$work/whole-run" > /dev/null 2>&1
  python3 -c 'import json, sys
a, b = ([json.loads(l)["arch"] for l in open(d + "/trials.jsonl")] for d in sys.argv[1:])
sys.exit(a != b)' "$disk/run" "$work/whole-run" || fail "full disk search: the resumed trials differ from the uninterrupted ones"
  # A fit whose checkpoint folder fills the disk (about 2.5 MB left of the 4 MB the fit writes): one line naming
  # the file, no .tmp; with room again the same command ends with the uninterrupted fit's files, byte for byte.
  rm -rf "${disk:?}"/*
  "$meta_train" collect --source mnist --tasks 6 --classes-per-task 2 --images-per-class 20 --archs-per-task 4 \
    --preset smoke --seed 4 --threads 1 --out "$work/fit-meta.h5" > /dev/null 2>&1
  run_fit() { "$meta_train" fit --meta "$work/fit-meta.h5" --epochs 3 --featurizer-epochs 1 --arch-hidden 16 \
    --heldout-tasks 0.2 --threads 1 --no-feature-cache --out "$1"; }
  leave_room $((2600 * 1024))
  if on_disk run_fit "$disk/ck" > /dev/null 2> "$work/full-fit.err"; then fail "a fit on a full disk succeeded"; fi
  tail -1 "$work/full-fit.err" | grep -q "^meta_train fit: error: $disk/ck/.*No space left on device" ||
    fail "full disk fit: unclear error: $(tail -2 "$work/full-fit.err")"
  find "$disk" -name '*.tmp*' | grep -q . && fail "full disk fit: a .tmp was left: $(find "$disk" -name '*.tmp*')"
  free_room
  run_fit "$disk/ck" > /dev/null 2> "$work/full-fit2.err" || fail "fit after freeing space: $(tail -1 "$work/full-fit2.err")"
  run_fit "$work/whole-fit" > /dev/null 2>&1
  python3 -c 'import json, sys
a, b = (json.load(open(d + "/manifest.json"))["files"] for d in sys.argv[1:])
sys.exit(a != b)' "$disk/ck" "$work/whole-fit" || fail "full disk fit: the rerun's checkpoint differs from the uninterrupted one"
  echo "cli_hostile_input: full disk ($mode): one line, no .tmp, the rerun resumed to the uninterrupted result (collect, search and fit)"
else
  fail "no full disk to test on: cannot mount a tmpfs here and no shim was given"
fi
[ "$failures" -eq 0 ] || { echo "cli_hostile_input: $failures checks failed" >&2; exit 1; }
echo "cli_hostile_input: ok: $tried metacharacter cases ran nothing; 17 refusals named their option or file"
