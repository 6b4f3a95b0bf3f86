#pragma once
// Where and how a network trains: closed sets named on the command line (--device, --mode) and in records.
#include "basics/enum_names.h"

namespace tnas {

enum class ComputeDevice { kAuto, kCpu, kCuda };  // auto, cpu, cuda
// strict: float32, contiguous tensors, deterministic cuDNN, no TF32.
// fast: channels-last; on CUDA also bf16 autocast, cuDNN autotuning, TF32 and one CUDA graph per step.
//   (On CPU, fast is channels-last only: 5-13 % more images/s on 2 cores (bench/RESULTS.md 3b), while bf16
//   autocast made it 8x slower on CPUs without bf16 units.)
// auto: fast on CUDA, strict on CPU. Both are deterministic on CPU for a seed, with different results.
enum class TrainingMode { kAuto, kStrict, kFast };  // auto, strict, fast

template <>
const EnumNames<ComputeDevice>& enum_names<ComputeDevice>();
template <>
const EnumNames<TrainingMode>& enum_names<TrainingMode>();

// auto: cuda when CUDA is available, else cpu. Throws tnas::Error for cuda in a CPU-only build or machine.
ComputeDevice resolve_device(ComputeDevice requested);
// auto: fast on cuda, strict on cpu (`device` resolved).
TrainingMode resolve_train_mode(TrainingMode requested, ComputeDevice device);

}  // namespace tnas
