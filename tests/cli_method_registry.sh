#!/bin/sh
# The method registry writes --help, the error for an unknown method and the README's method table: every row
# of `search --list-methods` stands in README.md as it is, and every method is named in --help and in the error.
#   tests/cli_method_registry.sh META_TEST README.md WORKDIR
set -eu
meta_test=$1 readme=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_method_registry: $*" >&2; exit 1; }
"$meta_test" search --list-methods > "$work/methods.md"
"$meta_test" search --help > "$work/help.txt"
if "$meta_test" search --method bogus --out "$work/run" 2> "$work/error.txt"; then fail "an unknown method was accepted"; fi
rows=0
while IFS= read -r row; do
  grep -qxF -- "$row" "$readme" || fail "README.md lacks the row: $row (paste the output of meta_test search --list-methods)"
  name=$(printf '%s\n' "$row" | sed -n 's/^| `\([a-z0-9-]*\)` |.*/\1/p')
  [ -n "$name" ] || continue
  rows=$((rows + 1))
  grep -q -- "$name" "$work/help.txt" || fail "--help does not name $name"
  grep -q -- "$name" "$work/error.txt" || fail "the unknown-method error does not name $name: $(cat "$work/error.txt")"
done < "$work/methods.md"
[ "$rows" -ge 15 ] || fail "only $rows methods listed"
echo "cli_method_registry: $rows methods, each in README.md, --help and the unknown-method error"
