#include "models/trainer/compute_device.h"

#include <torch/cuda.h>
#include <torch/version.h>

namespace tnas {

template <>
const EnumNames<ComputeDevice>& enum_names<ComputeDevice>() {
  static const EnumNames<ComputeDevice> names = {
      {ComputeDevice::kAuto, "auto"}, {ComputeDevice::kCpu, "cpu"}, {ComputeDevice::kCuda, "cuda"}};
  return names;
}

template <>
const EnumNames<TrainingMode>& enum_names<TrainingMode>() {
  static const EnumNames<TrainingMode> names = {
      {TrainingMode::kAuto, "auto"}, {TrainingMode::kStrict, "strict"}, {TrainingMode::kFast, "fast"}};
  return names;
}

ComputeDevice resolve_device(ComputeDevice requested) {
  const bool cuda = torch::cuda::is_available();
  if (requested == ComputeDevice::kAuto) return cuda ? ComputeDevice::kCuda : ComputeDevice::kCpu;
  if (requested == ComputeDevice::kCuda && !cuda)
    throw Error("--device cuda: CUDA is not available (this LibTorch " TORCH_VERSION
                " build or machine has no GPU)");
  return requested;
}

TrainingMode resolve_train_mode(TrainingMode requested, ComputeDevice device) {
  if (requested != TrainingMode::kAuto) return requested;
  return device == ComputeDevice::kCuda ? TrainingMode::kFast : TrainingMode::kStrict;
}

}  // namespace tnas
