#!/bin/sh
# meta_test proxies: the CSV is the cache per (cell, dataset): a rerun computes only the missing cells and
# gives the same scores, a torn last line (a killed run) is recomputed, other settings are refused by name,
# and --table prints every proxy's rank correlation.
#   tests/cli_proxies.sh META_TEST WORKDIR
set -eu
meta_test=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_proxies: $*" >&2; exit 1; }
python3 -c "
import random, sys
random.seed(1)
with open(sys.argv[1], 'wb') as out:
    for i in range(60):
        out.write(bytes([i % 10]) + bytes(random.randrange(256) for _ in range(3072)))
" "$work/images.bin"
python3 "$here/made_up_nb201_table.py" "$work/table.csv"
proxies() { "$meta_test" proxies --dataset "cifar10:$work/images.bin" --preset smoke --batch 16 --threads 1 --out "$work/p.csv" "$@"; }
proxies --sample 4 2> "$work/first.err"
[ "$(wc -l < "$work/p.csv")" -eq 6 ] || fail "4 cells should give 6 lines: $(wc -l < "$work/p.csv")"
head -6 "$work/p.csv" > "$work/four.csv"
proxies --sample 6 2> "$work/second.err"
[ "$(wc -l < "$work/p.csv")" -eq 8 ] || fail "6 cells should give 8 lines"
grep -q '^\[2/2\]' "$work/second.err" || fail "the rerun did not compute just the 2 missing cells: $(cat "$work/second.err")"
head -6 "$work/p.csv" | cmp -s - "$work/four.csv" || fail "the rerun changed the cells it had"
cp "$work/p.csv" "$work/six.csv"
head -c -40 "$work/six.csv" > "$work/p.csv"  # a run killed in the middle of its last line
proxies --sample 6 2> "$work/third.err"
grep -q '^\[1/1\]' "$work/third.err" || fail "the torn line was not recomputed alone: $(cat "$work/third.err")"
cmp -s "$work/p.csv" "$work/six.csv" || fail "the recomputed cell differs from the first run's"
if proxies --sample 6 --batch 8 2> "$work/other.err"; then fail "other settings were accepted"; fi
grep -q "p.csv: written with other settings" "$work/other.err" || fail "the refusal does not name the file: $(cat "$work/other.err")"
proxies --sample 6 --table "$work/table.csv" > "$work/table.txt" 2> /dev/null
[ "$(grep -cE '^(synflow|snip|grad_norm|fisher|naswot|jacov|params|flops)	-?[0-9.]+	-?[0-9.]+	6$' "$work/table.txt")" -eq 8 ] ||
  fail "--table did not print 8 proxies over 6 cells: $(cat "$work/table.txt")"
echo "cli_proxies: resumed, a torn line recomputed, other settings refused, 8 correlations printed"
