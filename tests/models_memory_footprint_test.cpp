// The memory objective's measurement: the peak of the CPU tensor bytes held during a piece of work, beyond
// what was held before, by a tracking allocator (models/trainer/memory_footprint.h).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/trainer/memory_footprint.h"

namespace tnas {
namespace {

TEST(MemoryFootprint, CountsThePeakOfTheTensorsHeldDuringTheWork) {
  const torch::Tensor held_before = torch::ones({100000});  // 400 kB held already: not counted
  torch::Tensor kept;
  const int64_t peak = peak_cpu_allocation_bytes([&] {
    const torch::Tensor a = torch::zeros({1000});  // 4,000 bytes
    {
      const torch::Tensor b = torch::zeros({2000});  // 8,000 more, freed at once
    }
    const torch::Tensor c = torch::zeros({500});  // 2,000: a and c never reach a and b
    kept = torch::zeros({250});                   // 1,000, kept after the work
  });
  EXPECT_EQ(peak, 12000);
  // A tensor allocated while counting and freed afterwards is un-counted then: the next measurement starts
  // from what is held, not from a drifting total.
  kept = torch::Tensor();
  EXPECT_EQ(peak_cpu_allocation_bytes([] { const torch::Tensor d = torch::zeros({10}); }), 40);
  EXPECT_EQ(held_before.numel(), 100000);
}

TEST(MemoryFootprint, AnErrorInTheWorkLeavesTheAllocatorAsItWas) {
  EXPECT_THROW(peak_cpu_allocation_bytes([] { throw std::runtime_error("inside"); }), std::runtime_error);
  EXPECT_EQ(peak_cpu_allocation_bytes([] { const torch::Tensor d = torch::zeros({4}); }), 16);
}

}  // namespace
}  // namespace tnas
