#include "models/trainer/memory_footprint.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <mutex>

namespace tnas {
namespace {

// Wraps the CPU allocator and counts bytes held and their peak. Each allocation carries a record of its size,
// so that a tensor freed after the measurement (a network output kept by the caller) is still un-counted
// correctly; the allocator lives for the whole process for the same reason.
class TrackingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t bytes) const override {
    auto* record = new Record{base->allocate(bytes), static_cast<int64_t>(bytes)};
    const int64_t now = held.fetch_add(record->bytes) + record->bytes;
    int64_t top = peak.load();
    while (now > top && !peak.compare_exchange_weak(top, now)) {
    }
    void* data = record->inner.get();
    const c10::Device device = record->inner.device();
    return {data, record, &TrackingCpuAllocator::release, device};
  }
  c10::DeleterFnPtr raw_deleter() const override { return nullptr; }

  c10::Allocator* base = nullptr;
  mutable std::atomic<int64_t> held{0}, peak{0};

 private:
  struct Record {
    c10::DataPtr inner;
    int64_t bytes;
  };
  static void release(void* context) {
    auto* record = static_cast<Record*>(context);
    instance().held.fetch_sub(record->bytes);
    delete record;  // frees the memory through the wrapped allocator's deleter
  }

 public:
  static TrackingCpuAllocator& instance() {
    static TrackingCpuAllocator* tracker = new TrackingCpuAllocator();  // never destroyed (see above)
    return *tracker;
  }
};

std::mutex measuring;

}  // namespace

int64_t peak_cpu_allocation_bytes(const std::function<void()>& work) {
  std::lock_guard<std::mutex> one_at_a_time(measuring);
  TrackingCpuAllocator& tracker = TrackingCpuAllocator::instance();
  c10::Allocator* base = c10::GetCPUAllocator();
  tracker.base = base;
  const int64_t before = tracker.held.load();
  tracker.peak.store(before);
  c10::SetAllocator(c10::DeviceType::CPU, &tracker);
  try {
    work();
  } catch (...) {
    c10::SetAllocator(c10::DeviceType::CPU, base);
    throw;
  }
  c10::SetAllocator(c10::DeviceType::CPU, base);
  return tracker.peak.load() - before;
}

}  // namespace tnas
