#!/bin/bash
# A real one-node Slurm cluster for the tests: installs Debian's slurm-wlm and munge when they are missing,
# writes a slurm.conf for this machine, starts munged, slurmctld and slurmd (their own ports, key, state and
# socket in WORKDIR, so a Slurm already on the machine is untouched), and runs through them:
#   1. `meta_train collect --slurm-array 2`: the job array and its merge; one array task requeued while it runs
#      (what a preemption does): it resumes, and the merged meta-dataset holds exactly the pairs of the same
#      collection run whole here (none lost, none twice);
#   2. `meta_test search --workers 2 --executor slurm`: two worker jobs, one cancelled mid-search (a lost node):
#      its trial runs again in a replacement job; every trial recorded once.
# Exits 77 (CTest: skipped) with the reason only where the services cannot be had (not root and nothing
# installed, no package manager, a daemon that will not start).
#   tests/slurm_cluster.sh META_TRAIN META_TEST WORKDIR
set -eu
meta_train=$(readlink -f "$1") meta_test=$(readlink -f "$2") work=$3
skip() { echo "slurm_cluster: SKIPPED: $*" >&2; exit 77; }
fail() { echo "slurm_cluster: FAILED: $*" >&2; for f in "$work"/log/*.log; do echo "--- $f" >&2; tail -n 5 "$f" >&2; done; exit 1; }
say() { echo "slurm_cluster: $*"; }

if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null || ! command -v munged > /dev/null; then
  [ "$(id -u)" = 0 ] || skip "slurm-wlm and munge are not installed and installing them needs root"
  command -v apt-get > /dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
  say "installing slurm-wlm and munge"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge > "${TMPDIR:-/tmp}/slurm_install.log" 2>&1 ||
    skip "apt-get install slurm-wlm munge failed: $(tail -n 1 "${TMPDIR:-/tmp}/slurm_install.log")"
fi
[ "$(id -u)" = 0 ] || skip "slurmd runs jobs as their users, which needs root (run the tests as root, as CI does)"

rm -rf "$work" && mkdir -p "$work"/{state,spool,log,munge}
work=$(readlink -f "$work")
pids=()
cleanup() {
  [ -n "${SLURM_CONF:-}" ] && scancel --user=root > /dev/null 2>&1 || true
  for f in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2> /dev/null || true; done
}
trap cleanup EXIT

# munge: its own key and socket.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none && chmod 600 "$work/munge/munge.key"
chmod 700 "$work/munge"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/munge/munge.seed" || skip "munged does not start: $(tail -n 1 "$work/log/munged.log" 2> /dev/null)"

# Free ports for slurmctld and slurmd.
port=$(python3 -c 'import socket
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
print(free())')
host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
cat > "$work/slurm.conf" <<CONF
ClusterName=tnastest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=300
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" || skip "slurmctld does not start: $(tail -n 1 "$work/log/slurmctld.log" 2> /dev/null)"
slurmd -f "$SLURM_CONF" || skip "slurmd does not start: $(tail -n 1 "$work/log/slurmd.log" 2> /dev/null)"
for i in $(seq 60); do sinfo -h -o %T 2> /dev/null | grep -q idle && break; sleep 0.5; done
sinfo -h -o %T | grep -q idle || skip "the node does not come up: $(sinfo -h 2>&1 | head -n 1); $(tail -n 1 "$work/log/slurmd.log")"
say "one-node cluster up ($host, $cpus CPUs, ports $port-$((port + 1)), $(sinfo -V))"

wait_gone() {  # JOB [SECONDS]: until Slurm no longer holds any task of JOB
  for i in $(seq $(( ${2:-300} * 2 ))); do [ -z "$(squeue -h -j "$1" -o %i 2> /dev/null)" ] && return 0; sleep 0.5; done
  fail "job $1 still queued after ${2:-300} s: $(squeue -h -j "$1")"
}

# 1. The collection as a job array, one task requeued mid-run.
design="--source mnist --tasks 6 --classes-per-task 2 --images-per-class 40 --archs-per-task 2 --preset tiny --seed 5 --threads 1"
"$meta_train" collect $design --out "$work/md.h5" --slurm-array 2 2> "$work/submit.log" || fail "submission: $(cat "$work/submit.log")"
array=$(grep -o 'submitted job array [0-9]*' "$work/submit.log" | grep -o '[0-9]*$') || fail "no array job id: $(cat "$work/submit.log")"
# Task 1 requeued after its first pair (Slurm kills it and queues it again, as a preemption does); Slurm holds a
# requeued job back for a while, so it is released at once.
task_log="$work/md.h5.slurm-${array}_1.log"
for i in $(seq 600); do grep -q '^\[1/' "$task_log" 2> /dev/null && break; sleep 0.1; done
grep -q '^\[1/' "$task_log" || fail "array task 1 trained nothing: $(tail -n 2 "$task_log" 2> /dev/null)"
scontrol requeue "${array}_1" || fail "scontrol requeue ${array}_1"
for i in $(seq 100); do
  [ "$(squeue -h -j "${array}_1" -o %T 2> /dev/null)" = PENDING ] && { scontrol update JobId="${array}_1" StartTime=now > /dev/null 2>&1 || true; break; }
  sleep 0.1
done
say "array ${array}: task 1 requeued after its first pair"
wait_gone "$array"
for i in $(seq 240); do [ -f "$work/md.h5" ] && [ -z "$(squeue -h -o %i)" ] && break; sleep 0.5; done
[ -f "$work/md.h5" ] || fail "no merged meta-dataset (merge job: $(cat "$work"/md.h5.slurm-merge-*.log 2> /dev/null | tail -n 2))"
grep -q 'already in' "$task_log" && grep 'already in' "$task_log" | tail -n 1 | grep -vq ', 0 already in' ||
  fail "the requeued task did not resume: $(grep 'already in' "$task_log")"
say "array ${array}: the requeued task resumed: $(grep 'already in' "$task_log" | tail -n 1)"
"$meta_train" collect $design --out "$work/whole.h5" > /dev/null 2>&1 || fail "unsharded collection"
summary() { "$meta_train" data info "$1" --json | tr -d ' \n' | grep -o '"results":[0-9]*\|"tasks":[0-9]*\|"valid_acc":{[^}]*}' | sort; }
summary "$work/md.h5" > "$work/sharded.txt"
summary "$work/whole.h5" > "$work/whole.txt"
grep -q '"results":12' "$work/sharded.txt" || fail "the merged collection: $(cat "$work/sharded.txt")"
cmp -s "$work/sharded.txt" "$work/whole.txt" || fail "array and whole collection differ: $(cat "$work/sharded.txt") / $(cat "$work/whole.txt")"
say "collect array: 12 of 12 pairs, the same as the whole collection (0 lost, 0 duplicated)"

# 2. A search with two Slurm workers; one worker job cancelled mid-search.
oracle=$(dirname "$(readlink -f "$0")")/../bench/oracles/fashion-mnist-tiny-curves.csv
"$meta_test" search --method random --objective "table-curves:$oracle" --max-fidelity 27 --budget 16 --seed 1 --simulated-seconds 1.5 \
  --workers 2 --executor slurm --threads 1 --out "$work/search" > "$work/search.out" 2> "$work/search.log" &
search=$!
for i in $(seq 240); do [ "$(grep -c '^\[' "$work/search.log" 2> /dev/null)" -ge 3 ] && break; sleep 0.25; done
victim=$(squeue -h -n tnas-worker -t RUNNING -o %i | head -n 1)
[ -n "$victim" ] || fail "no running worker job: $(tail -n 3 "$work/search.log")"
scancel "$victim"
say "search: worker job $victim cancelled"
wait "$search" || fail "the search failed: $(tail -n 3 "$work/search.log")"
python3 - "$work/search" 16 <<'PY' || fail "search records"
import json, sys
trials = [json.loads(l) for l in open(sys.argv[1] + "/trials.jsonl")]
numbers = sorted(t["trial"] for t in trials)
workers = {t["worker"] for t in trials}
assert numbers == list(range(1, int(sys.argv[2]) + 1)), numbers
assert len({t["arch"] for t in trials}) == len(trials), "a configuration twice"
assert all(w.startswith("slurm-") for w in workers) and len(workers) >= 2, workers
print(f"slurm_cluster: search: {len(trials)} of {sys.argv[2]} trials, each once, by worker jobs {sorted(workers)}")
PY
grep -q "worker job $victim ended: a new one takes its place" "$work/search.log" || fail "the cancelled worker was not replaced: $(cat "$work/search.log")"
grep -q "runs again" "$work/search.log" && say "search: the cancelled worker's trial ran again elsewhere"
[ -z "$(squeue -h -n tnas-worker -o %i)" ] || fail "worker jobs left after the search: $(squeue -h -n tnas-worker)"
say "ok"
