#!/usr/bin/env bash
# PNG plots from a run_all.sh output folder (gnuplot): regret vs evaluations with quartile bands,
# proxy-fidelity scatter per preset, BO step time vs n.
set -euo pipefail
out=$1
command -v gnuplot >/dev/null || { echo "plots.sh: gnuplot is not installed; no plots" >&2; exit 0; }
# Each plot is drawn when its inputs are in $out (a partial run, run_all.sh --only, has some of them).
if [ -f "$out/search_quality_curves.csv" ]; then
python3 - "$out" <<'PY'
import csv, collections, sys
out = sys.argv[1]
curves = collections.defaultdict(lambda: collections.defaultdict(list))
for r in csv.DictReader(open(f"{out}/search_quality_curves.csv")):
    curves[r["method"]][int(r["evaluation"])].append(float(r["incumbent_regret"]))
def q(v, p):
    v = sorted(v); x = p * (len(v) - 1); lo = int(x); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (x - lo) * (v[hi] - v[lo])
for m, by_eval in curves.items():
    with open(f"{out}/regret_{m}.dat", "w") as f:
        for e in sorted(by_eval):
            v = by_eval[e]
            f.write(f"{e} {q(v,.25) + 0.01} {q(v,.5) + 0.01} {q(v,.75) + 0.01}\n")  # + 0.01: regret 0 on a log axis
open(f"{out}/methods.txt", "w").write(" ".join(curves))
PY
methods=$(cat "$out/methods.txt")
plot=""
colors=('#d62728' '#1f77b4' '#2ca02c' '#7f7f7f' '#9467bd' '#ff7f0e' '#8c564b' '#e377c2' '#17becf' '#bcbd22')
k=0
for m in $methods; do
  c=${colors[$((k % ${#colors[@]}))]}; k=$((k + 1))
  plot+="'$out/regret_$m.dat' using 1:2:4 with filledcurves fs transparent solid 0.12 lc rgb '$c' notitle, '$out/regret_$m.dat' using 1:3 with lines lw 2 lc rgb '$c' title '$m', "
done
gnuplot -e "set terminal pngcairo size 900,550; set output '$out/regret.png'; set logscale y; set xlabel 'evaluations'; set ylabel 'regret + 0.01 (%, NB201 CIFAR-10; median and quartiles)'; set grid; plot ${plot%, }"
fi
[ -f "$out/proxy_fidelity.csv" ] && gnuplot -e "set terminal pngcairo size 900,550; set output '$out/proxy_fidelity.png'; set datafile separator ','; set xlabel 'NB201 CIFAR-10 test accuracy (200 epochs)'; set ylabel 'proxy test accuracy'; set key top left; set grid; plot for [p in 'smoke tiny fast'] '$out/proxy_fidelity.csv' using (strcol(1) eq p ? \$4 : 1/0):(\$3) with points pt 7 ps 0.7 title p"
[ -f "$out/bo_step.json" ] && python3 -c "
import json,sys; d=json.load(open('$out/bo_step.json'))
open('$out/bo_step.dat','w').write(''.join(f\"{r['n']} {r['eigen_ms']} {r['autograd_ms']}\n\" for r in d['rows']))"
[ -f "$out/bo_step.dat" ] && gnuplot -e "set terminal pngcairo size 900,550; set output '$out/bo_step.png'; set logscale xy; set xlabel 'observations n'; set ylabel 'ms per BO step (50 Adam steps + 15,625 predictions)'; set grid; plot '$out/bo_step.dat' using 1:2 with linespoints lw 2 title 'tnas (Eigen, analytic gradients)', '' using 1:3 with linespoints lw 2 title 'LibTorch autograd'"
echo "plots.sh: wrote $(cd "$out" && ls *.png 2>/dev/null | tr '\n' ' ')in $out" >&2
