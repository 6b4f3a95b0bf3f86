#!/bin/sh
# The registries of methods, objectives and spaces write --help, the error for an unknown name and the docs'
# tables: every row of `search --list-methods`, `--list-objectives` and `--list-spaces` stands in its page
# (docs/search.md, docs/objectives.md, docs/spaces.md) as it is, and every name is in --help and in the error for
# an unknown name.
#   tests/cli_registries.sh META_TEST DOCS_DIR WORKDIR
set -eu
meta_test=$1 docs=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "cli_registries: $*" >&2; exit 1; }
"$meta_test" search --help > "$work/help.txt"
# check PAGE LIST_OPTION MIN_ROWS OPTION_FOR_A_BOGUS_NAME [OTHER ARGUMENTS]: the rows, the names, the error.
check() {
  page=$docs/$1 list=$2 min_rows=$3 option=$4
  shift 4
  "$meta_test" search "$list" > "$work/list.md"
  if "$meta_test" search "$option" bogus "$@" --out "$work/run" 2> "$work/error.txt"; then
    fail "an unknown $option was accepted"
  fi
  rows=0
  while IFS= read -r row; do
    grep -qxF -- "$row" "$page" || fail "$page lacks the row: $row (paste the output of meta_test search $list)"
    # the name: a method or space as written; an objective's kind, before its colon
    name=$(printf '%s\n' "$row" | sed -n 's/^| `\([a-z0-9-]*\).*` |.*/\1/p')
    [ -n "$name" ] || continue
    rows=$((rows + 1))
    grep -q -- "$name" "$work/help.txt" || fail "--help does not name $name"
    grep -q -- "$name" "$work/error.txt" || fail "the unknown $option error does not name $name: $(cat "$work/error.txt")"
  done < "$work/list.md"
  [ "$rows" -ge "$min_rows" ] || fail "only $rows rows in $list"
  echo "cli_registries: $rows rows of $list, each in $page, --help and the unknown $option error"
}
check search.md --list-methods 15 --method
check objectives.md --list-objectives 4 --objective --method random
check spaces.md --list-spaces 2 --space --method random
