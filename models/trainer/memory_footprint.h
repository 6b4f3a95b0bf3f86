#pragma once
// What a network needs in memory at batch 1 (issue 30's memory objective): its weights, and the peak of the
// bytes LibTorch holds in CPU tensors while one forward pass runs (inference mode, batch 1): the activations,
// the cell nodes kept for later edges and the ops' temporaries, as the network computes them. Counted by a
// tracking CPU allocator installed for the pass (allocations of oneDNN's own scratch memory are not counted).
#include <cstdint>
#include <functional>

namespace tnas {

struct MemoryFootprint {
  int64_t weight_bytes = 0;           // parameters and buffers
  int64_t peak_activation_bytes = 0;  // most bytes allocated at once during the pass, beyond what was before
  int64_t total_bytes() const { return weight_bytes + peak_activation_bytes; }
};

// Runs `work` with every CPU tensor allocation counted; returns the most bytes held at once beyond those held
// when it started. Not reentrant: one measurement at a time in a process (the allocator is process-wide).
int64_t peak_cpu_allocation_bytes(const std::function<void()>& work);

}  // namespace tnas
