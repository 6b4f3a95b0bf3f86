#!/usr/bin/env bash
# tnas as an installed package: `cmake --install` into a fresh prefix, examples/cpp_ask_tell configured with
# find_package(tnas) against that prefix, built and run (an ask/tell search of 8 trials), and the Python module
# imported from the prefix.
#   tests/cli_install_package.sh BUILD_DIR REPO_DIR WORKDIR
set -euo pipefail
build=$(cd "$1" && pwd) repo=$(cd "$2" && pwd) work=$3
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
fail() { echo "cli_install_package: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
for f in include/tnas/ask_tell.h lib/cmake/tnas/tnasConfig.cmake lib/cmake/tnas/tnasConfigVersion.cmake \
         lib/cmake/tnas/tnasTargets.cmake bin/meta_test bin/meta_train; do
  [ -e "$work/prefix/$f" ] || fail "the install lacks $f"
done
ls "$work/prefix"/lib*/libtnas.so > /dev/null || fail "the install lacks libtnas.so"
# The installed header compiles on its own: no torch, no cxxopts, no nlohmann.
if grep -E '#include [<"](torch|cxxopts|nlohmann)' "$work/prefix/include/tnas/ask_tell.h"; then
  fail "the public header includes a private dependency"
fi
cmake -S "$repo/examples/cpp_ask_tell" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" || { cat "$work/configure.log"; fail "find_package(tnas) failed"; }
cmake --build "$work/example" > "$work/build.log" || { cat "$work/build.log"; fail "the example did not build"; }
"$work/example/ask_tell_example" "$work/run" bowl 8 > "$work/run.log" || { cat "$work/run.log"; fail "the example failed"; }
[ "$(wc -l < "$work/run/trials.jsonl")" -eq 8 ] || fail "the example's search did not record 8 trials"
grep -q '^best: ' "$work/run.log" || fail "the example printed no best cell"
# A second run on the same directory resumes: nothing is asked again.
"$work/example/ask_tell_example" "$work/run" bowl 8 > "$work/rerun.log"
[ "$(grep -c '^trial' "$work/rerun.log" || true)" -eq 0 ] || fail "the rerun evaluated trials again"
# An unknown method is a one-line error and a non-zero exit.
if "$work/example/ask_tell_example" "$work/bad" no-such-method 8 2> "$work/bad.log"; then fail "an unknown method was accepted"; fi
grep -q "unknown --method 'no-such-method'" "$work/bad.log" || fail "unexpected error: $(cat "$work/bad.log")"
# The shipped checkpoints are installed and found from any directory: the installed program, run outside the
# checkout, ranks with PREFIX/share/tnas/checkpoints/default (the default --checkpoint; rank names the folder).
for f in default/manifest.json hnb201/manifest.json imagenet16-fast.meta.h5; do
  [ -e "$work/prefix/share/tnas/checkpoints/$f" ] || fail "the install lacks share/tnas/checkpoints/$f"
done
(cd "$work" && "$work/prefix/bin/meta_test" rank --dataset fashion-mnist --top 1 > rank.out 2> rank.err) \
  || { cat "$work/rank.err"; fail "the installed meta_test rank failed outside the checkout"; }
grep -q "(checkpoint $work/prefix/share/tnas/checkpoints/default)" "$work/rank.err" \
  || fail "rank did not use the installed checkpoint: $(tail -1 "$work/rank.err")"
if [ -d "$work/prefix/lib/python3/dist-packages/tnas" ]; then
  PYTHONPATH="$work/prefix/lib/python3/dist-packages" /usr/bin/python3 -c 'import tnas; print(tnas.Search)' > /dev/null \
    || fail "the installed Python module does not import"
fi
echo "cli_install_package: installed, example built with find_package(tnas), 8 trials, resumed, error path; $(tail -1 "$work/run.log")"
