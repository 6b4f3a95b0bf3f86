#!/usr/bin/env bash
# Runs every ```bash block of docs/*.md as written (```bash notest blocks are skipped: they need a Slurm
# cluster), in a scratch folder where build/, checkpoints/, bench/ and examples/ are the checkout's, so that
# what a block writes (runs/...) stays out of the checkout. A block fails the test naming its page and line.
#   tests/docs_commands.sh BUILD_DIR REPO_DIR WORKDIR
set -euo pipefail
build=$(cd "$1" && pwd) repo=$(cd "$2" && pwd) work=$3
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
ln -s "$build" "$work/build"
ln -s "$repo/checkpoints" "$work/checkpoints"
ln -s "$repo/bench" "$work/bench"
ln -s "$repo/examples" "$work/examples"
blocks=0
for page in "$repo"/docs/*.md; do
  # One file per block: BLOCK_LINE<TAB>command lines.
  python3 - "$page" "$work/blocks" <<'PY'
import os, sys
page, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for name in os.listdir(out):
    os.remove(os.path.join(out, name))
block, start = None, 0
for number, line in enumerate(open(page), 1):
    stripped = line.rstrip("\n")
    if block is None and stripped == "```bash":
        block, start = [], number
    elif block is not None and stripped == "```":
        open(os.path.join(out, f"{start:05d}.sh"), "w").write("".join(block))
        block = None
    elif block is not None:
        block.append(line)
if block is not None:
    sys.exit(f"{page}:{start}: a ```bash block is never closed")
PY
  for script in "$work"/blocks/*.sh; do
    [ -e "$script" ] || continue
    line=$((10#$(basename "$script" .sh)))
    blocks=$((blocks + 1))
    start=$(date +%s)
    # A safety net for a hang, not a speed target: the two real-training blocks of docs/spaces.md take about
    # 250 s each when another job shares the two cores (300 s was hit in a fresh clone's run, 2026-12-04).
    if ! (cd "$work" && timeout 900 bash -euo pipefail "$script") > "$work/last.log" 2>&1; then
      echo "docs_commands: ${page#$repo/}:$line: the block failed:" >&2
      tail -5 "$work/last.log" >&2
      exit 1
    fi
    echo "docs_commands: ${page#$repo/}:$line ran ($(( $(date +%s) - start )) s)"
  done
done
[ "$blocks" -ge 10 ] || { echo "docs_commands: only $blocks blocks found" >&2; exit 1; }
echo "docs_commands: all $blocks blocks of docs/*.md ran"
