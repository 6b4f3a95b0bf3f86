#!/usr/bin/env bash
# GPU check in one call (for the device machine: an NVIDIA GPU and a pip-installed CUDA PyTorch whose
# LibTorch we build against, TOOLCHAIN.md section 9). Builds tnas, runs the test suite, then the GPU
# benchmarks next to their Python references, all within ~8 minutes; writes $OUT/gpu_results.txt and
# a short table $OUT/gpu_summary.md. Fails cleanly (exit 3) on a machine without a GPU.
set -uo pipefail
OUT=${OUT:-$(pwd)/gpu_out}
mkdir -p "$OUT"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu_check: no NVIDIA GPU here (nvidia-smi finds none); nothing to check" | tee "$OUT/gpu_summary.md" >&2
  exit 3
fi
if ! python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  echo "gpu_check: python3 has no CUDA-enabled PyTorch; cannot build against its LibTorch" | tee "$OUT/gpu_summary.md" >&2
  exit 3
fi
nvidia-smi -L > "$OUT/gpu.txt"
prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
start=$(date +%s)
cmake -S . -B build-cuda -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" > "$OUT/configure.log" 2>&1 || { echo "configure failed (see configure.log)" >&2; exit 1; }
graphs=ON
if ! cmake --build build-cuda -j "$(nproc)" > "$OUT/build.log" 2>&1; then
  # The CUDA-graph step (models/trainer/cuda_graph_step.cpp) is the one file only a CUDA LibTorch compiles; if it
  # fails there, keep its error and measure everything else without it.
  grep -B2 -A8 -m3 'error' "$OUT/build.log" > "$OUT/build_errors.txt"
  graphs="OFF (build failed with it: build_errors.txt)"
  cmake -S . -B build-cuda -DTNAS_CUDA_GRAPHS=OFF >> "$OUT/configure.log" 2>&1
  cmake --build build-cuda -j "$(nproc)" > "$OUT/build_nographs.log" 2>&1 || { tail -n 30 "$OUT/build_nographs.log" >&2; exit 1; }
fi
echo "build: $(( $(date +%s) - start )) s, CUDA graphs $graphs" > "$OUT/gpu_summary.md"
ctest --test-dir build-cuda -j 8 --output-on-failure > "$OUT/ctest.log" 2>&1
echo "ctest: $(tail -n 3 "$OUT/ctest.log" | grep -E 'tests passed|tests failed')" >> "$OUT/gpu_summary.md"
export TNAS_SHARED_DATA=${TNAS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
{
  timeout 150 build-cuda/bench/evaluator_speed --device cuda --out "$OUT" | sed 's/^/tnas: /'
  timeout 180 python3 bench/reference/nb201_pytorch.py --device cuda | sed 's/^/pytorch: /'
  # Meta-training on CUDA (3 epochs of the default fit) when Fashion-MNIST is here (a Debian package, or
  # carried into TNAS_FASHION_MNIST_DIR), next to the same fit on the CPU cores.
  if build-cuda/meta_test/meta_test dataset info --dataset fashion-mnist >/dev/null 2>&1; then
    for dev in cuda cpu; do
      /usr/bin/time -f "fit $dev: %e s wall" timeout 150 build-cuda/meta_train/meta_train fit \
        --meta checkpoints/fashion-mnist-tiny.meta.h5 --out "$OUT/fit-$dev" --epochs 3 --device $dev 2>&1 |
        grep -E 'epoch [0-9]+/|triples/s|wall' | sed "s/^/fit ($dev): /"
    done
  else
    echo "fit: skipped (no Fashion-MNIST on this machine; set TNAS_FASHION_MNIST_DIR)"
  fi
  timeout 60 build-cuda/bench/bo_step --out "$OUT" | sed 's/^/tnas (CPU Eigen): /'
  (cd bench/reference && timeout 120 python3 gp_step_pytorch.py --device cuda) | sed "s/^/pytorch+gpytorch: /"
} > "$OUT/gpu_results.txt" 2>&1
cat "$OUT/gpu_results.txt" >> "$OUT/gpu_summary.md"
echo "total: $(( $(date +%s) - start )) s" >> "$OUT/gpu_summary.md"
cat "$OUT/gpu_summary.md"
